// Greedy generation with and without the vision-feature cache and the KV cache, side by side.
//   npx tsx bench/generate/run.ts [--preset tiny] [--layers N] [--dtype fp32|fp16|int8|q4] [--tokens 32] [--repeats 3]
//                                 [--model DIR] [--out bench/generate/results-<preset>.json]
// Builds a random-weight checkpoint with models/onnx's fixture writer and converts it (Paliscope layout) unless
// --model is given. Every run generates exactly --tokens tokens (eos disabled) from the same image and prompt; the
// image-cache runs ask a second prompt after a warm-up on the same image, as a user asking again about one page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { convertCheckpoint } from '../../models/onnx/convert/convert';
import { writeFixture, PRESETS, type PresetName } from '../../models/onnx/fixture';
import { createPaliGemma, type Timings } from '../../models/paligemma/engine';
import { testImagePng } from '../../models/paligemma/test-images';
import { detectMachine } from '../../models/runtime/machine';

const { values: a } = parseArgs({
  options: {
    preset: { type: 'string', default: 'tiny' }, layers: { type: 'string' }, dtype: { type: 'string', default: 'fp32' },
    tokens: { type: 'string', default: '32' }, repeats: { type: 'string', default: '3' }, model: { type: 'string' }, out: { type: 'string' },
  },
});
const preset = a.preset as PresetName;
if (!PRESETS.includes(preset)) throw new Error(`--preset ${a.preset}: expected one of ${PRESETS.join(', ')}`);
const tokens = Number(a.tokens), repeats = Number(a.repeats);
const machine = detectMachine();

let root: string | null = null;
let modelDir = a.model;
if (!modelDir) {
  root = mkdtempSync(join(tmpdir(), 'paliscope-bench-gen-'));
  const t0 = performance.now();
  writeFixture({ preset, outDir: join(root, 'ck'), layers: a.layers ? Number(a.layers) : undefined });
  await convertCheckpoint({ checkpointDir: join(root, 'ck'), outDir: join(root, 'model'), dtype: a.dtype as 'fp32' });
  modelDir = join(root, 'model');
  process.stderr.write(`fixture + conversion: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

const median = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const configs = [
  { name: 'KV cache + image cache', kv: true, img: true },
  { name: 'KV cache, no image cache', kv: true, img: false },
  { name: 'no KV cache + image cache', kv: false, img: true },
  { name: 'neither', kv: false, img: false },
];
const image = await testImagePng('photo');
const engine = await createPaliGemma({ modelDir, machine, logger: { info: (m) => process.stderr.write(`${m}\n`) } });
const rows: { name: string; totalMs: number; ttftMs: number; visionMs: number; decodeTps: number; peakRssMB: number }[] = [];
try {
  // Warm-up: first-run allocations and the cache entry for the image-cache rows.
  await engine.generate({ image, prompt: 'caption en', maxNewTokens: 2, eosIds: [-1] });
  // Round-robin over the configurations so that load from other processes during the run hits every row alike.
  const runs = configs.map(() => [] as Timings[]);
  for (let r = 0; r < repeats; r++) {
    for (const [ci, c] of configs.entries()) {
      const res = await engine.generate({ image, prompt: 'answer en what is on the table', maxNewTokens: tokens, eosIds: [-1], useImageCache: c.img, useKvCache: c.kv });
      if (res.ids.length !== tokens) throw new Error(`${c.name}: ${res.ids.length} tokens, expected ${tokens}`);
      runs[ci]!.push(res.timings);
    }
  }
  for (const [ci, c] of configs.entries()) {
    const t = runs[ci]!;
    rows.push({
      name: c.name, totalMs: median(t.map((x) => x.totalMs)), ttftMs: median(t.map((x) => x.timeToFirstTokenMs)),
      visionMs: median(t.map((x) => x.visionMs)), decodeTps: median(t.map((x) => x.decodeTokensPerSecond ?? 0)),
      peakRssMB: Math.max(...t.map((x) => x.peakRssBytes)) / 1e6,
    });
  }
} finally {
  await engine.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
}

const base = rows[0]!;
const header = `| config | total ms | × total | TTFT ms | × TTFT | vision ms | decode tok/s | × tok/s | peak RSS MB |`;
const lines = [header, '|---|---|---|---|---|---|---|---|---|', ...rows.map((r) =>
  `| ${r.name} | ${r.totalMs.toFixed(1)} | ${(r.totalMs / base.totalMs).toFixed(2)} | ${r.ttftMs.toFixed(1)} | ${(r.ttftMs / base.ttftMs).toFixed(2)} | ${r.visionMs.toFixed(1)} | ${r.decodeTps.toFixed(1)} | ${(r.decodeTps / base.decodeTps).toFixed(2)} | ${r.peakRssMB.toFixed(0)} |`)];
const load = loadavg().map((x) => x.toFixed(1)).join(' ');
const label = `${preset}${a.layers ? ` L${a.layers}` : ''} ${a.dtype}, ${tokens} new tokens, median of ${repeats} (configs interleaved), ${machine.physicalCores} physical cores, load average at the end ${load}; ratios vs the first row`;
process.stdout.write(`${label}\n\n${lines.join('\n')}\n`);
const out = a.out ?? join('bench', 'generate', `results-${preset}${a.layers ? `-L${a.layers}` : ''}-${a.dtype}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, loadAverage: loadavg(), preset, layers: a.layers ?? null, dtype: a.dtype, tokens, repeats, machine, rows }, null, 1) + '\n');
process.stderr.write(`wrote ${out}\n`);
