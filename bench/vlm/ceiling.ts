// Compute ceilings of this machine for 4-bit matrices, measured in-process with onnxruntime itself: one
// com.microsoft MatMulNBits node at a Gemma-2-2B MLP shape (K 2304 → N 9216, weights far larger than the caches),
// run with 1 row (a decode step: streams every weight once) and with 256 rows (a prefill chunk: compute-bound).
// For each block size and accuracy level it reports weight bytes streamed per second at 1 row and multiply-adds per
// second at 256 rows, so a decoder's ceilings follow from its size: decode tok/s ≤ (bytes/s) ÷ (q4 decoder bytes),
// prefill tok/s ≤ (MAC/s) ÷ (weights per token).
//   npx tsx bench/vlm/ceiling.ts [--threads N] [--blocks 32,64,128]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, MS_DOMAIN, saveModel } from '../../models/onnx/builder';
import { quantizeQ4Blockwise } from '../../models/onnx/convert/quant';
import { Rng } from '../../models/onnx/rng';

export interface CeilingRow {
  block: number;
  accuracyLevel: 0 | 4;
  /** 1 row: q4 weight bytes (codes + scales) per second. */
  decodeWeightGBs: number;
  /** 256 rows: multiply-adds per second (×1e9). */
  prefillGmacs: number;
}

const K = 2304, N = 9216, ROWS = 256;

async function buildNode(dir: string, block: number, accuracyLevel: 0 | 4, W: Float32Array): Promise<{ path: string; bytes: number }> {
  const g = new GraphBuilder('matmulnbits');
  const x = g.input('x', 'FLOAT', ['m', K]);
  const q = quantizeQ4Blockwise(W, N, K, block);
  const y = g.op('MatMulNBits', [x, g.initializer('B', 'UINT8', [N, q.kBlocks, block / 2], q.B), g.initializer('scales', 'FLOAT', [N * q.kBlocks], q.scales)],
    { K, N, bits: 4, block_size: block, accuracy_level: accuracyLevel || undefined }, MS_DOMAIN);
  g.output('y', 'FLOAT', ['m', N], y);
  const path = join(dir, `b${block}-a${accuracyLevel}.onnx`);
  await saveModel(g, path);
  return { path, bytes: q.B.byteLength + q.scales.byteLength };
}

/** Best of `reps` timed runs after one warm-up (other jobs only slow a run down). */
async function bestMs(s: ort.InferenceSession, rows: number, reps: number): Promise<number> {
  const x = new ort.Tensor('float32', new Rng(3).fillUniform(new Float32Array(rows * K), 1), [rows, K]);
  await s.run({ x });
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await s.run({ x });
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

export async function measureCeilings(o: { threads: number; blocks?: number[] }): Promise<CeilingRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-ceiling-'));
  const W = new Rng(7).fillUniform(new Float32Array(N * K), 0.05);
  const rows: CeilingRow[] = [];
  try {
    for (const block of o.blocks ?? [32, 64, 128]) {
      for (const accuracyLevel of [0, 4] as const) {
        const { path, bytes } = await buildNode(dir, block, accuracyLevel, W);
        const s = await ort.InferenceSession.create(path, { intraOpNumThreads: o.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
        try {
          // Several N×K matrices per decode step in a real decoder; one here, repeated: the weights (≈11 MB) exceed
          // L2 but may sit in a large L3, so this is an upper bound for the streaming rate.
          const decodeMs = await bestMs(s, 1, 40);
          const prefillMs = await bestMs(s, ROWS, 5);
          rows.push({ block, accuracyLevel, decodeWeightGBs: bytes / decodeMs / 1e6, prefillGmacs: (ROWS * K * N) / prefillMs / 1e6 });
        } finally { await s.release(); }
      }
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const { values: a } = parseArgs({ options: { threads: { type: 'string', default: String(availableParallelism()) }, blocks: { type: 'string', default: '32,64,128' } } });
  const rows = await measureCeilings({ threads: Number(a.threads), blocks: a.blocks.split(',').map(Number) });
  process.stdout.write(['| block | accuracy_level | 1 row: weight GB/s | 256 rows: GMAC/s |', '|---|---|---|---|',
    ...rows.map((r) => `| ${r.block} | ${r.accuracyLevel} | ${r.decodeWeightGBs.toFixed(1)} | ${r.prefillGmacs.toFixed(1)} |`)].join('\n') + '\n');
}
