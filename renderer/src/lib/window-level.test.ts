import { describe, expect, it } from 'vitest';
import { dragWindow, formatWindow, sameWindow } from './window-level';

const page = { range: { min: 0, max: 4095 } };
const viewer = { width: 1000, height: 800 };

describe('dragWindow', () => {
  it('widens the window dragging right and raises the centre dragging up', () => {
    const w = dragWindow({ center: 2048, width: 1000 }, 100, -80, page, viewer);
    expect(w.width).toBe(Math.round(1000 + 100 * (4095 / 1000)));
    expect(w.center).toBe(Math.round(2048 + 80 * (4095 / 800)));
  });
  it('never narrows below width 1 nor strays far outside the range', () => {
    expect(dragWindow({ center: 2048, width: 10 }, -5000, 0, page, viewer).width).toBe(1);
    expect(dragWindow({ center: 2048, width: 10 }, 0, 100_000, page, viewer).center).toBe(-4095);
  });
  it('keeps invert', () => {
    expect(dragWindow({ center: 1, width: 2, invert: true }, 1, 1, page, viewer).invert).toBe(true);
  });
});

describe('formatting and comparing windows', () => {
  it('prints width and level', () => {
    expect(formatWindow({ center: 40, width: 400 })).toBe('W 400 · L 40');
    expect(formatWindow({ center: 0.5, width: 1.25, invert: true })).toBe('W 1.25 · L 0.50 · inverted');
  });
  it('compares invert as a boolean', () => {
    expect(sameWindow({ center: 1, width: 2 }, { center: 1, width: 2, invert: false })).toBe(true);
    expect(sameWindow({ center: 1, width: 2 }, null)).toBe(false);
  });
});
