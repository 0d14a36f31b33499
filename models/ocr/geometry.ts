// Plane geometry for text boxes: convex hull, minimum-area rectangle, polygon offset, corner order.
// Polygon offsetting is delegated to clipper-lib (a port of Angus Johnson's Clipper, the library
// PP-OCR itself uses via pyclipper). The hull / min-area rectangle are a few dozen lines and no
// maintained pure-JS package provides them without pulling in OpenCV's multi-megabyte WASM build.
import ClipperLib from 'clipper-lib';
import type { Point, Quad } from './types';

export function polygonArea(poly: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return Math.abs(a) / 2;
}

export function polygonPerimeter(poly: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    s += Math.hypot(q[0] - p[0], q[1] - p[1]);
  }
  return s;
}

/** Andrew's monotone chain; returns the hull counter-clockwise in y-up terms (clockwise on screen). */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length <= 2) return pts;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

export interface RotatedRect {
  quad: Quad;
  /** Side lengths: `width` along the first edge of `quad`, `height` along the second. */
  width: number;
  height: number;
}

/**
 * Minimum-area enclosing rectangle by rotating calipers over the convex hull (the optimal rectangle
 * has one side collinear with a hull edge). Corners are returned clockwise from the top-left.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) throw new Error('minAreaRect: no points');
  if (hull.length === 1) {
    const p = hull[0]!;
    return { quad: [p, p, p, p], width: 0, height: 0 };
  }
  let best: { area: number; ux: number; uy: number; minU: number; maxU: number; minV: number; maxV: number } | null = null;
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i]!;
    const q = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (len === 0) continue;
    const ux = (q[0] - p[0]) / len;
    const uy = (q[1] - p[1]) / len;
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const h of hull) {
      const u = h[0] * ux + h[1] * uy;
      const v = -h[0] * uy + h[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (!best || area < best.area) best = { area, ux, uy, minU, maxU, minV, maxV };
  }
  const b = best!;
  const toXY = (u: number, v: number): Point => [u * b.ux - v * b.uy, u * b.uy + v * b.ux];
  const corners: Point[] = [toXY(b.minU, b.minV), toXY(b.maxU, b.minV), toXY(b.maxU, b.maxV), toXY(b.minU, b.maxV)];
  const quad = orderQuad(corners);
  return { quad, width: dist(quad[0], quad[1]), height: dist(quad[1], quad[2]) };
}

/** Length along the first edge (w: corner 0→1, reading direction) and across it (h: 0→3). */
export function quadSides(q: Quad): { w: number; h: number } {
  return { w: Math.max(dist(q[0], q[1]), dist(q[3], q[2])), h: Math.max(dist(q[0], q[3]), dist(q[1], q[2])) };
}

export function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Orders four corners clockwise on screen (y down) starting from the top-left one. "Top-left" is
 * the corner whose edge to the next corner is the upper of the two near-horizontal edges; for a
 * near-axis-aligned box that is simply the corner with the smallest x+y.
 */
export function orderQuad(corners: readonly Point[]): Quad {
  if (corners.length !== 4) throw new Error(`orderQuad: expected 4 corners, got ${corners.length}`);
  const cx = corners.reduce((s, p) => s + p[0], 0) / 4;
  const cy = corners.reduce((s, p) => s + p[1], 0) / 4;
  // Clockwise on screen = increasing atan2 angle with y pointing down.
  const sorted = [...corners].sort((a, b) => Math.atan2(a[1] - cy, a[0] - cx) - Math.atan2(b[1] - cy, b[0] - cx));
  let start = 0;
  let bestScore = Infinity;
  for (let i = 0; i < 4; i++) {
    const p = sorted[i]!;
    const s = p[0] + p[1];
    if (s < bestScore - 1e-9) {
      bestScore = s;
      start = i;
    }
  }
  const q = [0, 1, 2, 3].map((k) => sorted[(start + k) % 4]!) as Quad;
  return q;
}

/** Grows (or shrinks) a polygon by `distance` pixels with rounded joins, as PP-OCR's DB post-process does. */
export function offsetPolygon(poly: readonly Point[], distance: number): Point[][] {
  // Clipper works on integers; scale up so sub-pixel detection-map coordinates survive.
  const scale = 64;
  const co = new ClipperLib.ClipperOffset(2, 0.25 * scale);
  co.AddPath(
    poly.map((p) => ({ X: Math.round(p[0] * scale), Y: Math.round(p[1] * scale) })),
    ClipperLib.JoinType.jtRound,
    ClipperLib.EndType.etClosedPolygon,
  );
  const out: { X: number; Y: number }[][] = [];
  co.Execute(out, distance * scale);
  return out.map((path) => path.map((p): Point => [p.X / scale, p.Y / scale]));
}

/** DB "unclip": the shrunk text kernel grows back by area * ratio / perimeter. */
export function unclip(poly: readonly Point[], ratio: number): Point[] {
  const perimeter = polygonPerimeter(poly);
  if (perimeter === 0) return [...poly];
  const distance = (polygonArea(poly) * ratio) / perimeter;
  const paths = offsetPolygon(poly, distance);
  // A convex input yields exactly one path; keep the largest defensively.
  let best: Point[] = [];
  let bestArea = -1;
  for (const p of paths) {
    const a = polygonArea(p);
    if (a > bestArea) {
      bestArea = a;
      best = p;
    }
  }
  return best;
}

/** Point at (u, v) ∈ [0,1]² of a quad by bilinear interpolation of its corners (tl, tr, br, bl). */
export function quadPoint(q: Quad, u: number, v: number): Point {
  const [tl, tr, br, bl] = q;
  const topX = tl[0] + (tr[0] - tl[0]) * u;
  const topY = tl[1] + (tr[1] - tl[1]) * u;
  const botX = bl[0] + (br[0] - bl[0]) * u;
  const botY = bl[1] + (br[1] - bl[1]) * u;
  return [topX + (botX - topX) * v, topY + (botY - topY) * v];
}

/** The sub-quad of `q` between horizontal fractions u0..u1 (full height). */
export function subQuad(q: Quad, u0: number, u1: number): Quad {
  return [quadPoint(q, u0, 0), quadPoint(q, u1, 0), quadPoint(q, u1, 1), quadPoint(q, u0, 1)];
}

/** Rotates the corner labels of a quad so the text reads along another edge (k quarter turns). */
export function rotateQuadLabels(q: Quad, quarterTurnsCcw: number): Quad {
  // Turning a crop 90° counter-clockwise makes its old top-right corner the new top-left.
  const k = ((quarterTurnsCcw % 4) + 4) % 4;
  return [q[k % 4]!, q[(k + 1) % 4]!, q[(k + 2) % 4]!, q[(k + 3) % 4]!];
}

export function bbox(q: readonly Point[]): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of q) {
    if (p[0] < x0) x0 = p[0];
    if (p[0] > x1) x1 = p[0];
    if (p[1] < y0) y0 = p[1];
    if (p[1] > y1) y1 = p[1];
  }
  return { x0, y0, x1, y1 };
}

/** True when p lies inside (or on) the convex polygon given clockwise on screen. */
export function insideConvex(poly: readonly Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const c = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    if (c === 0) continue;
    const s = c > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}
