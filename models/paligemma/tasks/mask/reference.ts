// The mask decoder written to be obviously correct, not fast: float64, one loop nest per layer, each layer exactly its
// PyTorch definition. Tests check the fast decoders against it; nothing at run time uses it.
//
//   Conv2d:           out[o, y, x]   = b[o] + Σ_{i,ky,kx} w[o, i, ky, kx] · in[i, y·s − p + ky, x·s − p + kx]
//   ConvTranspose2d:  every input pixel (i, iy, ix) adds in[i, iy, ix] · w[i, o, ky, kx] to
//                     out[o, iy·s − p + ky, ix·s − p + kx] (when inside), plus b[o]; out size (n − 1)·s − 2p + k
import { CODES_PER_MASK, MASK_SIZE, NUM_CODES, type ConvLayer, type VaeWeights } from './vae-weights';

/** A [C, H, W] feature map in float64. */
export interface Fmap { c: number; h: number; w: number; data: Float64Array }

function fmap(c: number, h: number, w: number): Fmap { return { c, h, w, data: new Float64Array(c * h * w) }; }

export function conv2dRef(x: Fmap, weight: ArrayLike<number>, bias: ArrayLike<number>, outCh: number, k: number, stride: number, pad: number): Fmap {
  const oh = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const out = fmap(outCh, oh, ow);
  for (let o = 0; o < outCh; o++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        let s = bias[o]!;
        for (let i = 0; i < x.c; i++) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const iy = y * stride - pad + ky, ix = xx * stride - pad + kx;
              if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
              s += weight[((o * x.c + i) * k + ky) * k + kx]! * x.data[(i * x.h + iy) * x.w + ix]!;
            }
          }
        }
        out.data[(o * oh + y) * ow + xx] = s;
      }
    }
  }
  return out;
}

export function convTranspose2dRef(x: Fmap, weight: ArrayLike<number>, bias: ArrayLike<number>, outCh: number, k: number, stride: number, pad: number): Fmap {
  const oh = (x.h - 1) * stride - 2 * pad + k;
  const ow = (x.w - 1) * stride - 2 * pad + k;
  const out = fmap(outCh, oh, ow);
  for (let o = 0; o < outCh; o++) out.data.fill(bias[o]!, o * oh * ow, (o + 1) * oh * ow);
  for (let i = 0; i < x.c; i++) {
    for (let iy = 0; iy < x.h; iy++) {
      for (let ix = 0; ix < x.w; ix++) {
        const v = x.data[(i * x.h + iy) * x.w + ix]!;
        for (let o = 0; o < outCh; o++) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const y = iy * stride - pad + ky, xx = ix * stride - pad + kx;
              if (y < 0 || y >= oh || xx < 0 || xx >= ow) continue;
              out.data[(o * oh + y) * ow + xx]! += v * weight[((i * outCh + o) * k + ky) * k + kx]!;
            }
          }
        }
      }
    }
  }
  return out;
}

function relu(x: Fmap): Fmap {
  for (let i = 0; i < x.data.length; i++) if (x.data[i]! < 0) x.data[i] = 0;
  return x;
}

function conv(x: Fmap, l: ConvLayer, pad: number): Fmap { return conv2dRef(x, l.weight, l.bias, l.shape[0], l.shape[2], 1, pad); }

/** Decodes one object's 16 codebook indices to its 64×64 mask logits (row-major), in float64. */
export function referenceDecode(w: VaeWeights, codes: readonly number[]): Float64Array {
  if (codes.length !== CODES_PER_MASK || codes.some((c) => !Number.isInteger(c) || c < 0 || c >= NUM_CODES)) {
    throw new RangeError(`referenceDecode: expected ${CODES_PER_MASK} integer codes in 0…${NUM_CODES - 1}, got [${codes.join(', ')}]`);
  }
  // Codebook rows laid on a 4×4 grid, row-major (code t at y = t / 4, x = t % 4), channels first.
  const d = w.embeddingDim;
  let x = fmap(d, 4, 4);
  for (let t = 0; t < CODES_PER_MASK; t++) {
    for (let ch = 0; ch < d; ch++) x.data[ch * 16 + t] = w.embedding[codes[t]! * d + ch]!;
  }
  x = relu(conv(x, w.conv0, 0));
  for (const [a, b, c] of w.resBlocks) {
    const y = conv(relu(conv(relu(conv(x, a, 1)), b, 1)), c, 0);
    for (let i = 0; i < y.data.length; i++) y.data[i]! += x.data[i]!;
    x = y;
  }
  for (const l of w.upsample) x = relu(convTranspose2dRef(x, l.weight, l.bias, l.shape[1], 4, 2, 1));
  x = conv(x, w.head, 0);
  if (x.c !== 1 || x.h !== MASK_SIZE || x.w !== MASK_SIZE) throw new Error(`referenceDecode: produced [${x.c}, ${x.h}, ${x.w}], expected [1, 64, 64]`);
  return x.data;
}
