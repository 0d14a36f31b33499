// The VQ-VAE mask ENCODER's weights, from the same `vae-oid.npz` as the decoder (docs/paligemma.md §5.4). big_vision
// turns a ground-truth mask into its 16 `<segNNN>` codes with these tensors (pp/proj/paligemma/segmentation.py,
// `encode_to_codebook_indices`), which is how segmentation training data is written; README.md beside this file says
// what was verified.
//
// Layer names and shapes (PyTorch Conv2d layout [out, in, kh, kw]; the architecture is the "All in Tokens" mask
// VQ-VAE with 16 hidden channels, 2 residual blocks and a downsampling ratio of 16):
//   encoder.0 / .2 / .4 / .6   Conv2d k4 s2 ("SAME" = pad 1), 1→16→32→64→128, each followed by ReLU (64→32→16→8→4)
//   encoder.8.net / .9.net     residual blocks: Conv 3×3 → ReLU → Conv 3×3 → ReLU → Conv 1×1, plus the input
//   encoder.10                 Conv2d 1×1, 128 → D: the latents, compared with the codebook `_vq_vae._embedding`
import { NUM_CODES } from './constants';
import { readNpz, type NpyArray } from './npz';
import { Picker, TRUNK, type ConvLayer } from './vae-weights';

/** Output channels of the four stride-2 convolutions. */
export const DOWN_CHANNELS = [16, 32, 64, 128] as const;

export interface VaeEncoderWeights {
  /** `_vq_vae._embedding`, [128, D] row-major (shared with the decoder). */
  embedding: Float32Array;
  embeddingDim: number;
  /** encoder.0/2/4/6: Conv2d k4 s2 p1, each followed by ReLU. */
  down: ConvLayer[];
  /** encoder.8 and encoder.9: residual blocks, Conv 3×3 → ReLU → Conv 3×3 → ReLU → Conv 1×1, plus the input. */
  resBlocks: [ConvLayer, ConvLayer, ConvLayer][];
  /** encoder.10: Conv2d 1×1, 128 → D. */
  proj: ConvLayer;
  source: string;
}

/** Picks and checks the encoder tensors from already-read npz arrays. Throws naming the file and tensor. */
export function vaeEncoderWeightsFromArrays(arrays: Map<string, NpyArray>, source: string): VaeEncoderWeights {
  const p = new Picker(arrays, source);
  const emb = p.tensor('_vq_vae._embedding', [NUM_CODES, null], `codebook, ${NUM_CODES} × D`);
  const d = emb.shape[1]!;
  if (d < 1) throw new Error(`${source}: tensor _vq_vae._embedding (codebook): embedding dimension is 0`);
  let inCh = 1;
  const down = DOWN_CHANNELS.map((outCh, i) => {
    const layer = p.conv(`encoder.${2 * i}`, [outCh, inCh, 4, 4], `Conv2d 4×4 stride 2 ${inCh}→${outCh}, [out, in, kh, kw]`);
    inCh = outCh;
    return layer;
  });
  const resBlocks: [ConvLayer, ConvLayer, ConvLayer][] = [8, 9].map((b) => [
    p.conv(`encoder.${b}.net.0`, [TRUNK, TRUNK, 3, 3], `Conv2d 3×3 ${TRUNK}→${TRUNK}, [out, in, kh, kw]`),
    p.conv(`encoder.${b}.net.2`, [TRUNK, TRUNK, 3, 3], `Conv2d 3×3 ${TRUNK}→${TRUNK}, [out, in, kh, kw]`),
    p.conv(`encoder.${b}.net.4`, [TRUNK, TRUNK, 1, 1], `Conv2d 1×1 ${TRUNK}→${TRUNK}, [out, in, kh, kw]`),
  ]);
  const proj = p.conv('encoder.10', [d, TRUNK, 1, 1], `Conv2d 1×1 ${TRUNK}→${d}, [out, in, kh, kw]`);
  return { embedding: emb.data, embeddingDim: d, down, resBlocks, proj, source };
}

/** Reads the encoder weights from a `vae-oid.npz` path or its bytes; throws an Error naming the file (and tensor). */
export function loadVaeEncoderWeights(source: string | Uint8Array, label?: string): VaeEncoderWeights {
  const name = typeof source === 'string' ? source : label ?? '(vae bytes)';
  return vaeEncoderWeightsFromArrays(readNpz(source, name), name);
}
