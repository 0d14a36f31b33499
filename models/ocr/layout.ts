// Reading order: group lines into blocks (columns, then paragraphs) by recursive XY-cut on the
// deskewed line boxes, then order blocks and the lines inside them top-to-bottom, left-to-right.
import { bbox } from './geometry';
import type { Point, Quad } from './types';

export interface LayoutItem {
  box: Quad;
}

export interface LayoutOptions {
  /** Vertical whitespace (in median line heights) that separates paragraphs. */
  paragraphGap: number;
  /** Horizontal whitespace (in median line heights) that separates columns. */
  columnGap: number;
}

const DEFAULT_LAYOUT: LayoutOptions = { paragraphGap: 0.7, columnGap: 1.2 };

interface Rect {
  idx: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Median angle (radians) of the lines' top edges, weighted by nothing: robust to a few outliers. */
export function skewAngle(boxes: readonly Quad[]): number {
  const angles = boxes
    .filter((q) => Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]) > 2 * Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1]))
    .map((q) => Math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]))
    .sort((a, b) => a - b);
  if (!angles.length) return 0;
  return angles[Math.floor(angles.length / 2)]!;
}

function rotate(p: Point, cos: number, sin: number): Point {
  return [p[0] * cos - p[1] * sin, p[0] * sin + p[1] * cos];
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Splits rects wherever the projection on one axis has a gap of at least `minGap`. */
function splitByGaps(rects: Rect[], axis: 'x' | 'y', minGap: number): { parts: Rect[][]; widest: number } {
  const lo = axis === 'x' ? 'x0' : 'y0';
  const hi = axis === 'x' ? 'x1' : 'y1';
  const sorted = [...rects].sort((a, b) => a[lo] - b[lo]);
  const parts: Rect[][] = [];
  let current: Rect[] = [];
  let reach = -Infinity;
  let widest = 0;
  for (const r of sorted) {
    const gap = r[lo] - reach;
    if (current.length && gap >= minGap) {
      parts.push(current);
      current = [];
      widest = Math.max(widest, gap);
    }
    current.push(r);
    reach = Math.max(reach, r[hi]);
  }
  if (current.length) parts.push(current);
  return { parts, widest };
}

function xyCut(rects: Rect[], lineH: number, opts: LayoutOptions): Rect[][] {
  if (rects.length <= 1) return [rects];
  // Columns first: a gutter running down the whole region wins over paragraph gaps, otherwise
  // paragraphs that happen to align across two columns would interleave the columns.
  const cols = splitByGaps(rects, 'x', opts.columnGap * lineH);
  if (cols.parts.length > 1) return cols.parts.flatMap((p) => xyCut(p, lineH, opts));
  // Then one horizontal cut at the widest gap (classic XY-cut): a heading's gap above two columns
  // is cut before a paragraph gap inside one column, which belongs to a deeper level.
  const rows = splitByGaps(rects, 'y', opts.paragraphGap * lineH);
  if (rows.parts.length > 1) {
    const at = widestGapIndex(rows.parts);
    const upper = rows.parts.slice(0, at + 1).flat();
    const lower = rows.parts.slice(at + 1).flat();
    return [...xyCut(upper, lineH, opts), ...xyCut(lower, lineH, opts)];
  }
  return [rects];
}

/** Index of the part after which the vertical gap is widest. */
function widestGapIndex(parts: Rect[][]): number {
  let best = 0;
  let bestGap = -Infinity;
  for (let i = 0; i + 1 < parts.length; i++) {
    const bottom = Math.max(...parts[i]!.map((r) => r.y1));
    const top = Math.min(...parts[i + 1]!.map((r) => r.y0));
    if (top - bottom > bestGap) {
      bestGap = top - bottom;
      best = i;
    }
  }
  return best;
}

/** Orders lines inside a block: rows by vertical position, lines sharing a row left to right. */
function orderBlock(rects: Rect[]): Rect[] {
  const byY = [...rects].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  const rows: Rect[][] = [];
  for (const r of byY) {
    const row = rows[rows.length - 1];
    const last = row?.[row.length - 1];
    if (row && last) {
      const overlap = Math.min(last.y1, r.y1) - Math.max(last.y0, r.y0);
      const minH = Math.min(last.y1 - last.y0, r.y1 - r.y0);
      if (overlap > 0.5 * minH) {
        row.push(r);
        continue;
      }
    }
    rows.push([r]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.x0 - b.x0));
}

/**
 * Returns, in reading order, the indices of `items` and the block number of each. `toUpright`
 * maps image points into the frame where the text is upright (identity for an upright page).
 */
export function readingOrder(
  items: readonly LayoutItem[],
  toUpright: (p: Point) => Point = (p) => p,
  options: Partial<LayoutOptions> = {},
): { order: number[]; blocks: number[] } {
  const opts = { ...DEFAULT_LAYOUT, ...options };
  if (!items.length) return { order: [], blocks: [] };
  const upright = items.map((it) => it.box.map(toUpright) as Quad);
  // Deskew so a page scanned a few degrees off does not make every line overlap its neighbours.
  const angle = skewAngle(upright);
  const cos = Math.cos(-angle), sin = Math.sin(-angle);
  const rects: Rect[] = upright.map((q, idx) => ({ idx, ...bbox(q.map((p) => rotate(p, cos, sin))) }));
  const lineH = Math.max(1, median(rects.map((r) => r.y1 - r.y0)));
  const blocks = xyCut(rects, lineH, opts);
  const order: number[] = [];
  const blockOf: number[] = [];
  blocks.forEach((b, bi) => {
    for (const r of orderBlock(b)) {
      order.push(r.idx);
      blockOf.push(bi);
    }
  });
  return { order, blocks: blockOf };
}
