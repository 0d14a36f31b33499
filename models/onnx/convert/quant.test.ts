import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, encodeModel } from '../builder';
import { Rng } from '../rng';
import { WeightEmitter, type EmitOptions } from './emit';
import { dequantizeQ4Blockwise, quantizeInt8PerColumn, quantizeQ4Blockwise, quantizeRowsInt8, quantizeRowsQ4 } from './quant';
import { maxAbsDiff } from './session';

const rand = (n: number, seed: number) => new Rng(seed).fillUniform(new Float32Array(n), 1);

/** x[M, K] · W[N, K]ᵀ in float64. */
function matmulT(x: Float32Array, W: Float32Array, M: number, N: number, K: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let a = 0;
    for (let k = 0; k < K; k++) a += x[m * K + k]! * W[n * K + k]!;
    y[m * N + n] = a;
  }
  return y;
}

async function runLinear(o: Partial<EmitOptions>, W: Float32Array, N: number, K: number, x: Float32Array, M: number,
  level: 'basic' | 'all' = 'all', bias?: Float32Array): Promise<{ y: Float32Array; ops: string[] }> {
  const g = new GraphBuilder('lin');
  const e = new WeightEmitter(g, { dtype: 'fp32', q4Block: 32, embedDtype: 'fp32', ...o });
  g.output('y', 'FLOAT', [1, M, N], e.linear(g.input('x', 'FLOAT', [1, M, K]), 'w', W, N, K, bias));
  const bytes = encodeModel(g);
  const s = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, graphOptimizationLevel: level });
  const y = (await s.run({ x: new ort.Tensor('float32', x, [1, M, K]) })).y!.data as Float32Array;
  const ops = (g.toGraphProto() as { node: { op_type: string }[] }).node.map((n) => n.op_type);
  return { y, ops };
}

describe('weight quantization', () => {
  for (const [block, K] of [[32, 64], [64, 96], [128, 128], [128, 64]] as const) {
    it(`MatMulNBits (block ${block}, K ${K}) computes x·dequant(W)ᵀ exactly as our packing says`, async () => {
      const N = 24, M = 3;
      const W = rand(N * K, block + K), x = rand(M * K, 2);
      const { y, ops } = await runLinear({ dtype: 'q4', q4Block: block }, W, N, K, x, M);
      expect(ops).toContain('MatMulNBits');
      const q = quantizeQ4Blockwise(W, N, K, block);
      const Wd = dequantizeQ4Blockwise(q.B, q.scales, N, K, block);
      expect(maxAbsDiff(y, matmulT(x, Wd, M, N, K))).toBeLessThan(1e-4);
      // and the quantization error itself is bounded by half a step per weight
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
        expect(Math.abs(Wd[n * K + k]! - W[n * K + k]!)).toBeLessThanOrEqual(q.scales[n * q.kBlocks + Math.floor(k / block)]! / 2 + 1e-7);
      }
    });
  }

  it('int8 per-column DequantizeLinear and fp16 storage match their dequantized weights', async () => {
    const N = 16, K = 40, M = 2;
    const W = rand(N * K, 3), x = rand(M * K, 4);
    const { q, scale } = quantizeInt8PerColumn(W, N, K);
    const Wd = new Float32Array(N * K);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) Wd[n * K + k] = q[k * N + n]! * scale[n]!;
    const i8 = await runLinear({ dtype: 'int8' }, W, N, K, x, M, 'basic');
    expect(maxAbsDiff(i8.y, matmulT(x, Wd, M, N, K))).toBeLessThan(1e-4);
    // At 'extended'/'all', onnxruntime fuses DequantizeLinear→MatMul into an int8 GEMM that also quantizes the
    // activations per call (uint8, per tensor), which adds error of order K·|w|·(range(x)/255)/2.
    const fused = await runLinear({ dtype: 'int8' }, W, N, K, x, M, 'all');
    const errFused = maxAbsDiff(fused.y, matmulT(x, Wd, M, N, K));
    expect(errFused).toBeGreaterThan(1e-4);
    expect(errFused).toBeLessThan(K * Math.sqrt(3) * (2 * Math.sqrt(3) / 255) / 2);
    // DynamicQuantizeMatMul does the same u8 (per tensor) × s8 (per column) GEMM as one node, at any level.
    for (const level of ['basic', 'all'] as const) {
      const dyn = await runLinear({ dtype: 'int8', int8Kernel: 'dynamic' }, W, N, K, x, M, level);
      expect(dyn.ops).toContain('DynamicQuantizeMatMul');
      expect(dyn.ops).not.toContain('DequantizeLinear');
      const errDyn = maxAbsDiff(dyn.y, matmulT(x, Wd, M, N, K));
      expect(errDyn).toBeGreaterThan(1e-4);
      expect(errDyn).toBeLessThan(K * Math.sqrt(3) * (2 * Math.sqrt(3) / 255) / 2);
      // the bias rides in the op's fourth input
      const b = rand(N, 9);
      const withBias = await runLinear({ dtype: 'int8', int8Kernel: 'dynamic' }, W, N, K, x, M, level, b);
      expect(withBias.ops.filter((o) => o !== 'Identity')).toEqual(['DynamicQuantizeMatMul']);
      expect(maxAbsDiff(withBias.y, dyn.y.map((v, i) => v + b[i % N]!))).toBeLessThan(1e-5);
    }
    const f16 = await runLinear({ dtype: 'fp16' }, W, N, K, x, M);
    const exact = matmulT(x, W, M, N, K);
    const err16 = maxAbsDiff(f16.y, exact);
    expect(err16).toBeGreaterThan(0);
    expect(err16).toBeLessThan(K * 2 ** -11 * 1.8); // ≤ K terms, each |x|,|w| ≤ √3, relative fp16 rounding 2⁻¹¹
  });

  for (const embedDtype of ['int8', 'int4'] as const) {
    it(`${embedDtype} embedding table: the dequantizing Gather returns the dequantized rows`, async () => {
      const V = 50, d = 64;
      const E = rand(V * d, 8);
      const g = new GraphBuilder('emb');
      const e = new WeightEmitter(g, { dtype: 'fp32', q4Block: 32, embedDtype });
      g.output('rows', 'FLOAT', [1, 3, d], e.embedding(g.input('ids', 'INT64', [1, 3]), 'E', E, V, d));
      const s = await ort.InferenceSession.create(encodeModel(g));
      const ids = [7, 0, 49];
      const rows = (await s.run({ ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, 3]) })).rows!.data as Float32Array;
      const want = new Float32Array(3 * d);
      if (embedDtype === 'int8') {
        const { q, scale } = quantizeRowsInt8(E, V, d);
        ids.forEach((id, r) => { for (let k = 0; k < d; k++) want[r * d + k] = q[id * d + k]! * scale[id]!; });
      } else {
        const { packed, scales } = quantizeRowsQ4(E, V, d, 32);
        ids.forEach((id, r) => {
          for (let k = 0; k < d; k++) {
            const idx = id * d + k;
            const code = idx & 1 ? packed[idx >> 1]! >> 4 : packed[idx >> 1]! & 15;
            want[r * d + k] = (code - 8) * scales[id * 2 + (k >> 5)]!;
          }
        });
      }
      expect(maxAbsDiff(rows, want)).toBeLessThan(1e-6);
      const exact = Float32Array.from(ids.flatMap((id) => Array.from(E.subarray(id * d, (id + 1) * d))));
      const err = maxAbsDiff(rows, exact);
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(embedDtype === 'int8' ? Math.sqrt(3) / 127 / 2 + 1e-6 : Math.sqrt(3) / 7 / 2 + 1e-6);
    });
  }
});
