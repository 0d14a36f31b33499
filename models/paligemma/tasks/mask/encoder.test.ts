import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeMasks, encoderLatents } from './encoder-ts';
import { referenceDistances, referenceEncode, referenceEncoderLatents } from './encoder-reference';
import { randomVaeArrays, randomVaeEncoderWeights, writeRandomVae } from './fixture';
import { encodeNpz } from './npz';
import { loadVaeEncoderWeights } from './vae-encoder-weights';
import { loadVaeWeights } from './vae-weights';

// Masks that look like what the encoder is given: a binary shape cropped to its box and resized (edges in between).
function disc(cx: number, cy: number, r: number): Float32Array {
  const m = new Float32Array(4096);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) m[y * 64 + x] = Math.min(1, Math.max(0, r - Math.hypot(x + 0.5 - cx, y + 0.5 - cy) + 0.5));
  return m;
}
const MASKS: Float32Array[] = [
  disc(32, 32, 28),
  disc(20, 40, 12),
  Float32Array.from({ length: 4096 }, (_, i) => ((i % 64) < 40 && Math.floor(i / 64) > 10 ? 1 : 0)), // an L-ish block
  new Float32Array(4096).fill(1),
  new Float32Array(4096),
];

describe('VQ-VAE encoder weights (vae-oid.npz names)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vae-enc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every encoder tensor with its PyTorch shape from a file written in the real layout', () => {
    const path = join(dir, 'vae-oid.npz');
    writeRandomVae(path, { seed: 4, embeddingDim: 24 });
    const w = loadVaeEncoderWeights(path);
    expect(w.embeddingDim).toBe(24);
    expect(w.down.map((l) => `${l.name}:${l.shape.join('x')}`)).toEqual(['encoder.0:16x1x4x4', 'encoder.2:32x16x4x4', 'encoder.4:64x32x4x4', 'encoder.6:128x64x4x4']);
    expect(w.resBlocks.flat().map((l) => l.name)).toEqual(['encoder.8.net.0', 'encoder.8.net.2', 'encoder.8.net.4', 'encoder.9.net.0', 'encoder.9.net.2', 'encoder.9.net.4']);
    expect(w.proj.shape).toEqual([24, 128, 1, 1]);
    // The same file still serves the decoder.
    expect(loadVaeWeights(path).embeddingDim).toBe(24);
  });

  it('names the file and the tensor when one is missing or misshapen', () => {
    const m = randomVaeArrays({ seed: 1, embeddingDim: 8 });
    m.delete('encoder.4.weight');
    expect(() => loadVaeEncoderWeights(encodeNpz(m), 'old.npz')).toThrow(/old\.npz: tensor encoder\.4\.weight \(Conv2d 4×4 stride 2 16→32|old\.npz: tensor encoder\.4\.weight/);
    const n = randomVaeArrays({ seed: 1, embeddingDim: 8 });
    n.set('encoder.10.weight', n.get('encoder.8.net.4.weight')!);
    expect(() => loadVaeEncoderWeights(encodeNpz(n), 'x.npz')).toThrow(/x\.npz: tensor encoder\.10\.weight .*expected shape \[8, 128, 1, 1\], found \[128, 128, 1, 1\]/);
  });
});

describe('the TypeScript encoder against the float64 reference (random weights, D = 512)', () => {
  const w = randomVaeEncoderWeights({ seed: 3 });
  // The float64 reference takes about a second a mask: computed once for both tests.
  const refs = MASKS.map((m) => referenceEncoderLatents(w, m));

  it('latents agree to float32 precision', () => {
    MASKS.forEach((m, k) => {
      const ref = refs[k]!.data;
      const got = encoderLatents(w, m);
      const scale = Math.max(1, ...Array.from(ref, Math.abs));
      let worst = 0;
      ref.forEach((r, i) => { worst = Math.max(worst, Math.abs(got[i]! - r)); });
      expect(worst).toBeLessThanOrEqual(1e-4 * scale);
    });
  });

  it('codes are the reference argmin (or a code within float32 noise of it), and the weights give varied codes', () => {
    const all = new Set<number>();
    MASKS.forEach((m, k) => {
      const got = encodeMasks(w, [m])[0]!;
      const dist = referenceDistances(w, refs[k]!);
      const ref = dist.map((row) => row.indexOf(Math.min(...row)));
      got.forEach((c, t) => {
        all.add(c);
        if (c !== ref[t]) expect(dist[t]![c]! - dist[t]![ref[t]!]!).toBeLessThan(1e-6 * dist[t]![ref[t]!]!);
      });
      expect(got).toHaveLength(16);
    });
    // A wrong layout or layer would still give codes; that they differ between masks and positions is what makes
    // the comparison above mean something.
    expect(all.size).toBeGreaterThan(8);
    expect(encodeMasks(w, [MASKS[0]!])[0]).not.toEqual(encodeMasks(w, [MASKS[1]!])[0]);
  });

  it('referenceEncode is the argmin of the reference distances (first minimum)', () => {
    const d = referenceDistances(w, refs[1]!);
    expect(referenceEncode(w, MASKS[1]!)).toEqual(d.map((row) => row.indexOf(Math.min(...row))));
  });

  it('refuses a mask that is not 64×64 or not finite', () => {
    expect(() => encoderLatents(w, new Float32Array(100))).toThrow(/expected 4096 values/);
    const nan = new Float32Array(4096); nan[5] = NaN;
    expect(() => encoderLatents(w, nan)).toThrow(/value NaN at 5/);
  });
});
