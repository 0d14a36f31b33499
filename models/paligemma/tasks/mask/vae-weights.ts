// The VQ-VAE mask decoder's weights, picked from big_vision's `vae-oid.npz` by name and checked shape by shape
// (docs/paligemma.md §5.4; README.md beside this file says what was verified and what is assumed).
//
// The archive holds a PyTorch state dict: Conv2d weights [out, in, kh, kw], ConvTranspose2d weights
// [in, out, kh, kw], biases [out]. big_vision transposes every kernel with (2, 3, 1, 0) for flax; we keep PyTorch
// layout, which is also ONNX's layout for Conv and ConvTranspose.
import { NUM_CODES } from './constants';
import { readNpz, type NpyArray } from './npz';

/**
 * Most bytes a VQ-VAE checkpoint may inflate to. big_vision's `vae-oid.npz` (encoder and decoder) is a few tens of
 * MB; anything declaring more is not this checkpoint, and is refused before it is inflated.
 */
export const MAX_VAE_INFLATED_BYTES = 256 * 2 ** 20;

export { CODES_PER_MASK, MASK_SIZE, NUM_CODES } from './constants';

/** Channels of the decoder trunk (Conv 1×1 and the residual blocks). */
export const TRUNK = 128;
/** Output channels of the four transposed convolutions. */
export const UP_CHANNELS = [128, 64, 32, 16] as const;

export interface ConvLayer {
  /** The npz tensor stem, e.g. `decoder.6`. */
  name: string;
  /** PyTorch layout: Conv2d [out, in, kh, kw]; ConvTranspose2d [in, out, kh, kw]. */
  weight: Float32Array;
  bias: Float32Array;
  shape: [number, number, number, number];
}

export interface VaeWeights {
  /** `_vq_vae._embedding`, [128, D] row-major. */
  embedding: Float32Array;
  embeddingDim: number;
  /** decoder.0: Conv2d 1×1, D → 128, then ReLU. */
  conv0: ConvLayer;
  /** decoder.2 and decoder.3: residual blocks, each Conv 3×3 → ReLU → Conv 3×3 → ReLU → Conv 1×1, plus the input. */
  resBlocks: [ConvLayer, ConvLayer, ConvLayer][];
  /** decoder.4/6/8/10: ConvTranspose2d k=4, s=2, p=1, each followed by ReLU (128→128→64→32→16). */
  upsample: ConvLayer[];
  /** decoder.12: Conv2d 1×1, 16 → 1: the mask logits. */
  head: ConvLayer;
  /** Where the weights came from (a path or a label), for messages. */
  source: string;
}

function fmt(shape: readonly number[]): string { return `[${shape.join(', ')}]`; }

/** Picks tensors by name from an npz, checking shape and dtype; every message names the file and the tensor. */
export class Picker {
  constructor(private readonly arrays: Map<string, NpyArray>, private readonly file: string) {}

  tensor(name: string, expected: readonly (number | null)[], what: string): { data: Float32Array; shape: number[] } {
    const a = this.arrays.get(name);
    if (!a) {
      const have = [...this.arrays.keys()];
      const shown = have.slice(0, 12).join(', ') + (have.length > 12 ? `, … (${have.length} in all)` : '');
      throw new Error(`${this.file}: tensor ${name} (${what}) is missing; this is not a big_vision VQ-VAE checkpoint (vae-oid.npz). Found: ${shown || 'no arrays'}`);
    }
    const ok = a.shape.length === expected.length && expected.every((d, i) => d === null || d === a.shape[i]);
    if (!ok) {
      const want = expected.map((d) => (d === null ? 'D' : String(d))).join(', ');
      throw new Error(`${this.file}: tensor ${name} (${what}): expected shape [${want}], found ${fmt(a.shape)}`);
    }
    let data: Float32Array;
    if (a.data instanceof Float32Array) data = a.data;
    else if (a.data instanceof Float64Array) data = Float32Array.from(a.data);
    else throw new Error(`${this.file}: tensor ${name} (${what}): expected float32 or float64, found dtype ${a.dtype}`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) throw new Error(`${this.file}: tensor ${name} (${what}): value ${data[i]} at flat index ${i} is not finite`);
    }
    return { data, shape: a.shape };
  }

  conv(stem: string, shape: [number, number, number, number], what: string): ConvLayer {
    const w = this.tensor(`${stem}.weight`, shape, what);
    const transposed = what.startsWith('ConvTranspose');
    const outCh = transposed ? shape[1] : shape[0];
    const b = this.tensor(`${stem}.bias`, [outCh], `${what} bias`);
    return { name: stem, weight: w.data, bias: b.data, shape };
  }
}

/** Picks and checks the decoder tensors from already-read npz arrays. */
export function vaeWeightsFromArrays(arrays: Map<string, NpyArray>, source: string): VaeWeights {
  const p = new Picker(arrays, source);
  const emb = p.tensor('_vq_vae._embedding', [NUM_CODES, null], `codebook, ${NUM_CODES} × D`);
  const d = emb.shape[1]!;
  if (d < 1) throw new Error(`${source}: tensor _vq_vae._embedding (codebook): embedding dimension is 0`);
  const conv0 = p.conv('decoder.0', [TRUNK, d, 1, 1], `Conv2d 1×1 ${d}→${TRUNK}, [out, in, kh, kw]`);
  const resBlocks: [ConvLayer, ConvLayer, ConvLayer][] = [2, 3].map((b) => [
    p.conv(`decoder.${b}.net.0`, [TRUNK, TRUNK, 3, 3], `Conv2d 3×3 ${TRUNK}→${TRUNK}, [out, in, kh, kw]`),
    p.conv(`decoder.${b}.net.2`, [TRUNK, TRUNK, 3, 3], `Conv2d 3×3 ${TRUNK}→${TRUNK}, [out, in, kh, kw]`),
    p.conv(`decoder.${b}.net.4`, [TRUNK, TRUNK, 1, 1], `Conv2d 1×1 ${TRUNK}→${TRUNK}, [out, in, kh, kw]`),
  ]);
  let inCh = TRUNK;
  const upsample = UP_CHANNELS.map((outCh, i) => {
    const layer = p.conv(`decoder.${4 + 2 * i}`, [inCh, outCh, 4, 4], `ConvTranspose2d ${inCh}→${outCh} k4 s2 p1, [in, out, kh, kw]`);
    inCh = outCh;
    return layer;
  });
  const head = p.conv('decoder.12', [1, UP_CHANNELS[3], 1, 1], `Conv2d 1×1 ${UP_CHANNELS[3]}→1, [out, in, kh, kw]`);
  return { embedding: emb.data, embeddingDim: d, conv0, resBlocks, upsample, head, source };
}

/**
 * Reads a big_vision VQ-VAE checkpoint (`vae-oid.npz`) from a path or from its bytes and returns the decoder weights,
 * every shape checked. Throws an Error naming the file (and tensor) on anything missing, misshapen or unreadable.
 */
export function loadVaeWeights(source: string | Uint8Array, label?: string): VaeWeights {
  const name = typeof source === 'string' ? source : label ?? '(vae bytes)';
  return vaeWeightsFromArrays(readNpz(source, name, { maxInflatedBytes: MAX_VAE_INFLATED_BYTES }), name);
}
