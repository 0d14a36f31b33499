// The mask encoder written to be obviously correct, not fast: float64, each layer its PyTorch definition (conv2dRef
// from reference.ts), the codebook search as big_vision writes it (‖f‖² + ‖e‖² − 2 f·e, first minimum). Tests check
// encoder-ts.ts against it; nothing at run time uses it.
import { conv2dRef, type Fmap } from './reference';
import { CODES_PER_MASK, MASK_SIZE, NUM_CODES } from './constants';
import type { ConvLayer } from './vae-weights';
import type { VaeEncoderWeights } from './vae-encoder-weights';

function relu(x: Fmap): Fmap {
  for (let i = 0; i < x.data.length; i++) if (x.data[i]! < 0) x.data[i] = 0;
  return x;
}

function conv(x: Fmap, l: ConvLayer, stride: number, pad: number): Fmap {
  return conv2dRef(x, l.weight, l.bias, l.shape[0], l.shape[2], stride, pad);
}

/** The encoder's latents for one 64×64 mask (values in [0, 1], row-major): [D, 4, 4] in float64. */
export function referenceEncoderLatents(w: VaeEncoderWeights, mask: ArrayLike<number>): Fmap {
  if (mask.length !== MASK_SIZE * MASK_SIZE) throw new RangeError(`referenceEncoderLatents: expected 4096 values, got ${mask.length}`);
  // big_vision's _norm: [0, 1] → [−1, 1].
  let x: Fmap = { c: 1, h: MASK_SIZE, w: MASK_SIZE, data: Float64Array.from(mask, (v) => 2 * (v - 0.5)) };
  for (const l of w.down) x = relu(conv(x, l, 2, 1));
  for (const [a, b, c] of w.resBlocks) {
    const y = conv(relu(conv(relu(conv(x, a, 1, 1)), b, 1, 1)), c, 1, 0);
    for (let i = 0; i < y.data.length; i++) y.data[i]! += x.data[i]!;
    x = y;
  }
  return conv(x, w.proj, 1, 0);
}

/** Squared distance of every latent (4×4, row-major) to every code: [16][128]. */
export function referenceDistances(w: VaeEncoderWeights, latents: Fmap): Float64Array[] {
  const d = w.embeddingDim;
  const out: Float64Array[] = [];
  for (let t = 0; t < CODES_PER_MASK; t++) {
    const row = new Float64Array(NUM_CODES);
    for (let k = 0; k < NUM_CODES; k++) {
      let s = 0;
      for (let ch = 0; ch < d; ch++) {
        const diff = latents.data[ch * 16 + t]! - w.embedding[k * d + ch]!;
        s += diff * diff;
      }
      row[k] = s;
    }
    out.push(row);
  }
  return out;
}

/** One mask's 16 codebook indices, in float64. */
export function referenceEncode(w: VaeEncoderWeights, mask: ArrayLike<number>): number[] {
  return referenceDistances(w, referenceEncoderLatents(w, mask)).map((row) => {
    let best = 0;
    for (let k = 1; k < row.length; k++) if (row[k]! < row[best]!) best = k;
    return best;
  });
}
