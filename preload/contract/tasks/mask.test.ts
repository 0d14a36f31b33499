import { describe, expect, it } from 'vitest';
import { objectMask } from '../../../models/paligemma/tasks/mask/mask';
import { MASK_MAX_COUNTS, SegmentMask } from './mask';

describe('SegmentMask', () => {
  it('accepts what objectMask produces', () => {
    const logits = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i / 9));
    const m = objectMask(logits, [10.5, 20, 300, 200.2], { width: 640, height: 480 });
    expect(SegmentMask.parse(m)).toEqual(m);
  });

  it('refuses counts that do not cover the page, negative or fractional runs, and bad sizes', () => {
    expect(SegmentMask.safeParse({ rle: { size: [2, 2], counts: [1, 2] }, area: 2 }).success).toBe(false);
    expect(SegmentMask.safeParse({ rle: { size: [2, 2], counts: [5, -1] }, area: 0 }).success).toBe(false);
    expect(SegmentMask.safeParse({ rle: { size: [2, 2], counts: [1.5, 2.5] }, area: 2 }).success).toBe(false);
    expect(SegmentMask.safeParse({ rle: { size: [0, 2], counts: [0] }, area: 0 }).success).toBe(false);
    expect(SegmentMask.safeParse({ rle: { size: [2, 2], counts: [4] }, area: -1 }).success).toBe(false);
    expect(SegmentMask.safeParse({ rle: { size: [2, 2], counts: [4] }, area: 0 }).success).toBe(true);
  });

  it('the run bound: a map that flips sign on every row gives ≤ 129 runs per column of the box', () => {
    const striped = Float32Array.from({ length: 4096 }, (_, i) => (Math.floor(i / 64) % 2 ? 1 : -1));
    const width = 300;
    const m = objectMask(striped, [0, 0, width, 2000], { width, height: 2000 });
    expect(m.rle.counts.length).toBeGreaterThan(60 * width);
    expect(m.rle.counts.length).toBeLessThanOrEqual(129 * width + 1);
    expect(MASK_MAX_COUNTS).toBeGreaterThanOrEqual(129 * 15_000);
  });
});
