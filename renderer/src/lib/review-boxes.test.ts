import { describe, it, expect } from 'vitest';
import { MIN_BOX, cornerPoint, moveBox, resizeBox, viewBoxFor } from './review-boxes';

const page = { width: 800, height: 1000 };

describe('box editing', () => {
  it('moves a box and stops it at the page edges, keeping its size', () => {
    expect(moveBox([10, 20, 110, 220], 30, 40, page)).toEqual([40, 60, 140, 260]);
    expect(moveBox([10, 20, 110, 220], -50, -50, page)).toEqual([0, 0, 100, 200]);
    expect(moveBox([10, 20, 110, 220], 5000, 5000, page)).toEqual([700, 800, 800, 1000]);
  });
  it('resizes by a corner, the opposite corner fixed, never inverted or smaller than MIN_BOX', () => {
    expect(resizeBox([10, 20, 110, 220], 'se', 200, 300, page)).toEqual([10, 20, 200, 300]);
    expect(resizeBox([10, 20, 110, 220], 'nw', 0, 0, page)).toEqual([0, 0, 110, 220]);
    expect(resizeBox([10, 20, 110, 220], 'ne', 5, 400, page)).toEqual([10, 216, 10 + MIN_BOX, 220]);
    expect(resizeBox([10, 20, 110, 220], 'sw', -30, 2000, page)).toEqual([0, 20, 110, 1000]);
  });
  it('corners and the view box (region or page, with a margin)', () => {
    expect(cornerPoint([1, 2, 3, 4], 'ne')).toEqual([3, 2]);
    expect(cornerPoint([1, 2, 3, 4], 'sw')).toEqual([1, 4]);
    expect(viewBoxFor(page, null)).toBe('-20 -20 840 1040');
    expect(viewBoxFor(page, { x: 100, y: 100, width: 200, height: 100 }, 0)).toBe('100 100 200 100');
  });
});
