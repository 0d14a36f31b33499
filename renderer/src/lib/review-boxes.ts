// Box editing in image pixels: moving and resizing a box by dragging, kept inside the page and never smaller than a
// few pixels, and the SVG viewBox that shows the part of the page a review looks at.
export type Box = [number, number, number, number];
export type Corner = 'nw' | 'ne' | 'sw' | 'se';
export interface Size {
  width: number;
  height: number;
}

/** The smallest a box can be made by dragging, in image pixels. */
export const MIN_BOX = 4;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const round = (v: number): number => Math.round(v * 100) / 100;

/** The box moved by (dx, dy), stopped at the page's edges (it keeps its size). */
export function moveBox(box: Box, dx: number, dy: number, page: Size): Box {
  const w = box[2] - box[0], h = box[3] - box[1];
  const x0 = clamp(box[0] + dx, 0, Math.max(0, page.width - w));
  const y0 = clamp(box[1] + dy, 0, Math.max(0, page.height - h));
  return [round(x0), round(y0), round(x0 + w), round(y0 + h)];
}

/** The box with one corner dragged to (x, y): inside the page, the opposite corner fixed, at least MIN_BOX wide. */
export function resizeBox(box: Box, corner: Corner, x: number, y: number, page: Size): Box {
  let [x0, y0, x1, y1] = box;
  const px = clamp(x, 0, page.width), py = clamp(y, 0, page.height);
  if (corner === 'nw' || corner === 'sw') x0 = Math.min(px, x1 - MIN_BOX);
  else x1 = Math.max(px, x0 + MIN_BOX);
  if (corner === 'nw' || corner === 'ne') y0 = Math.min(py, y1 - MIN_BOX);
  else y1 = Math.max(py, y0 + MIN_BOX);
  return [round(clamp(x0, 0, page.width)), round(clamp(y0, 0, page.height)), round(clamp(x1, 0, page.width)), round(clamp(y1, 0, page.height))];
}

export function cornerPoint(box: Box, corner: Corner): [number, number] {
  return [corner === 'nw' || corner === 'sw' ? box[0] : box[2], corner === 'nw' || corner === 'ne' ? box[1] : box[3]];
}

/**
 * What part of the page to show: the run's region when it read only a region, else the whole page; with a small
 * margin so boxes at the edge stay visible and grabbable.
 */
export function viewBoxFor(page: Size, region: { x: number; y: number; width: number; height: number } | null, margin = 0.02): string {
  const r = region ?? { x: 0, y: 0, width: page.width, height: page.height };
  const m = Math.round(Math.max(r.width, r.height) * margin);
  return `${r.x - m} ${r.y - m} ${r.width + 2 * m} ${r.height + 2 * m}`;
}
