import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { optimizeOcrGraph } from './graph-rewrite';
import { MODEL_FILES, defaultOcrModelDir } from './model-dir';

const dir = defaultOcrModelDir({});

async function outputs(bytes: Uint8Array, shape: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  // Deterministic, image-like values in the normalised input range.
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.37) * 0.8 + Math.cos(i * 0.011) * 0.2;
  const out = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', x, shape) });
  await s.release();
  return out[s.outputNames[0]!]!.data as Float32Array;
}

describe('optimizeOcrGraph', () => {
  it.each([
    ['rec', [1, 3, 48, 640], 28, 40],
    ['det', [1, 3, 320, 320], 24, 38],
    ['cls', [2, 3, 48, 192], 18, 0],
  ] as const)('rewrites the %s model without changing its outputs', async (key, shape, fused, folded) => {
    const orig = await readFile(path.join(dir, MODEL_FILES[key]));
    const r = optimizeOcrGraph(orig);
    expect([r.fused, r.folded]).toEqual([fused, folded]);
    const [a, b] = await Promise.all([outputs(orig, [...shape]), outputs(r.bytes, [...shape])]);
    expect(b.length).toBe(a.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('leaves a graph without these patterns byte-identical', () => {
    const bytes = new Uint8Array([0x08, 0x08]); // ModelProto { ir_version: 8 }, no graph nodes
    expect(optimizeOcrGraph(bytes).bytes).toBe(bytes);
  });
});
