// Boxes of regions: integer pixel rectangles on the page. Small helpers shared by the sources, the merge and the order.
import type { Box } from './schema';

/** [left, top, right, bottom] in pixels, possibly fractional. */
export type Edges = [number, number, number, number];

/** The smallest integer box holding `e`, clipped to the page; null when nothing of it is on the page. */
export function boxFromEdges(e: Edges, page: { width: number; height: number }): Box | null {
  const x0 = Math.max(0, Math.floor(e[0])), y0 = Math.max(0, Math.floor(e[1]));
  const x1 = Math.min(page.width, Math.ceil(e[2])), y1 = Math.min(page.height, Math.ceil(e[3]));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function edgesOf(b: Box): Edges {
  return [b.x, b.y, b.x + b.width, b.y + b.height];
}

export function unionEdges(all: readonly Edges[]): Edges {
  return all.reduce<Edges>((u, e) => [Math.min(u[0], e[0]), Math.min(u[1], e[1]), Math.max(u[2], e[2]), Math.max(u[3], e[3])], [Infinity, Infinity, -Infinity, -Infinity]);
}

export function area(b: Box): number {
  return b.width * b.height;
}

/** The area two boxes share. */
export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** How much of `inner` lies inside `outer`, 0…1. */
export function coverage(inner: Box, outer: Box): number {
  return intersection(inner, outer) / area(inner);
}

export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  return i / (area(a) + area(b) - i);
}

/** How far apart two boxes are horizontally (0 when their x ranges overlap). */
export function horizontalOverlap(a: Box, b: Box): number {
  return Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
}
