// A reviewed segmentation object (its box and its mask over the image) → the 4 loc + 16 `<segNNN>` tokens of a
// PaliGemma suffix, the inverse of parse.ts + the decoder. As big_vision writes RefCOCO training data
// (pp/proj/paligemma/segmentation.py, `refcoco_mask2str`): the mask is cropped to the box, resized to 64×64 with an
// antialiased bilinear filter, mapped to [−1, 1] and encoded by the VQ-VAE encoder; the box becomes loc bins.
//
// One deliberate difference: big_vision crops at the ground-truth box rounded to pixels, while we crop at the box the
// decoder will paste into (the loc bins read back, truncated as mask.ts does), so what the encoder sees is exactly
// the window the model's codes are decoded into. The two differ by at most one bin.
//
// The round trip is lossy by design (16 codes of a 128-entry codebook for a whole mask), so each object reports the
// IoU between the reviewed mask and the mask its codes decode to.
import { boxEdgeToPixel, objectMask, type CocoRle, type ImageSize, type PixelBox } from './mask';
import { MASK_SIZE } from './constants';
import { encodeMasks } from './encoder-ts';
import type { VaeEncoderWeights } from './vae-encoder-weights';
import { boxToLocs, locsToPixelBox } from '../serialize';

export interface SegmentToEncode {
  label: string;
  /** [x0, y0, x1, y1] in image pixels. */
  box: PixelBox;
  mask: CocoRle;
}

export interface EncodedSegment {
  label: string;
  /** y_min, x_min, y_max, x_max bins. */
  locs: [number, number, number, number];
  codes: number[];
  /** IoU of the reviewed mask and the mask the codes decode to (null when no decoder was given). */
  iou: number | null;
}

/** Decodes codes to 64×64 logits (the ONNX or TypeScript decoder of segment.ts / decoder-ts.ts). */
export type DecodeCodes = (codes: number[][]) => Promise<Float32Array[]>;

/**
 * Antialiased bilinear (triangle) resampling of one float channel, separable, sample centres at (i + 0.5)·scale, the
 * filter widened by the scale when shrinking and weights normalised at the edges — the filter tf.image.resize
 * (bilinear, antialias=True) and Pillow's BILINEAR both apply. Written here because the input is a float mask crop in
 * memory; an image library would round it to 8 bits and cost an encode/decode.
 */
export function resizeTriangle(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const axis = (inSize: number, outSize: number) => {
    const scale = inSize / outSize, support = Math.max(scale, 1);
    const taps: { start: number; weights: number[] }[] = [];
    for (let j = 0; j < outSize; j++) {
      const centre = (j + 0.5) * scale;
      const from = Math.max(0, Math.floor(centre - support)), to = Math.min(inSize, Math.ceil(centre + support));
      const weights: number[] = [];
      let total = 0;
      for (let i = from; i < to; i++) {
        const d = Math.abs(i + 0.5 - centre) / support;
        const v = d < 1 ? 1 - d : 0;
        weights.push(v);
        total += v;
      }
      taps.push({ start: from, weights: total > 0 ? weights.map((v) => v / total) : weights });
    }
    return taps;
  };
  const tx = axis(sw, dw), ty = axis(sh, dh);
  const mid = new Float64Array(sh * dw);
  for (let y = 0; y < sh; y++) {
    for (let j = 0; j < dw; j++) {
      const t = tx[j]!;
      let s = 0;
      for (let k = 0; k < t.weights.length; k++) s += t.weights[k]! * src[y * sw + t.start + k]!;
      mid[y * dw + j] = s;
    }
  }
  const out = new Float32Array(dw * dh);
  for (let i = 0; i < dh; i++) {
    const t = ty[i]!;
    for (let j = 0; j < dw; j++) {
      let s = 0;
      for (let k = 0; k < t.weights.length; k++) s += t.weights[k]! * mid[(t.start + k) * dw + j]!;
      out[i * dw + j] = s;
    }
  }
  return out;
}

