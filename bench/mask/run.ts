// The VQ-VAE mask decoder: ONNX graph on onnxruntime-node vs the plain TypeScript decoder, side by side in one run.
//   npx tsx bench/mask/run.ts [--repeats 15] [--batches 1,4,16] [--embedding-dim 512]
// 1. Writes a random-weight checkpoint in the real vae-oid.npz layout (D = 512) to a temporary folder and loads it
//    (the real file cannot be fetched here; the decoder's cost depends only on the shapes, not on the values).
// 2. Times one-off costs: reading the .npz, building the graph + creating the session (1 and 2 intra-op threads), and
//    the TypeScript decoder's first call (which folds the codebook lookup into a table, and warms the JIT).
// 3. Times decoding batches of objects (a PaliGemma output rarely has more than a few), median of --repeats calls
//    after two warm-up calls, rounds interleaved so load on the shared machine hits every variant alike.
// 4. Times the rest of the path per object (resize into a 1000×800 box on an A4 page at 300 dpi → COCO RLE), which
//    is the same whichever decoder ran. Prints a markdown table with ratios vs ONNX on 1 thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createOnnxMaskDecoder, type OnnxMaskDecoder } from '../../models/paligemma/tasks/mask/decoder-onnx';
import { decodeMasks } from '../../models/paligemma/tasks/mask/decoder-ts';
import { writeRandomVae } from '../../models/paligemma/tasks/mask/fixture';
import { objectMask } from '../../models/paligemma/tasks/mask/mask';
import { loadVaeWeights } from '../../models/paligemma/tasks/mask/vae-weights';

const { values: a } = parseArgs({
  options: { repeats: { type: 'string', default: '15' }, batches: { type: 'string', default: '1,4,16' }, 'embedding-dim': { type: 'string', default: '512' } },
});
const repeats = Number(a.repeats);
const batches = a.batches.split(',').map(Number);
const embeddingDim = Number(a['embedding-dim']);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats ${a.repeats}: expected a positive integer`);
if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`--batches ${a.batches}: expected positive integers`);

const median = (xs: number[]): number => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const ms = (t0: number): number => performance.now() - t0;
const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

let seed = 1;
const randomCodes = (n: number): number[][] => Array.from({ length: n }, () => Array.from({ length: 16 }, () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % 128;
}));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mask-'));
  try {
    const path = join(dir, 'vae-oid.npz');
    const bytes = writeRandomVae(path, { seed: 1, embeddingDim });
    let t0 = performance.now();
    const w = loadVaeWeights(path);
    const loadMs = ms(t0);

    const onnx: Record<string, OnnxMaskDecoder> = {};
    const sessionMs: Record<string, number> = {};
    for (const threads of [1, 2]) {
      t0 = performance.now();
      onnx[`onnx-${threads}`] = await createOnnxMaskDecoder(w, { intraOpThreads: threads });
      sessionMs[`onnx-${threads}`] = ms(t0);
    }
    t0 = performance.now();
    decodeMasks(w, randomCodes(1));
    const tsFirstMs = ms(t0);

    const variants: { name: string; label: string; run: (c: number[][]) => Promise<unknown> }[] = [
      { name: 'onnx-1', label: 'ONNX graph, onnxruntime-node CPU, 1 thread', run: (c) => onnx['onnx-1']!.decode(c) },
      { name: 'onnx-2', label: 'ONNX graph, onnxruntime-node CPU, 2 threads', run: (c) => onnx['onnx-2']!.decode(c) },
      { name: 'ts', label: 'TypeScript (float32 GEMM), 1 thread', run: async (c) => decodeMasks(w, c) },
    ];
    const times: Record<string, Record<number, number[]>> = Object.fromEntries(variants.map((v) => [v.name, Object.fromEntries(batches.map((b) => [b, []]))]));
    for (const b of batches) {
      const codes = randomCodes(b);
      for (const v of variants) { await v.run(codes); await v.run(codes); }
      for (let r = 0; r < repeats; r++) {
        for (const v of variants) {
          t0 = performance.now();
          await v.run(codes);
          times[v.name]![b]!.push(ms(t0));
        }
      }
    }

    const logits = (await onnx['onnx-1']!.decode(randomCodes(1)))[0]!;
    const pasteMs: number[] = [];
    for (let r = 0; r < repeats; r++) {
      t0 = performance.now();
      objectMask(logits, [700.3, 1200.8, 1700.1, 2000.5], { width: 2480, height: 3508 });
      pasteMs.push(ms(t0));
    }

    const out: string[] = [];
    out.push(`# mask decoder: ONNX vs TypeScript (${new Date().toISOString().slice(0, 16)}Z)`);
    out.push('');
    out.push(`Machine: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`);
    out.push(`Random weights in the real layout (D = ${embeddingDim}, ${(bytes / 1e6).toFixed(1)} MB npz); median of ${repeats} calls after 2 warm-ups.`);
    out.push('');
    out.push(`| decoder | ${batches.map((b) => `batch ${b}: ms/call`).join(' | ')} | ${batches.map((b) => `batch ${b}: ms/mask`).join(' | ')} | ${batches.map((b) => `batch ${b}: × ONNX-1`).join(' | ')} |`);
    out.push(`|---|${batches.map(() => '---|').join('')}${batches.map(() => '---|').join('')}${batches.map(() => '---|').join('')}`);
    for (const v of variants) {
      const med = batches.map((b) => median(times[v.name]![b]!));
      const ratio = batches.map((b, i) => med[i]! / median(times['onnx-1']![b]!));
      out.push(`| ${v.label} | ${med.map(f).join(' | ')} | ${med.map((m, i) => f(m / batches[i]!)).join(' | ')} | ${ratio.map((r) => r.toFixed(2)).join(' | ')} |`);
    }
    out.push('');
    out.push('| one-off cost | ms |');
    out.push('|---|---|');
    out.push(`| read + check vae npz (${(bytes / 1e6).toFixed(1)} MB) | ${f(loadMs)} |`);
    out.push(`| build graph + create session, 1 thread | ${f(sessionMs['onnx-1']!)} |`);
    out.push(`| build graph + create session, 2 threads | ${f(sessionMs['onnx-2']!)} |`);
    out.push(`| TypeScript first call (table fold + JIT warm-up, 1 mask) | ${f(tsFirstMs)} |`);
    out.push(`| per object after decoding: resize into a 1000×800 box on a 2480×3508 page → RLE (median) | ${f(median(pasteMs))} |`);
    process.stdout.write(out.join('\n') + '\n');
    for (const d of Object.values(onnx)) await d.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { process.stderr.write(`bench/mask: ${(e as Error).stack ?? e}\n`); process.exit(1); });
