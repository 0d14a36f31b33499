// Real-width streaming conversion benchmark: writes a random-weight PaliGemma 2 checkpoint at real widths with N
// layers (bf16, like the published ones), converts it per dtype in a fresh child process each, and reports wall
// time and the child's peak RSS (getrusage maxRSS). Optionally (--check) loads each converted decoder in
// onnxruntime-node and runs one prefill step, to prove the external-data files open.
//
//   npx tsx bench/convert/convert-real.ts [--preset paligemma2-3b-224] [--layers 2] [--dtypes fp32,fp16,int8,q4]
//       [--work /tmp/paliscope-bench] [--check] [--keep] [--out bench/convert/results.json]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const repo = join(dirname(self), '..', '..');

interface ChildReport { seconds: number; maxRssMB: number; extra?: Record<string, unknown> }

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

/** Runs this file as a child with --child <job> and parses the JSON report it prints last. */
function child(args: string[]): ChildReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as ChildReport;
}

async function runChild(job: string, a: Record<string, string | undefined>): Promise<void> {
  const t0 = performance.now();
  let extra: Record<string, unknown> | undefined;
  if (job === 'fixture') {
    const { writeFixture } = await import('../../models/onnx/fixture');
    writeFixture({ preset: a.preset as 'paligemma2-3b-224', outDir: a.ck!, layers: Number(a.layers) });
  } else if (job === 'convert') {
    const { convertCheckpoint } = await import('../../models/onnx/convert/convert');
    await convertCheckpoint({ checkpointDir: a.ck!, outDir: a.out!, dtype: a.dtype as 'fp32' });
  } else if (job === 'check') {
    const ort = await import('onnxruntime-node');
    const { readFileSync } = await import('node:fs');
    const cfg = JSON.parse(readFileSync(join(a.out!, 'config.json'), 'utf8')) as { text_config: { num_hidden_layers: number; num_key_value_heads: number; head_dim: number; hidden_size: number } };
    const tc = cfg.text_config;
    const tl = performance.now();
    const s = await ort.InferenceSession.create(join(a.out!, 'decoder.onnx'), { intraOpNumThreads: 2, logSeverityLevel: 3 });
    const loadSeconds = (performance.now() - tl) / 1000;
    const S = 8;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      inputs_embeds: new ort.Tensor('float32', new Float32Array(S * tc.hidden_size).fill(0.01), [1, S, tc.hidden_size]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: S }, (_, i) => BigInt(i + 1)), [1, S]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
      prefix_length: new ort.Tensor('int64', BigInt64Array.of(BigInt(S)), [1]),
      logits_index: new ort.Tensor('int64', BigInt64Array.of(-1n), [1]),
    };
    for (let l = 0; l < tc.num_hidden_layers; l++) for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, tc.num_key_value_heads, 0, tc.head_dim]);
    }
    const tr = performance.now();
    const out = await s.run(feeds);
    const logits = out.logits!.data as Float32Array;
    extra = { loadSeconds, prefill8Seconds: (performance.now() - tr) / 1000, logitsDims: out.logits!.dims, finite: logits.every(Number.isFinite) };
  } else throw new Error(`unknown child job ${job}`);
  const report: ChildReport = { seconds: (performance.now() - t0) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, extra };
  process.stdout.write(JSON.stringify(report) + '\n');
}

async function main(): Promise<void> {
  const { values: v, positionals } = parseArgs({ allowPositionals: true, options: {
    child: { type: 'string' }, preset: { type: 'string' }, layers: { type: 'string' }, dtypes: { type: 'string' },
    work: { type: 'string' }, check: { type: 'boolean' }, keep: { type: 'boolean' }, out: { type: 'string' },
    ck: { type: 'string' }, dtype: { type: 'string' },
  } });
  void positionals;
  if (v.child) { await runChild(v.child, { preset: v.preset, layers: v.layers, ck: v.ck, out: v.out, dtype: v.dtype }); return; }
  const preset = v.preset ?? 'paligemma2-3b-224';
  const layers = v.layers ?? '2';
  const dtypes = (v.dtypes ?? 'fp32,fp16,int8,q4').split(',');
  const work = v.work ?? '/tmp/paliscope-bench';
  const ck = join(work, `${preset}-L${layers}`);
  const results: Record<string, unknown>[] = [];
  if (!existsSync(join(ck, 'config.json'))) {
    const f = child(['fixture', '--preset', preset, '--layers', layers, '--ck', ck]);
    results.push({ step: 'fixture', preset, layers: Number(layers), seconds: f.seconds, maxRssMB: f.maxRssMB, bytes: dirBytes(ck) });
    console.log(`fixture ${preset} L${layers}: ${f.seconds.toFixed(1)} s, peak RSS ${f.maxRssMB.toFixed(0)} MB, ${(dirBytes(ck) / 1e9).toFixed(2)} GB`);
  }
  for (const dtype of dtypes) {
    const out = join(work, `${preset}-L${layers}-${dtype}`);
    rmSync(out, { recursive: true, force: true });
    const c = child(['convert', '--ck', ck, '--out', out, '--dtype', dtype]);
    const row: Record<string, unknown> = { step: 'convert', preset, layers: Number(layers), dtype, seconds: c.seconds, maxRssMB: c.maxRssMB, outputBytes: dirBytes(out) };
    console.log(`convert ${dtype}: ${c.seconds.toFixed(1)} s, peak RSS ${c.maxRssMB.toFixed(0)} MB, output ${(dirBytes(out) / 1e9).toFixed(2)} GB`);
    if (v.check) {
      const k = child(['check', '--out', out]);
      row.check = { ...k.extra, maxRssMB: k.maxRssMB };
      console.log(`  decoder load ${(k.extra!.loadSeconds as number).toFixed(1)} s, 8-token prefill ${(k.extra!.prefill8Seconds as number).toFixed(2)} s, RSS ${k.maxRssMB.toFixed(0)} MB, logits ${JSON.stringify(k.extra!.logitsDims)} finite=${String(k.extra!.finite)}`);
    }
    results.push(row);
    if (!v.keep) rmSync(out, { recursive: true, force: true });
  }
  const file = v.out ?? join(dirname(self), 'results.json');
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 1) + '\n');
  console.log(`wrote ${file}`);
}

await main();
