import { describe, expect, it } from 'vitest';
import { convexHull, insideConvex, minAreaRect, orderQuad, polygonArea, polygonPerimeter, quadPoint, rotateQuadLabels, subQuad, unclip } from './geometry';
import type { Point, Quad } from './types';

const rot = (p: Point, deg: number, c: Point = [0, 0]): Point => {
  const a = (deg * Math.PI) / 180;
  const x = p[0] - c[0], y = p[1] - c[1];
  return [c[0] + x * Math.cos(a) - y * Math.sin(a), c[1] + x * Math.sin(a) + y * Math.cos(a)];
};

describe('convexHull', () => {
  it('drops interior points', () => {
    const hull = convexHull([[0, 0], [4, 0], [4, 4], [0, 4], [2, 2], [1, 3]]);
    expect(hull).toHaveLength(4);
    expect(polygonArea(hull)).toBe(16);
  });
});

describe('minAreaRect', () => {
  it('recovers a rotated rectangle from its filled pixels', () => {
    const pts: Point[] = [];
    for (let x = 0; x <= 100; x += 1) for (let y = 0; y <= 20; y += 1) pts.push(rot([x + 50, y + 80], 10, [100, 90]));
    const r = minAreaRect(pts);
    expect(r.width).toBeCloseTo(100, 0);
    expect(r.height).toBeCloseTo(20, 0);
    // Top edge direction keeps the 10° slope.
    const q = r.quad;
    expect((Math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]) * 180) / Math.PI).toBeCloseTo(10, 0);
  });

  it('handles collinear and single points', () => {
    expect(minAreaRect([[3, 3]]).width).toBe(0);
    const line = minAreaRect([[0, 0], [5, 0], [10, 0]]);
    expect(line.width * line.height).toBe(0);
  });
});

describe('orderQuad', () => {
  it('orders corners clockwise from the top-left whatever the input order', () => {
    const q = orderQuad([[10, 20], [0, 0], [10, 0], [0, 20]]);
    expect(q).toEqual([[0, 0], [10, 0], [10, 20], [0, 20]]);
  });
  it('keeps the top-left first for slightly rotated boxes both ways', () => {
    for (const deg of [-5, 5]) {
      const c: Point = [50, 10];
      const q = orderQuad([rot([100, 20], deg, c), rot([0, 0], deg, c), rot([0, 20], deg, c), rot([100, 0], deg, c)]);
      expect(q[0][0]).toBeLessThan(10);
      expect(q[0][1]).toBeLessThan(q[3][1]);
      expect(q[1][0]).toBeGreaterThan(90);
    }
  });
});

describe('unclip', () => {
  it('offsets by area * ratio / perimeter', () => {
    const sq: Point[] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    const d = (polygonArea(sq) * 1.5) / polygonPerimeter(sq); // 3.75
    const grown = unclip(sq, 1.5);
    // A rounded offset of a square: (10 + 2d)² minus the four corners' (1 - π/4)·d² each.
    const expected = (10 + 2 * d) ** 2 - 4 * (1 - Math.PI / 4) * d * d;
    expect(polygonArea(grown)).toBeGreaterThan(expected * 0.98);
    expect(polygonArea(grown)).toBeLessThan(expected * 1.02);
    const r = minAreaRect(grown);
    expect(r.width).toBeCloseTo(10 + 2 * d, 0);
  });
});

describe('quad helpers', () => {
  const q: Quad = [[0, 0], [100, 0], [100, 10], [0, 10]];
  it('interpolates points and sub-quads', () => {
    expect(quadPoint(q, 0.5, 0.5)).toEqual([50, 5]);
    expect(subQuad(q, 0.25, 0.5)).toEqual([[25, 0], [50, 0], [50, 10], [25, 10]]);
  });
  it('relabels corners for quarter turns', () => {
    expect(rotateQuadLabels(q, 1)[0]).toEqual([100, 0]);
    expect(rotateQuadLabels(q, 2)[0]).toEqual([100, 10]);
    expect(rotateQuadLabels(q, 4)).toEqual(q);
  });
  it('tests containment in convex polygons', () => {
    expect(insideConvex(q, 50, 5)).toBe(true);
    expect(insideConvex(q, 101, 5)).toBe(false);
  });
});
