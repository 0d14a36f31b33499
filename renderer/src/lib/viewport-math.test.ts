import { describe, expect, it } from 'vitest';
import { clampView, fitPage, fitWidth, revealRect, screenToImage, zoomAround, FIT_MARGIN, MAX_SCALE } from './viewport-math';

const box = { width: 1000, height: 800 };
const page = { width: 2000, height: 3000 };

describe('viewport math', () => {
  it('fit page shows the whole page, centred', () => {
    const v = fitPage(page, box);
    expect(v.scale).toBeCloseTo((800 - 2 * FIT_MARGIN) / 3000);
    expect(v.x).toBeCloseTo((1000 - 2000 * v.scale) / 2);
    expect(v.y).toBeCloseTo(FIT_MARGIN);
  });

  it('fit width fills the width and starts at the top', () => {
    const v = fitWidth(page, box);
    expect(2000 * v.scale).toBeCloseTo(1000 - 2 * FIT_MARGIN);
    expect(v.x).toBeCloseTo(FIT_MARGIN);
    expect(v.y).toBeCloseTo(FIT_MARGIN);
  });

  it('zooming keeps the image point under the pointer where it was', () => {
    const start = { scale: 0.5, x: -100, y: -200 };
    const at = { x: 420, y: 310 };
    const before = screenToImage(start, at.x, at.y);
    const after = screenToImage(zoomAround(start, 1.7, at.x, at.y, page, box), at.x, at.y);
    expect(after.x).toBeCloseTo(before.x, 6);
    expect(after.y).toBeCloseTo(before.y, 6);
  });

  it('zoom stops at the maximum scale', () => {
    expect(zoomAround({ scale: 10, x: 0, y: 0 }, 10, 0, 0, page, box).scale).toBe(MAX_SCALE);
  });

  it('panning cannot push a large page out of sight', () => {
    const v = clampView({ scale: 1, x: 5000, y: -99999 }, page, box);
    expect(v.x).toBe(FIT_MARGIN);
    expect(v.y).toBe(800 - 3000 - FIT_MARGIN);
  });

  it('reveal leaves a visible rectangle alone and centres one that is off screen', () => {
    const v = { scale: 1, x: 0, y: 0 };
    expect(revealRect(v, { x: 10, y: 10, width: 100, height: 20 }, page, box)).toBe(v);
    const moved = revealRect(v, { x: 900, y: 1500, width: 100, height: 20 }, page, box);
    expect(950 * moved.scale + moved.x).toBeCloseTo(500);
    expect(1510 * moved.scale + moved.y).toBeCloseTo(400);
    // Wider than the viewer: its start goes to the margin.
    const wide = revealRect(v, { x: 500, y: 1500, width: 1400, height: 20 }, page, box);
    expect(500 * wide.scale + wide.x).toBeCloseTo(FIT_MARGIN);
    expect(1510 * wide.scale + wide.y).toBeCloseTo(400);
    // Near the page's edge the page stays in view rather than centring exactly.
    const edge = revealRect(v, { x: 1900, y: 10, width: 100, height: 20 }, page, box);
    expect(edge.x).toBe(1000 - 2000 - FIT_MARGIN);
  });
});
