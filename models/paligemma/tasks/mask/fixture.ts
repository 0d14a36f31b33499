// Random-weight VQ-VAE checkpoints in the real `vae-oid.npz` layout (names, PyTorch shapes, float32; decoder and
// encoder), for tests and benchmarks: the real file cannot be fetched here. Each tensor draws from its own seeded stream (seed, name), as
// models/onnx/fixture.ts does, so a tensor's values do not depend on the order tensors are written.
//
// Scales keep activations O(1) through the ReLU stack (He-style std √(2 / fan-in), fan-in counting the 4 taps that
// reach each output of a stride-2, kernel-4 transposed conv), so the logits have both signs and masks are neither
// all-on nor all-off: a wrong layer then changes the mask, which is what the tests need.
import { Rng, hashString } from '../../../onnx/rng';
import { f32Array, writeNpz, type NpyArray } from './npz';
import { NUM_CODES, TRUNK, UP_CHANNELS, vaeWeightsFromArrays, type VaeWeights } from './vae-weights';
import { DOWN_CHANNELS, vaeEncoderWeightsFromArrays, type VaeEncoderWeights } from './vae-encoder-weights';

export interface RandomVaeOptions {
  /** Codebook vector size D; the published file's is 512 per third-party ports (§5.4), which is the default. */
  embeddingDim?: number;
  seed: number;
  /** Deflate the members (np.savez_compressed); np.savez, which big_vision's file appears to use, stores them. */
  compress?: boolean;
}

function tensor(name: string, shape: number[], seed: number, std: number, mean = 0): [string, NpyArray] {
  const a = f32Array(shape);
  new Rng(hashString(name, seed >>> 0)).fillUniform(a.data as Float32Array, std, mean);
  return [name, a];
}

/** The arrays of a random checkpoint, keyed by npz name. */
export function randomVaeArrays(o: RandomVaeOptions): Map<string, NpyArray> {
  const d = o.embeddingDim ?? 512;
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`embeddingDim ${d}: expected a positive integer`);
  const s = o.seed;
  const m = new Map<string, NpyArray>();
  const add = ([k, v]: [string, NpyArray]) => m.set(k, v);
  const conv = (stem: string, shape: number[], fanIn: number, outCh: number) => {
    add(tensor(`${stem}.weight`, shape, s, Math.sqrt(2 / fanIn)));
    add(tensor(`${stem}.bias`, [outCh], s, 0.05));
  };
  add(tensor('_vq_vae._embedding', [NUM_CODES, d], s, 1));
  conv('decoder.0', [TRUNK, d, 1, 1], d, TRUNK);
  for (const b of [2, 3]) {
    // The residual branch is scaled down so the sum stays near the input's scale, as a trained block's would.
    conv(`decoder.${b}.net.0`, [TRUNK, TRUNK, 3, 3], TRUNK * 9, TRUNK);
    conv(`decoder.${b}.net.2`, [TRUNK, TRUNK, 3, 3], TRUNK * 9, TRUNK);
    conv(`decoder.${b}.net.4`, [TRUNK, TRUNK, 1, 1], TRUNK * 4, TRUNK);
  }
  let cin = TRUNK;
  UP_CHANNELS.forEach((cout, i) => {
    conv(`decoder.${4 + 2 * i}`, [cin, cout, 4, 4], cin * 4, cout);
    cin = cout;
  });
  conv('decoder.12', [1, UP_CHANNELS[3], 1, 1], UP_CHANNELS[3], 1);
  // The encoder, under the names big_vision's encode_to_codebook_indices reads (vae-encoder-weights.ts).
  let ein = 1;
  DOWN_CHANNELS.forEach((cout, i) => {
    conv(`encoder.${2 * i}`, [cout, ein, 4, 4], ein * 16, cout);
    ein = cout;
  });
  for (const b of [8, 9]) {
    conv(`encoder.${b}.net.0`, [TRUNK, TRUNK, 3, 3], TRUNK * 9, TRUNK);
    conv(`encoder.${b}.net.2`, [TRUNK, TRUNK, 3, 3], TRUNK * 9, TRUNK);
    conv(`encoder.${b}.net.4`, [TRUNK, TRUNK, 1, 1], TRUNK * 4, TRUNK);
  }
  conv('encoder.10', [d, TRUNK, 1, 1], TRUNK, d);
  return m;
}

/** Random decoder weights in memory (no file). */
export function randomVaeWeights(o: RandomVaeOptions): VaeWeights {
  return vaeWeightsFromArrays(randomVaeArrays(o), `random VQ-VAE (seed ${o.seed})`);
}

/** Random encoder weights in memory (no file). */
export function randomVaeEncoderWeights(o: RandomVaeOptions): VaeEncoderWeights {
  return vaeEncoderWeightsFromArrays(randomVaeArrays(o), `random VQ-VAE (seed ${o.seed})`);
}

/** Writes a random checkpoint as a .npz in the real layout; returns its size in bytes. */
export function writeRandomVae(path: string, o: RandomVaeOptions): number {
  return writeNpz(path, randomVaeArrays(o), { compress: o.compress });
}