/** The part of an RLE mask inside [x0, x1) × [y0, y1) as a row-major 0/1 float map. O(runs + columns), not O(image). */
export function cropRle(rle: CocoRle, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const [H, W] = rle.size;
  const cw = x1 - x0, ch = y1 - y0;
  const out = new Float32Array(Math.max(0, cw) * Math.max(0, ch));
  if (cw <= 0 || ch <= 0) return out;
  let p = 0, on = false;
  for (const n of rle.counts) {
    if (on && n > 0) {
      const q = Math.min(p + n, H * W);
      for (let col = Math.floor(p / H); col <= Math.floor((q - 1) / H); col++) {
        if (col < x0 || col >= x1) continue;
        const from = Math.max(p, col * H) - col * H, to = Math.min(q, (col + 1) * H) - col * H;
        for (let y = Math.max(from, y0); y < Math.min(to, y1); y++) out[(y - y0) * cw + (col - x0)] = 1;
      }
    }
    p += n;
    on = !on;
  }
  return out;
}

/** Intersection over union of two COCO RLE masks of the same image, walking both run lists (no bitmap). */
export function rleIou(a: CocoRle, b: CocoRle): number {
  if (a.size[0] !== b.size[0] || a.size[1] !== b.size[1]) throw new RangeError(`masks of different sizes: ${a.size.join('×')} and ${b.size.join('×')}`);
  let ia = 0, ib = 0, restA = a.counts[0] ?? 0, restB = b.counts[0] ?? 0, onA = false, onB = false;
  let inter = 0, union = 0;
  const total = a.size[0] * a.size[1];
  let done = 0;
  while (done < total) {
    while (restA === 0 && ia < a.counts.length - 1) { ia++; restA = a.counts[ia]!; onA = !onA; }
    while (restB === 0 && ib < b.counts.length - 1) { ib++; restB = b.counts[ib]!; onB = !onB; }
    const step = Math.min(restA, restB);
    if (step <= 0) break; // counts shorter than the image: the rest is outside both
    if (onA && onB) inter += step;
    if (onA || onB) union += step;
    restA -= step; restB -= step; done += step;
  }
  return union > 0 ? inter / union : 1;
}

/** The 64×64 encoder input for a mask inside the box its loc bins describe. */
export function encoderInput(mask: CocoRle, locs: readonly number[], size: ImageSize): Float32Array {
  const [x0, y0, x1, y1] = locsToPixelBox(locs, size).map(boxEdgeToPixel) as [number, number, number, number];
  const crop = cropRle(mask, x0, y0, x1, y1);
  return resizeTriangle(crop, x1 - x0, y1 - y0, MASK_SIZE, MASK_SIZE);
}

/**
 * Encodes reviewed segmentation objects. Throws RangeError naming the object when its mask is not of the image or its
 * box has no extent. With `decode`, each object's IoU against its decoded codes is measured.
 */
export async function encodeSegments(objects: readonly SegmentToEncode[], size: ImageSize, encoder: VaeEncoderWeights, decode?: DecodeCodes): Promise<EncodedSegment[]> {
  const prepared = objects.map((o, i) => {
    if (o.mask.size[0] !== size.height || o.mask.size[1] !== size.width) {
      throw new RangeError(`object ${i + 1} (${o.label || 'no label'}): its mask is ${o.mask.size[1]}×${o.mask.size[0]}, the image ${size.width}×${size.height}`);
    }
    const locs = boxToLocs(o.box, size);
    if (!(locs[2] > locs[0] && locs[3] > locs[1])) throw new RangeError(`object ${i + 1} (${o.label || 'no label'}): its box [${o.box.join(', ')}] is under one bin wide or high`);
    return { o, locs, input: encoderInput(o.mask, locs, size) };
  });
  const codes = encodeMasks(encoder, prepared.map((p) => p.input));
  let ious: (number | null)[] = prepared.map(() => null);
  if (decode && prepared.length) {
    const logits = await decode(codes);
    ious = prepared.map((p, i) => rleIou(p.o.mask, objectMask(logits[i]!, locsToPixelBox(p.locs, size), size).rle));
  }
  return prepared.map((p, i) => ({ label: p.o.label, locs: p.locs, codes: codes[i]!, iou: ious[i]! }));
}
