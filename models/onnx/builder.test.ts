import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ExternalDataSink, GraphBuilder, MS_DOMAIN, encodeModel, saveModel } from './builder';
import { ModelProtoType } from './proto';

const dir = mkdtempSync(join(tmpdir(), 'paliscope-builder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; a[i] = s / 2147483648 - 0.5; }
  return a;
}

describe('GraphBuilder', () => {
  it('emits a model onnxruntime runs: y = softmax(LayerNorm(x) W + b) with a dynamic batch', async () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'FLOAT', ['batch', 4]);
    const w = rand(12, 1);
    const b = Float32Array.of(0.1, -0.2, 0.3);
    const ln = g.layerNorm(x, g.f32([1, 2, 1, 1]), g.f32([0, 0, 0.5, 0]), 1e-6);
    const y = g.softmax(g.add(g.matmul(ln, g.initializer('W', 'FLOAT', [4, 3], w)), g.initializer('b', 'FLOAT', [3], b)));
    g.output('y', 'FLOAT', ['batch', 3], y);
    const s = await ort.InferenceSession.create(encodeModel(g));
    const xv = Float32Array.of(1, 2, 3, 4, -1, 0, 1, 5);
    const out = (await s.run({ x: new ort.Tensor('float32', xv, [2, 4]) })).y!;
    expect(out.dims).toEqual([2, 3]);
    // Same computation by hand.
    for (let r = 0; r < 2; r++) {
      const row = Array.from(xv.slice(r * 4, r * 4 + 4));
      const m = row.reduce((a, c) => a + c, 0) / 4;
      const v = row.reduce((a, c) => a + (c - m) ** 2, 0) / 4;
      const scale = [1, 2, 1, 1], bias = [0, 0, 0.5, 0];
      const n = row.map((c, i) => ((c - m) / Math.sqrt(v + 1e-6)) * scale[i]! + bias[i]!);
      const logits = [0, 1, 2].map((j) => n.reduce((a, c, i) => a + c * w[i * 3 + j]!, 0) + b[j]!);
      const mx = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - mx));
      const z = e.reduce((a, c) => a + c, 0);
      for (let j = 0; j < 3; j++) expect((out.data as Float32Array)[r * 3 + j]).toBeCloseTo(e[j]! / z, 5);
    }
  });

  it('streams large initializers to an external data file that onnxruntime resolves next to the model', async () => {
    const sink = new ExternalDataSink(join(dir, 'ext.onnx_data'));
    const g = new GraphBuilder('ext', { external: sink, externalThreshold: 64 });
    const x = g.input('x', 'FLOAT', [1, 64]);
    const w = rand(64 * 32, 7);
    const y = g.matmul(x, g.initializer('W', 'FLOAT', [64, 32], w));
    g.output('y', 'FLOAT', [1, 32], y);
    sink.close();
    const path = join(dir, 'ext.onnx');
    const size = await saveModel(g, path);
    expect(size).toBeLessThan(2000); // the weights are not inside the protobuf
    expect(statSync(join(dir, 'ext.onnx_data')).size).toBe(64 * 32 * 4);
    const decoded = ModelProtoType.toObject(ModelProtoType.decode(readFileSync(path)), { longs: Number }) as {
      graph: { initializer: { name: string; data_location: number; external_data: { key: string; value: string }[] }[] };
    };
    const wProto = decoded.graph.initializer.find((t) => t.name === 'W')!;
    expect(wProto.data_location).toBe(1);
    expect(wProto.external_data.find((e) => e.key === 'location')?.value).toBe('ext.onnx_data');
    const s = await ort.InferenceSession.create(path);
    const xv = rand(64, 3);
    const out = (await s.run({ x: new ort.Tensor('float32', xv, [1, 64]) })).y!.data as Float32Array;
    for (const j of [0, 5, 31]) {
      let acc = 0;
      for (let i = 0; i < 64; i++) acc += xv[i]! * w[i * 32 + j]!;
      expect(out[j]).toBeCloseTo(acc, 5);
    }
  });

  it('supports the com.microsoft domain (FastGelu)', async () => {
    const g = new GraphBuilder('ms');
    const x = g.input('x', 'FLOAT', [2, 3]);
    const k = g.scalarF32(2);
    // com.microsoft FastGelu is GELU with the tanh approximation.
    const y = g.op('FastGelu', [g.mul(x, k)], {}, MS_DOMAIN);
    g.output('y', 'FLOAT', [2, 3], y);
    const s = await ort.InferenceSession.create(encodeModel(g));
    const xv = Float32Array.of(-2, -0.5, 0, 0.3, 1, 3);
    const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const d1 = (await s.run({ x: new ort.Tensor('float32', xv, [2, 3]) })).y!.data as Float32Array;
    xv.forEach((v, i) => expect(d1[i]).toBeCloseTo(gelu(2 * v), 5));
  });

  it('rejects an initializer whose byte length does not match its shape', () => {
    const g = new GraphBuilder('bad');
    expect(() => g.initializer('W', 'FLOAT', [2, 2], new Float32Array(3))).toThrow(/W: FLOAT\[2,2\] needs 16 bytes, got 12/);
  });
});
