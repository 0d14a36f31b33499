import { describe, expect, it } from 'vitest';
import { stretchFor } from './engine';
import type { BlankRun } from './spacing';

/** Blank runs of a crop with a margin, then glyphs every `pitch` px (2-px gaps), then a margin. */
function runs(glyphs: number, pitch: number): BlankRun[] {
  const out: BlankRun[] = [{ start: 0, end: 10 }];
  for (let k = 1; k < glyphs; k++) out.push({ start: 10 + k * pitch - 2, end: 10 + k * pitch });
  out.push({ start: 10 + glyphs * pitch - 2, end: 10 + glyphs * pitch + 20 });
  return out;
}

describe('stretchFor', () => {
  it('stretches narrow type up to the pitch the recognizer needs, capped', () => {
    expect(stretchFor(runs(30, 20))).toBeCloseTo(26 / 20, 1);
    expect(stretchFor(runs(30, 10))).toBe(1.4);
  });
  it('leaves wide type, short lines and low-contrast crops alone', () => {
    expect(stretchFor(runs(30, 30))).toBe(1);
    expect(stretchFor(runs(4, 10))).toBe(1);
    expect(stretchFor(null)).toBe(1);
  });
});
