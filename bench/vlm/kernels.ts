// Which matrix kernel makes prefill fastest: one linear layer (default a Gemma-2-2B MLP matrix, K 2304 → N 9216) over
// a 256-row chunk (a prefill; ROWS=1 for a decode step), in every weight format the converter can emit, timed
// in-process with onnxruntime. Reports the best of 6 runs in wall time and in CPU time (user + sys of every thread:
// other jobs on shared cores stretch wall time, much less CPU time), and each kernel's max error against the exact
// fp32 product relative to the output's largest magnitude — a fast kernel that saturates is caught here.
//   npx tsx bench/vlm/kernels.ts            (env: K, N, ROWS, THREADS, ONLY=comma-separated name prefixes)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, MS_DOMAIN, saveModel } from '../../models/onnx/builder';
import { quantizeInt8PerColumn, quantizeQ4Blockwise } from '../../models/onnx/convert/quant';
import { Rng } from '../../models/onnx/rng';

const K = Number(process.env.K ?? 2304), N = Number(process.env.N ?? 9216), ROWS = Number(process.env.ROWS ?? 256);
const THREADS = Number(process.env.THREADS ?? 2);
const W = new Rng(7).fillUniform(new Float32Array(N * K), 0.05);
const X = new Rng(3).fillUniform(new Float32Array(ROWS * K), 1);

const q4 = (block: number, level: 0 | 4) => (g: GraphBuilder, x: string) => {
  const q = quantizeQ4Blockwise(W, N, K, block);
  return g.op('MatMulNBits', [x, g.initializer('B', 'UINT8', [N, q.kBlocks, block / 2], q.B), g.initializer('s', 'FLOAT', [N * q.kBlocks], q.scales)],
    { K, N, bits: 4, block_size: block, accuracy_level: level || undefined }, MS_DOMAIN);
};
/** int8 per column as the converter quantizes it, as [K, N] int8 (or uint8 + zero point 128). */
const int8 = (unsigned: boolean) => {
  const { q, scale } = quantizeInt8PerColumn(W, N, K);
  return { q: unsigned ? Uint8Array.from(q, (v) => v + 128) : q, scale };
};
const VARIANTS: { name: string; build: (g: GraphBuilder, x: string) => string }[] = [
  { name: 'MatMulNBits q4 b128, int8 activations (default)', build: q4(128, 4) },
  { name: 'MatMulNBits q4 b32, int8 activations', build: q4(32, 4) },
  { name: 'MatMulNBits q4 b128, fp32 activations', build: q4(128, 0) },
  { name: 'MatMulNBits q4 b32, fp32 activations (published q4)', build: q4(32, 0) },
  {
    name: 'DequantizeLinear int8 -> MatMul', build: (g, x) => {
      const { q, scale } = int8(false);
      return g.matmul(x, g.op('DequantizeLinear', [g.initializer('B', 'INT8', [K, N], q), g.initializer('s', 'FLOAT', [N], scale)], { axis: 1 }));
    },
  },
  {
    name: 'DynamicQuantizeMatMul u8 zp128 (int8 dynamic)', build: (g, x) => {
      const { q, scale } = int8(true);
      return g.op('DynamicQuantizeMatMul', [x, g.initializer('B', 'UINT8', [K, N], q), g.initializer('s', 'FLOAT', [N], scale), g.initializer('zp', 'UINT8', [N], new Uint8Array(N).fill(128))], {}, MS_DOMAIN);
    },
  },
  {
    name: 'DynamicQuantizeMatMul s8 (saturates on AVX2)', build: (g, x) => {
      const { q, scale } = int8(false);
      return g.op('DynamicQuantizeMatMul', [x, g.initializer('B', 'INT8', [K, N], q), g.initializer('s', 'FLOAT', [N], scale)], {}, MS_DOMAIN);
    },
  },
  {
    name: 'fp32 MatMul', build: (g, x) => {
      const T = new Float32Array(K * N);
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) T[k * N + n] = W[n * K + k]!;
      return g.matmul(x, g.initializer('B', 'FLOAT', [K, N], T));
    },
  },
];

/** Exact fp32-weight product for the first rows (enough to see a kernel's error). */
const CHECK_ROWS = Math.min(ROWS, 4);
const exact = new Float64Array(CHECK_ROWS * N);
for (let m = 0; m < CHECK_ROWS; m++) for (let n = 0; n < N; n++) {
  let a = 0;
  for (let k = 0; k < K; k++) a += X[m * K + k]! * W[n * K + k]!;
  exact[m * N + n] = a;
}
const peak = exact.reduce((p, v) => Math.max(p, Math.abs(v)), 0);

const only = process.env.ONLY?.split(',');
const dir = mkdtempSync(join(tmpdir(), 'paliscope-kernels-'));
const macs = ROWS * K * N;
process.stdout.write(`| kernel (${ROWS}×${K}→${N}, ${THREADS} threads) | wall ms | GMAC/s wall | CPU ms | GMAC/s per ${THREADS} CPUs | max error / max |output| |\n|---|---|---|---|---|---|\n`);
try {
  for (const v of VARIANTS) {
    if (only && !only.some((o) => v.name.startsWith(o))) continue;
    const g = new GraphBuilder('k');
    const x = g.input('x', 'FLOAT', ['m', K]);
    g.output('y', 'FLOAT', ['m', N], v.build(g, x));
    const path = join(dir, 'k.onnx');
    await saveModel(g, path);
    const s = await ort.InferenceSession.create(path, { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    const xt = new ort.Tensor('float32', X, [ROWS, K]);
    const y = (await s.run({ x: xt })).y!.data as Float32Array;
    let err = 0;
    for (let i = 0; i < CHECK_ROWS * N; i++) err = Math.max(err, Math.abs(y[i]! - exact[i]!));
    let wall = Infinity, cpu = Infinity;
    for (let i = 0; i < 6; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      await s.run({ x: xt });
      wall = Math.min(wall, performance.now() - t);
      const u = process.cpuUsage(c);
      cpu = Math.min(cpu, (u.user + u.system) / 1e3);
    }
    await s.release();
    process.stdout.write(`| ${v.name} | ${wall.toFixed(1)} | ${(macs / wall / 1e6).toFixed(1)} | ${cpu.toFixed(1)} | ${((THREADS * macs) / cpu / 1e6).toFixed(1)} | ${(err / peak).toExponential(1)} |\n`);
  }
} finally { rmSync(dir, { recursive: true, force: true }); }
