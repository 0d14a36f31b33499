// Runs on a region of a page: the model sees the crop, so what is parsed is in the crop's pixels. These move it onto
// the page, so the store, the renderer, exports and comparisons only ever deal in page pixels.
import type { ParsedResult } from './analyze';

export interface Size { width: number; height: number }
export interface Region { x: number; y: number; width: number; height: number }

/** Why a region does not lie on the page (naming both), or null when it does. */
export function regionProblem(region: Region, page: Size, where: string): string | null {
  if (region.x + region.width <= page.width && region.y + region.height <= page.height) return null;
  return `the region ${region.width}×${region.height} at (${region.x}, ${region.y}) is not inside ${where}, which is ${page.width}×${page.height} px`;
}

type Rle = { size: [number, number]; counts: number[] };

/**
 * A COCO RLE over the crop (column-major, starting with zeros) as an RLE over the whole page: columns left and right
 * of the crop are all zeros; inside, each crop column gets `y` zeros above and the rest of the page height below.
 */
export function embedRle(rle: Rle, region: Region, page: Size): Rle {
  const [h, w] = rle.size;
  const out: number[] = [];
  // Appends a run of `value` (0 or 1), merging with the previous run of the same value.
  let value = 0;
  const push = (v: number, n: number): void => {
    if (n <= 0) return;
    if (out.length === 0) {
      if (v === 1) out.push(0);
      out.push(n);
      value = v;
      return;
    }
    if (v === value) out[out.length - 1]! += n;
    else {
      out.push(n);
      value = v;
    }
  };
  push(0, region.x * page.height);
  // Walk the crop's runs column by column.
  let run = 0;
  let left = rle.counts[0] ?? 0;
  let v = 0;
  for (let col = 0; col < w; col++) {
    push(0, region.y);
    let rows = h;
    while (rows > 0) {
      while (left === 0) {
        run++;
        v = 1 - v;
        left = rle.counts[run] ?? rows;
      }
      const n = Math.min(left, rows);
      push(v, n);
      left -= n;
      rows -= n;
    }
    push(0, page.height - region.y - h);
  }
  push(0, (page.width - region.x - w) * page.height);
  if (out.length === 0) out.push(0);
  return { size: [page.height, page.width], counts: out };
}

/** A result parsed on the crop, moved onto the page: boxes shifted, masks embedded, sizes the page's. */
export function placeOnPage<P extends ParsedResult | undefined>(parsed: P, region: Region, page: Size): P {
  if (parsed?.kind !== 'boxes') return parsed;
  return {
    ...parsed,
    width: page.width,
    height: page.height,
    objects: parsed.objects.map((o) => {
      const [x0, y0, x1, y1] = o.box;
      const moved = { ...o, box: [x0 + region.x, y0 + region.y, x1 + region.x, y1 + region.y] as [number, number, number, number] };
      if (o.mask) moved.mask = { area: o.mask.area, rle: embedRle(o.mask.rle, region, page) };
      return moved;
    }),
  };
}
