// From a decoded 64×64 logit map and its box to a mask over the whole image, as big_vision's segmentation evaluator
// does it (docs/paligemma.md §5.4): box corners truncated to whole pixels, the map resized to the box with Pillow's
// BILINEAR filter, thresholded at > 0, pasted at the box. The result is COCO run-length encoding.
//
// Pillow BILINEAR, reproduced here for one float channel (libImaging/Resample.c, the 32-bit float path): separable,
// horizontal pass first into a float32 intermediate, then vertical; sample centre (i + 0.5)·scale; a triangle filter
// of support 1 stretched by the scale when shrinking (so a box smaller than 64 px is antialiased, not point-sampled);
// taps from trunc(centre − support + 0.5) to trunc(centre + support + 0.5) clamped to the input; weights normalised
// to sum 1; sums in float64, stored as float32. When enlarging this is ordinary half-pixel bilinear with clamped edges.
import { MASK_SIZE } from './constants';

/** [x0, y0, x1, y1] in image pixels (what parse.ts gives). */
export type PixelBox = [number, number, number, number];

export interface CocoRle {
  /** [height, width], as pycocotools. */
  size: [number, number];
  /** Alternating run lengths over the pixels in column-major (Fortran) order, starting with a run of zeros. */
  counts: number[];
}

export interface ObjectMask { rle: CocoRle; area: number }

export interface ImageSize { width: number; height: number }

/**
 * Box edge → whole pixel. big_vision truncates `int(v / 1023 · size)`; parse.ts computes `v · (size / 1023)`, which can
 * land one ulp below an integer (1023 · (640 / 1023) = 639.999…), so we truncate after allowing a tiny epsilon.
 */
export function boxEdgeToPixel(v: number): number {
  return v >= 0 ? Math.floor(v + 1e-7) : Math.ceil(v - 1e-7); // like Python's int(): toward zero
}

interface Taps { start: Int32Array; count: Int32Array; weights: Float64Array; width: number }

function bilinear(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/** Pillow's precompute_coeffs for the BILINEAR filter, for output indices [from, to) of an inSize → outSize resize. */
function taps(inSize: number, outSize: number, from: number, to: number): Taps {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filterscale; // bilinear support 1 × filterscale
  const width = Math.ceil(support) * 2 + 1;
  const ss = 1 / filterscale;
  const n = Math.max(0, to - from);
  const start = new Int32Array(n), count = new Int32Array(n), weights = new Float64Array(n * width);
  for (let j = 0; j < n; j++) {
    const center = (from + j + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0;
    for (let t = 0; t < xmax; t++) {
      const v = bilinear((t + xmin - center + 0.5) * ss);
      weights[j * width + t] = v;
      total += v;
    }
    if (total !== 0) for (let t = 0; t < xmax; t++) weights[j * width + t]! /= total;
    start[j] = xmin;
    count[j] = xmax;
  }
  return { start, count, weights, width };
}

/**
 * The object's mask over the image: `logits64` (64×64 row-major, from the decoder) resized into `box` (image pixels,
 * [x0, y0, x1, y1]), thresholded at > 0, clipped to the image, as COCO RLE with its area in pixels. A box with no
 * whole-pixel extent, or entirely outside the image, gives an empty mask.
 */
export function objectMask(logits64: Float32Array, box: PixelBox, imageSize: ImageSize): ObjectMask {
  const { width: W, height: H } = imageSize;
  if (!(Number.isInteger(W) && Number.isInteger(H) && W > 0 && H > 0)) throw new RangeError(`image size ${W}×${H}: expected positive integers`);
  if (logits64.length !== MASK_SIZE * MASK_SIZE) throw new RangeError(`logits: expected ${MASK_SIZE * MASK_SIZE} values (64×64), got ${logits64.length}`);
  if (!box.every(Number.isFinite)) throw new RangeError(`box [${box.join(', ')}]: expected finite numbers`);
  const x0 = boxEdgeToPixel(box[0]), y0 = boxEdgeToPixel(box[1]), x1 = boxEdgeToPixel(box[2]), y1 = boxEdgeToPixel(box[3]);
  const bw = x1 - x0, bh = y1 - y0;
  // The visible part of the box; only those pixels of the resized map are computed (a box may be far larger than the
  // image when it comes from a caller other than the parser).
  const vx0 = Math.max(x0, 0), vx1 = Math.min(x1, W), vy0 = Math.max(y0, 0), vy1 = Math.min(y1, H);
  if (bw <= 0 || bh <= 0 || vx1 <= vx0 || vy1 <= vy0) return { rle: { size: [H, W], counts: [W * H] }, area: 0 };

  // Horizontal pass: 64 rows × visible columns.
  const cols = vx1 - vx0;
  const tx = taps(MASK_SIZE, bw, vx0 - x0, vx1 - x0);
  const mid = new Float32Array(MASK_SIZE * cols);
  for (let y = 0; y < MASK_SIZE; y++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      const st = tx.start[j]!, n = tx.count[j]!, wo = j * tx.width;
      for (let t = 0; t < n; t++) s += logits64[y * MASK_SIZE + st + t]! * tx.weights[wo + t]!;
      mid[y * cols + j] = s;
    }
  }
  // Vertical pass, thresholded straight into a column-major bitmap of the visible box (the RLE's own order).
  const rows = vy1 - vy0;
  const ty = taps(MASK_SIZE, bh, vy0 - y0, vy1 - y0);
  const inside = new Uint8Array(cols * rows);
  for (let i = 0; i < rows; i++) {
    const st = ty.start[i]!, n = ty.count[i]!, wo = i * ty.width;
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += mid[(st + t) * cols + j]! * ty.weights[wo + t]!;
      // Pillow stores the float32 result; compare what it would hold.
      if (Math.fround(s) > 0) inside[j * rows + i] = 1;
    }
  }
  return encodeColumns(inside, { vx0, vx1, vy0, vy1 }, W, H);
}

