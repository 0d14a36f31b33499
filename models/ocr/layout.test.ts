import { describe, expect, it } from 'vitest';
import { readingOrder, skewAngle } from './layout';
import type { Point, Quad } from './types';

const box = (x: number, y: number, w: number, h = 20): { box: Quad; name: string } => ({
  box: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]],
  name: `${x},${y}`,
});

function rotateItem(it: { box: Quad; name: string }, deg: number, c: Point) {
  const a = (deg * Math.PI) / 180;
  const r = (p: Point): Point => [c[0] + (p[0] - c[0]) * Math.cos(a) - (p[1] - c[1]) * Math.sin(a), c[1] + (p[0] - c[0]) * Math.sin(a) + (p[1] - c[1]) * Math.cos(a)];
  return { ...it, box: it.box.map(r) as Quad };
}

describe('readingOrder', () => {
  // Title across the page, then two columns of three lines with a paragraph break in the left one.
  const title = box(100, 50, 800);
  const left = [box(100, 120, 350), box(100, 150, 350), box(100, 215, 350)];
  const right = [box(550, 120, 350), box(550, 150, 350), box(550, 180, 300)];
  const items = [right[2]!, left[1]!, title, right[0]!, left[2]!, left[0]!, right[1]!];

  it('reads the title, then the left column, then the right column', () => {
    const { order, blocks } = readingOrder(items);
    expect(order.map((i) => items[i]!.name)).toEqual([title, ...left, ...right].map((b) => b.name));
    // Title, left paragraph 1, left paragraph 2, right column.
    expect(blocks).toEqual([0, 1, 1, 2, 3, 3, 3]);
  });

  it('survives a 3° skew', () => {
    const skewed = items.map((it) => rotateItem(it, 3, [500, 150]));
    expect(skewAngle(skewed.map((s) => s.box)) * (180 / Math.PI)).toBeCloseTo(3, 1);
    const { order } = readingOrder(skewed);
    expect(order.map((i) => skewed[i]!.name)).toEqual([title, ...left, ...right].map((b) => b.name));
  });

  it('puts lines sharing a row left to right', () => {
    const row = [box(400, 100, 100), box(100, 102, 100)];
    expect(readingOrder(row).order).toEqual([1, 0]);
  });

  it('uses the upright frame of a rotated page', () => {
    // A page turned 90° clockwise: lines become vertical, first line at the right.
    const w = 1000;
    const turned = [box(100, 100, 600), box(100, 140, 600)].map((it) => ({
      ...it,
      box: it.box.map(([x, y]) => [w - y, x]) as Quad,
    }));
    const toUpright = ([x, y]: Point): Point => [y, w - x];
    expect(readingOrder(turned, toUpright).order).toEqual([0, 1]);
    expect(readingOrder([]).order).toEqual([]);
  });
});
