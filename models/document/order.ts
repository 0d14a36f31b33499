// Reading order of a page's regions: headers and footers are left out; each caption is attached to the figure or
// table it sits against and read right after it (or right before, when it stands above); the rest is ordered by a
// recursive XY-cut over the regions' boxes — columns first (a gutter no region crosses), otherwise one cut across the
// widest horizontal gap, and again inside each part — so a title above two columns is read first, then the left
// column, then the right one.
import { edgesOf, horizontalOverlap, unionEdges, type Edges } from './geometry';
import type { Box, RegionType } from './schema';

export interface OrderInput {
  type: RegionType;
  box: Box;
}

export interface OrderResult {
  /** 1-based place in the reading order of each input; null for headers and footers. */
  order: (number | null)[];
  /** The index of the figure or table each caption belongs to; null for other regions or a caption with none. */
  captionOf: (number | null)[];
}

interface Unit {
  members: number[];
  e: Edges;
}

/** A caption further than this from every figure and table (in its own heights) stands alone. */
const CAPTION_REACH = 3;

function attachCaptions(regions: readonly OrderInput[]): (number | null)[] {
  const owners = regions.map((r, i) => (r.type === 'figure' || r.type === 'table' ? i : -1)).filter((i) => i >= 0);
  return regions.map((r) => {
    if (r.type !== 'caption') return null;
    let best: number | null = null, bestGap = Infinity;
    for (const o of owners) {
      const f = regions[o]!.box;
      if (horizontalOverlap(r.box, f) <= 0) continue;
      const gap = r.box.y >= f.y + f.height ? r.box.y - (f.y + f.height) : f.y >= r.box.y + r.box.height ? f.y - (r.box.y + r.box.height) : 0;
      if (gap < bestGap && gap <= CAPTION_REACH * r.box.height) { best = o; bestGap = gap; }
    }
    return best;
  });
}

function splitByGaps(units: Unit[], axis: 0 | 1): { parts: Unit[][]; gaps: number[] } {
  const lo = axis, hi = axis + 2;
  const sorted = [...units].sort((a, b) => a.e[lo] - b.e[lo]);
  const parts: Unit[][] = [];
  const gaps: number[] = [];
  let current: Unit[] = [];
  let reach = -Infinity;
  for (const u of sorted) {
    if (current.length && u.e[lo] > reach) {
      parts.push(current);
      gaps.push(u.e[lo] - reach);
      current = [];
    }
    current.push(u);
    reach = Math.max(reach, u.e[hi]!);
  }
  if (current.length) parts.push(current);
  return { parts, gaps };
}

function xyCut(units: Unit[]): Unit[] {
  if (units.length <= 1) return units;
  const cols = splitByGaps(units, 0);
  if (cols.parts.length > 1) return cols.parts.flatMap(xyCut);
  const rows = splitByGaps(units, 1);
  if (rows.parts.length > 1) {
    const at = rows.gaps.indexOf(Math.max(...rows.gaps)) + 1;
    return [...xyCut(rows.parts.slice(0, at).flat()), ...xyCut(rows.parts.slice(at).flat())];
  }
  // Overlapping boxes: top to bottom, then left to right.
  return [...units].sort((a, b) => a.e[1] - b.e[1] || a.e[0] - b.e[0]);
}

export function readingOrder(regions: readonly OrderInput[]): OrderResult {
  const captionOf = attachCaptions(regions);
  const units: Unit[] = [];
  const unitOf = new Map<number, Unit>();
  regions.forEach((r, i) => {
    if (r.type === 'header' || r.type === 'footer' || captionOf[i] !== null) return;
    const u = { members: [i], e: edgesOf(r.box) };
    units.push(u);
    unitOf.set(i, u);
  });
  captionOf.forEach((owner, i) => {
    if (owner === null) return;
    const u = unitOf.get(owner)!;
    u.members.push(i);
    u.e = unionEdges([u.e, edgesOf(regions[i]!.box)]);
  });
  const order: (number | null)[] = regions.map(() => null);
  let n = 0;
  for (const u of xyCut(units)) {
    // A figure and its captions in their vertical order: a table's caption above it is read first.
    for (const i of [...u.members].sort((a, b) => regions[a]!.box.y - regions[b]!.box.y)) order[i] = ++n;
  }
  return { order, captionOf };
}
