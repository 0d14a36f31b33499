// Decoding the segmentation masks main sends (COCO RLE over the page: counts of alternating zeros and ones in
// column-major order, starting with zeros) into small row-major bitmaps cropped to each mask's bounding box, and
// their outlines. The renderer draws these with ImageData (MaskLayer.svelte); a page-sized bitmap per object would
// cost tens of MB on a 300-dpi scan, a cropped one only the object's box.

export interface MaskRleLike {
  /** [height, width] of the page. */
  size: readonly [number, number];
  counts: readonly number[];
}

export interface MaskBitmap {
  /** Where the crop sits on the page, and its size, in page pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Row-major, 1 = inside the mask. */
  data: Uint8Array;
  area: number;
}

/**
 * The mask cropped to the bounding box of its pixels, or null when it is empty or malformed (counts that are not
 * non-negative integers or do not add up to height × width). Never throws: what comes from main is already checked,
 * and a bad mask should cost one missing fill, not the page.
 */
export function decodeMaskRle(rle: MaskRleLike): MaskBitmap | null {
  const [h, w] = rle.size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) return null;
  let total = 0;
  for (const n of rle.counts) {
    if (!Number.isInteger(n) || n < 0) return null;
    total += n;
  }
  if (total !== h * w) return null;

  // Pass 1: bounding box of the runs of ones.
  let x0 = w, x1 = -1, y0 = h, y1 = -1, area = 0;
  let p = 0;
  rle.counts.forEach((n, i) => {
    if (i % 2 === 1 && n > 0) {
      const first = p, last = p + n - 1;
      const c0 = Math.floor(first / h), c1 = Math.floor(last / h);
      x0 = Math.min(x0, c0); x1 = Math.max(x1, c1);
      if (c0 === c1) { y0 = Math.min(y0, first % h); y1 = Math.max(y1, last % h); } else { y0 = 0; y1 = h - 1; }
      area += n;
    }
    p += n;
  });
  if (area === 0) return null;

  // Pass 2: fill the crop.
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const data = new Uint8Array(bw * bh);
  p = 0;
  rle.counts.forEach((n, i) => {
    if (i % 2 === 1) {
      for (let k = p; k < p + n; k++) {
        const col = Math.floor(k / h), row = k - col * h;
        data[(row - y0) * bw + (col - x0)] = 1;
      }
    }
    p += n;
  });
  return { x: x0, y: y0, width: bw, height: bh, data, area };
}

/**
 * The mask's outline, `thickness` pixels deep: the inside pixels that `thickness` 4-neighbour erosions remove.
 * Pixels beyond the crop count as outside, which is right because the crop holds every inside pixel.
 */
export function maskEdges(m: MaskBitmap, thickness = 1): Uint8Array {
  const { width: w, height: h } = m;
  let cur = m.data;
  for (let t = 0; t < thickness; t++) {
    const next = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        next[i] = cur[i] && x > 0 && cur[i - 1] && x < w - 1 && cur[i + 1] && y > 0 && cur[i - w] && y < h - 1 && cur[i + w] ? 1 : 0;
      }
    }
    cur = next;
  }
  const edges = new Uint8Array(w * h);
  for (let i = 0; i < edges.length; i++) edges[i] = m.data[i] && !cur[i] ? 1 : 0;
  return edges;
}

/** An outline a few page pixels thick, so it stays visible when a large scan is shown small. */
export function outlineThickness(pageWidth: number, pageHeight: number): number {
  return Math.max(1, Math.min(6, Math.round(Math.min(pageWidth, pageHeight) / 500)));
}