/** RLE of an image that is zero except for a column-major block [vx0, vx1) × [vy0, vy1). O(W + block). */
function encodeColumns(block: Uint8Array, r: { vx0: number; vx1: number; vy0: number; vy1: number }, W: number, H: number): ObjectMask {
  const counts: number[] = [];
  let value = 0, run = 0, area = 0;
  const push = (v: number, n: number) => {
    if (n === 0) return;
    if (v === value) { run += n; return; }
    counts.push(run);
    value = v; run = n;
  };
  const rows = r.vy1 - r.vy0;
  push(0, r.vx0 * H);
  for (let x = r.vx0; x < r.vx1; x++) {
    push(0, r.vy0);
    const base = (x - r.vx0) * rows;
    for (let i = 0; i < rows; i++) {
      const v = block[base + i]!;
      area += v;
      push(v, 1);
    }
    push(0, H - r.vy1);
  }
  push(0, (W - r.vx1) * H);
  counts.push(run);
  return { rle: { size: [H, W], counts }, area };
}

/** Decodes COCO RLE to a row-major bitmap (1 = inside), checking the counts cover the image exactly. */
export function rleToBitmap(rle: CocoRle): Uint8Array {
  const [h, w] = rle.size;
  const out = new Uint8Array(h * w);
  let p = 0, v = 0;
  for (const n of rle.counts) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`RLE count ${n}: expected a non-negative integer`);
    if (p + n > h * w) throw new RangeError(`RLE counts cover more than the ${h}×${w} image`);
    if (v) for (let k = p; k < p + n; k++) out[(k % h) * w + Math.floor(k / h)] = 1;
    p += n;
    v ^= 1;
  }
  if (p !== h * w) throw new RangeError(`RLE counts cover ${p} pixels, the ${h}×${w} image has ${h * w}`);
  return out;
}

/**
 * pycocotools' compressed counts string (rleToString in maskApi.c): each count, minus the count two before it from the
 * fourth on, written 5 bits at a time with a continuation bit, as ASCII 48 + (6 bits); the sign travels in bit 4 of
 * the last group.
 */
export function rleToCocoString(rle: CocoRle): string {
  let s = '';
  rle.counts.forEach((c, i) => {
    let x = i > 2 ? c - rle.counts[i - 2]! : c;
    for (let more = true; more;) {
      let ch = x & 0x1f;
      x = Math.floor(x / 32); // arithmetic shift, without the 32-bit limit of >>
      more = (ch & 0x10) ? x !== -1 : x !== 0;
      if (more) ch |= 0x20;
      s += String.fromCharCode(ch + 48);
    }
  });
  return s;
}

/** The inverse of rleToCocoString (pycocotools' rleFrString). */
export function cocoStringToCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0, k = 0, more = true;
    while (more) {
      if (p >= s.length) throw new RangeError(`COCO RLE string ends inside a count`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new RangeError(`COCO RLE string: character ${JSON.stringify(s[p])} at ${p} is out of range`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++; k++;
      if (!more && (c & 0x10)) x -= 2 ** (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}
