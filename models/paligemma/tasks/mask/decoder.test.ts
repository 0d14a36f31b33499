import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxMaskDecoder, type OnnxMaskDecoder } from './decoder-onnx';
import { decodeMasks } from './decoder-ts';
import { randomVaeWeights } from './fixture';
import { conv2dRef, convTranspose2dRef, referenceDecode, type Fmap } from './reference';

// Tolerance of the float32 decoders against the float64 reference: |x − ref| ≤ 1e-4 · max(1, max |ref|). A float32
// sum of ≤ 2048 terms of this size is off by ~1e-6 (measured: ≤ 3e-6); a wrong tap, transposed kernel or missing ReLU
// moves logits by ≥ 1e-2.
const TOL = 1e-4;

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function expectClose(got: Float32Array, ref: Float64Array, what: string): void {
  expect(got.length, what).toBe(4096);
  const tol = TOL * Math.max(1, maxAbs(ref));
  let worst = 0, at = -1;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i]! - ref[i]!);
    if (d > worst) { worst = d; at = i; }
  }
  expect(worst, `${what}: max |Δ| ${worst} at pixel ${at} (y ${Math.floor(at / 64)}, x ${at % 64}), tolerance ${tol}`).toBeLessThanOrEqual(tol);
}

const CODES: number[][] = [
  [12, 45, 127, 3, 88, 64, 10, 99, 1, 76, 33, 120, 5, 91, 47, 62], // the example of docs §6
  Array.from({ length: 16 }, (_, i) => i * 8),
  new Array(16).fill(0),
  new Array(16).fill(127),
  [12, 45, 127, 3, 88, 64, 10, 99, 1, 76, 33, 120, 5, 91, 47, 62], // a duplicate in the same batch
];

describe('reference layers are the PyTorch definitions', () => {
  it('ConvTranspose2d(1, 1, k=4, s=2, p=1) of ones on a 2×2 input is the hand-counted overlap map', () => {
    const x: Fmap = { c: 1, h: 2, w: 2, data: new Float64Array(4).fill(1) };
    const y = convTranspose2dRef(x, new Float64Array(16).fill(1), [0], 1, 4, 2, 1);
    const line = [1, 2, 2, 1]; // per axis: how many (input, tap) pairs land on each output index
    expect([y.h, y.w]).toEqual([4, 4]);
    expect(Array.from(y.data)).toEqual(line.flatMap((a) => line.map((b) => a * b)));
  });

  it('ConvTranspose2d is the adjoint of the strided Conv2d with the same weights: <T x, y> = <x, C y>', () => {
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const cin = 3, cout = 2;
    const w = Float64Array.from({ length: cin * cout * 16 }, rnd); // [in, out, 4, 4] for T; [out=in_T, in=out_T, 4, 4] for C
    const x: Fmap = { c: cin, h: 3, w: 5, data: Float64Array.from({ length: cin * 15 }, rnd) };
    const tx = convTranspose2dRef(x, w, new Float64Array(cout), cout, 4, 2, 1);
    const y: Fmap = { c: cout, h: tx.h, w: tx.w, data: Float64Array.from({ length: tx.data.length }, rnd) };
    const cy = conv2dRef(y, w, new Float64Array(cin), cin, 4, 2, 1);
    expect([tx.h, tx.w, cy.h, cy.w]).toEqual([6, 10, 3, 5]);
    let lhs = 0, rhs = 0;
    tx.data.forEach((v, i) => { lhs += v * y.data[i]!; });
    cy.data.forEach((v, i) => { rhs += v * x.data[i]!; });
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
  });
});

describe('mask decoders against the float64 reference (random weights, real layout, D = 512)', () => {
  const w = randomVaeWeights({ seed: 3 });
  const ref = CODES.map((c) => referenceDecode(w, c));
  let onnx: OnnxMaskDecoder;
  beforeAll(async () => { onnx = await createOnnxMaskDecoder(w); });
  afterAll(async () => { await onnx?.release(); });

  it('the random weights give masks with both signs, so the comparison means something', () => {
    for (const r of ref) {
      const pos = r.filter((v) => v > 0).length;
      expect(pos).toBeGreaterThan(200);
      expect(pos).toBeLessThan(4096 - 200);
    }
  });

  it('the TypeScript decoder, batched', () => {
    const got = decodeMasks(w, CODES);
    got.forEach((g, i) => expectClose(g, ref[i]!, `typescript mask ${i}`));
    expect(Array.from(got[4]!)).toEqual(Array.from(got[0]!));
  });

  it('the TypeScript decoder, one object at a time (batching changes nothing)', () => {
    CODES.forEach((c, i) => expectClose(decodeMasks(w, [c])[0]!, ref[i]!, `typescript single ${i}`));
  });

  it('the ONNX graph on onnxruntime, batched and single', async () => {
    const got = await onnx.decode(CODES);
    got.forEach((g, i) => expectClose(g, ref[i]!, `onnx mask ${i}`));
    expectClose((await onnx.decode([CODES[1]!]))[0]!, ref[1]!, 'onnx single');
  });

  it('a smaller codebook width works the same way (D read from the file)', async () => {
    const small = randomVaeWeights({ seed: 9, embeddingDim: 16 });
    const r = referenceDecode(small, CODES[0]!);
    expectClose(decodeMasks(small, [CODES[0]!])[0]!, r, 'typescript D=16');
    const d = await createOnnxMaskDecoder(small);
    expectClose((await d.decode([CODES[0]!]))[0]!, r, 'onnx D=16');
    await d.release();
  });

  it('empty batches, and codes outside 0…127 or not 16 are refused by both', async () => {
    expect(decodeMasks(w, [])).toEqual([]);
    expect(await onnx.decode([])).toEqual([]);
    const bad = [[...CODES[0]!.slice(0, 15), 128]];
    expect(() => decodeMasks(w, bad)).toThrow(/mask 0: expected 16 integer codebook indices in 0…127/);
    await expect(onnx.decode(bad)).rejects.toThrow(/mask 0/);
    expect(() => decodeMasks(w, [CODES[0]!, [1, 2, 3]])).toThrow(/mask 1: /);
    expect(() => referenceDecode(w, [1.5, ...new Array(15).fill(0)])).toThrow(RangeError);
  });
});
