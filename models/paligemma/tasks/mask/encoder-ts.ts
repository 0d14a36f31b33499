// The VQ-VAE mask encoder in plain TypeScript: a 64×64 mask → its 16 codebook indices (the `<segNNN>` codes a
// PaliGemma segmentation suffix carries). Inverse of the decoder beside it; the architecture is in
// vae-encoder-weights.ts, the float64 definition it is tested against in encoder-reference.ts.
//
// Written by hand, as the decoder's TypeScript path is: ~20 M multiply-adds a mask. Measured 250–430 ms a mask
// (median 327 ms over 20 encodes) on the shared 2-core build machine at load average 20; an export encodes each
// reviewed mask once, so that is affordable, and an ONNX graph (as the decoder has) is the step if it ever is not.
// Sums run in float64 (JS numbers) and are stored as float32.
import { CODES_PER_MASK, MASK_SIZE, NUM_CODES } from './constants';
import type { ConvLayer } from './vae-weights';
import type { VaeEncoderWeights } from './vae-encoder-weights';

interface Map3 { c: number; h: number; w: number; data: Float32Array }

/** Conv2d (PyTorch definition, zero padding), optionally followed by ReLU. */
function conv(x: Map3, l: ConvLayer, stride: number, pad: number, relu: boolean): Map3 {
  const [outCh, inCh, k] = l.shape;
  if (inCh !== x.c) throw new Error(`${l.name}: expects ${inCh} input channels, got ${x.c}`);
  const oh = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const out = new Float32Array(outCh * oh * ow);
  const w = l.weight, src = x.data, plane = x.h * x.w;
  const acc = new Float64Array(oh * ow);
  for (let o = 0; o < outCh; o++) {
    acc.fill(l.bias[o]!);
    for (let i = 0; i < inCh; i++) {
      const sBase = i * plane;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const wv = w[((o * inCh + i) * k + ky) * k + kx]!;
          if (wv === 0) continue;
          for (let y = 0; y < oh; y++) {
            const iy = y * stride - pad + ky;
            if (iy < 0 || iy >= x.h) continue;
            const row = sBase + iy * x.w, aRow = y * ow;
            for (let xx = 0; xx < ow; xx++) {
              const ix = xx * stride - pad + kx;
              if (ix < 0 || ix >= x.w) continue;
              acc[aRow + xx]! += wv * src[row + ix]!;
            }
          }
        }
      }
    }
    const base = o * oh * ow;
    for (let p = 0; p < acc.length; p++) {
      const v = acc[p]!;
      out[base + p] = relu && v < 0 ? 0 : v;
    }
  }
  return { c: outCh, h: oh, w: ow, data: out };
}

/** The latents of one 64×64 mask (values in [0, 1], row-major): [D, 4, 4], channels first. */
export function encoderLatents(w: VaeEncoderWeights, mask: ArrayLike<number>): Float32Array {
  if (mask.length !== MASK_SIZE * MASK_SIZE) throw new RangeError(`mask: expected ${MASK_SIZE * MASK_SIZE} values (64×64), got ${mask.length}`);
  const input = new Float32Array(MASK_SIZE * MASK_SIZE);
  for (let i = 0; i < input.length; i++) {
    const v = mask[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`mask: value ${v} at ${i} is not finite`);
    input[i] = 2 * (v - 0.5);
  }
  let x: Map3 = { c: 1, h: MASK_SIZE, w: MASK_SIZE, data: input };
  for (const l of w.down) x = conv(x, l, 2, 1, true);
  for (const [a, b, c] of w.resBlocks) {
    const y = conv(conv(conv(x, a, 1, 1, true), b, 1, 1, true), c, 1, 0, false);
    for (let i = 0; i < y.data.length; i++) y.data[i]! += x.data[i]!;
    x = y;
  }
  x = conv(x, w.proj, 1, 0, false);
  if (x.h !== 4 || x.w !== 4) throw new Error(`encoder produced a ${x.h}×${x.w} grid, expected 4×4`);
  return x.data;
}

/** Nearest codebook row of each of the 16 latents (first minimum, as argmin), row-major over the 4×4 grid. */
export function nearestCodes(w: VaeEncoderWeights, latents: Float32Array): number[] {
  const d = w.embeddingDim, e = w.embedding;
  const codes: number[] = [];
  for (let t = 0; t < CODES_PER_MASK; t++) {
    let best = 0, bestDist = Infinity;
    for (let k = 0; k < NUM_CODES; k++) {
      let s = 0;
      for (let ch = 0; ch < d; ch++) {
        const diff = latents[ch * 16 + t]! - e[k * d + ch]!;
        s += diff * diff;
      }
      if (s < bestDist) { bestDist = s; best = k; }
    }
    codes.push(best);
  }
  return codes;
}

/** Encodes each 64×64 mask (values in [0, 1]) to its 16 codebook indices. */
export function encodeMasks(w: VaeEncoderWeights, masks: readonly ArrayLike<number>[]): number[][] {
  return masks.map((m) => nearestCodes(w, encoderLatents(w, m)));
}
