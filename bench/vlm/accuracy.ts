// Accuracy vs speed of the converter's variants (npm run bench:accuracy): fp32 (plain ops and fused), q4 with fp32
// compute ('precise') and with int8 activations ('fast') at blocks 32/64/128, and int8 (DynamicQuantizeMatMul, the
// paliscope default, and DequantizeLinear → MatMul), each run through the engine.
//   npx tsx bench/vlm/accuracy.ts [--preset tiny] [--seeds 4] [--tokens 16] [--layers N] [--cache DIR] [--variants a,b]
// Baseline: the float64 reference forward pass (models/onnx/reference) for the tiny presets; at real widths that pass
// is too slow for whole generations, so the fp32 graph is the baseline there (it matches the float64 reference to
// 4.5e-6 on the logits at real widths, models/onnx/README.md).
// Per variant: greedy ids equal to the baseline (runs fully equal, and tokens before the first divergence over all
// tokens), max |Δlogprob| of the chosen tokens while the contexts are still equal, prefill ms and decode tok/s.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { convertCheckpoint, type Compute, type ConvertOptions } from '../../models/onnx/convert/convert';
import { writeFixture, type PresetName } from '../../models/onnx/fixture';
import { loadRefWeights } from '../../models/onnx/reference/weights';
import { createPaliGemma } from '../../models/paligemma/engine';
import { preprocessImage } from '../../models/paligemma/preprocess';
import { referenceGreedy } from '../../models/paligemma/reference-greedy';
import { testImagePng } from '../../models/paligemma/test-images';

const { values: a } = parseArgs({
  options: {
    preset: { type: 'string', default: 'tiny' }, seeds: { type: 'string', default: '4' }, tokens: { type: 'string', default: '16' },
    layers: { type: 'string' }, cache: { type: 'string', default: process.env.PALISCOPE_BENCH_CACHE ?? join(process.cwd(), '.cache', 'bench-accuracy') },
    variants: { type: 'string' }, threads: { type: 'string', default: String(availableParallelism()) },
  },
});
const preset = a.preset as PresetName;
const tiny = preset.startsWith('tiny');
const seeds = Number(a.seeds), tokens = Number(a.tokens), threads = Number(a.threads);
const layers = a.layers === undefined ? undefined : Number(a.layers);
const log = (m: string) => process.stderr.write(`[bench:accuracy] ${m}\n`);

interface Variant { name: string; opts: Partial<ConvertOptions> }
const q4 = (compute: Compute, block: number): Variant => ({ name: `q4 ${compute} b${block}`, opts: { dtype: 'q4', compute, q4Block: block } });
const ALL: Variant[] = [
  { name: 'fp32 plain', opts: { dtype: 'fp32', decoderOps: 'plain' } },
  { name: 'fp32 fused', opts: { dtype: 'fp32' } },
  q4('precise', 32), q4('precise', 64), q4('precise', 128),
  q4('fast', 32), q4('fast', 64), q4('fast', 128),
  { name: 'int8', opts: { dtype: 'int8' } },
  { name: 'int8 dequantize', opts: { dtype: 'int8', int8Kernel: 'dequantize' } },
];
const variants = a.variants ? ALL.filter((v) => a.variants!.split(',').includes(v.name.replace(/ /g, '-'))) : ALL;
const PROMPTS = ['caption en', 'answer en what is written here', 'ocr'];

interface Run { ids: number[]; logprobs: number[]; prefillMs: number; decodeTps: number | null }
interface Stats { equalRuns: number; runs: number; agreedTokens: number; tokens: number; maxDlogprob: number; prefillMs: number[]; decodeTps: number[] }

function compare(s: Stats, base: { ids: number[]; logprobs: number[] }, r: Run): void {
  s.runs++;
  s.tokens += base.ids.length;
  let k = 0;
  while (k < base.ids.length && r.ids[k] === base.ids[k]) {
    // Token k was chosen from the same context in both runs: its log-probability is comparable.
    s.maxDlogprob = Math.max(s.maxDlogprob, Math.abs(r.logprobs[k]! - base.logprobs[k]!));
    k++;
  }
  s.agreedTokens += k;
  if (k === base.ids.length && r.ids.length === base.ids.length) s.equalRuns++;
  s.prefillMs.push(r.prefillMs);
  if (r.decodeTps !== null) s.decodeTps.push(r.decodeTps);
}

const median = (xs: number[]) => { if (xs.length === 0) return NaN; const s = [...xs].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const image = await testImagePng('photo');
const newStats = (): Stats => ({ equalRuns: 0, runs: 0, agreedTokens: 0, tokens: 0, maxDlogprob: 0, prefillMs: [], decodeTps: [] });
const stats = new Map<string, Stats>(variants.map((v) => [v.name, newStats()]));
/** q4 'fast' against 'precise' at the same block: the error of the int8 activations alone (same 4-bit weights). */
const vsPrecise = new Map<string, Stats>(variants.filter((v) => v.opts.compute === 'fast').map((v) => [v.name, newStats()]));
const started = new Date();
const loadStart = loadavg().map((x) => x.toFixed(2)).join(' ');
const seedList = tiny ? Array.from({ length: seeds }, (_, i) => 100 + i) : [100];

for (const seed of seedList) {
  const root = join(a.cache, `${preset}${layers ? `-L${layers}` : ''}-s${seed}`);
  const ck = join(root, 'checkpoint');
  if (!existsSync(join(ck, 'config.json'))) {
    rmSync(ck, { recursive: true, force: true });
    writeFixture({ preset, outDir: ck, seed, layers });
    log(`fixture ${preset} seed ${seed} written`);
  }
  // Baseline per prompt: float64 greedy (tiny) or the fp32 graph's greedy run (real widths).
  const baseline = new Map<string, { ids: number[]; logprobs: number[] }>();
  const convert = async (v: Variant) => {
    const dir = join(root, v.name.replace(/ /g, '-'));
    const stamp = join(dir, '.stamp');
    const want = JSON.stringify(v.opts);
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const t = performance.now();
      await convertCheckpoint({ checkpointDir: ck, outDir: dir, ...v.opts });
      writeFileSync(stamp, want);
      log(`convert ${v.name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    return dir;
  };
  const generate = async (dir: string): Promise<Map<string, Run>> => {
    const e = await createPaliGemma({ modelDir: dir, prefs: { providers: ['cpu'], threads } });
    const out = new Map<string, Run>();
    try {
      for (const prompt of PROMPTS) {
        const r = await e.generate({ image, prompt, maxNewTokens: tokens, eosIds: [-1] });
        out.set(prompt, { ids: r.ids, logprobs: r.logprobs, prefillMs: r.timings.prefillMs, decodeTps: r.timings.decodeTokensPerSecond });
      }
    } finally { await e.dispose(); }
    return out;
  };
  if (tiny) {
    const w = await loadRefWeights(ck);
    const probe = await createPaliGemma({ modelDir: await convert(ALL[0]!), prefs: { providers: ['cpu'], threads: 1 } });
    const px = await preprocessImage(image, { size: probe.config.imageSize });
    for (const prompt of PROMPTS) {
      const p = probe.tokenizer.buildPrompt(prompt, probe.config.numImageTokens);
      baseline.set(prompt, referenceGreedy(w, probe.config.spec, px.pixels, p.ids, { maxNewTokens: tokens, eosIds: [-1], vocabLimit: probe.config.vocabLimit }));
    }
    await probe.dispose();
  } else {
    for (const [prompt, r] of await generate(await convert(ALL[0]!))) baseline.set(prompt, r);
  }
  const results = new Map<string, Map<string, Run>>();
  for (const v of variants) {
    const runs = await generate(await convert(v));
    results.set(v.name, runs);
    for (const prompt of PROMPTS) compare(stats.get(v.name)!, baseline.get(prompt)!, runs.get(prompt)!);
    const precise = results.get(v.name.replace('fast', 'precise'));
    if (v.opts.compute === 'fast' && precise) for (const prompt of PROMPTS) compare(vsPrecise.get(v.name)!, precise.get(prompt)!, runs.get(prompt)!);
    log(`seed ${seed} ${v.name}: done`);
  }
}

const baseName = tiny ? 'float64 reference' : 'fp32 graph';
const lines = [
  `| variant | greedy runs equal to the ${baseName} | tokens before first divergence | max \\|Δlogprob\\| (same context) | vs q4 precise, same block: runs equal / max \\|Δlogprob\\| | prefill ms (median) | decode tok/s (median) |`,
  '|---|---|---|---|---|---|---|',
  ...variants.map((v) => {
    const s = stats.get(v.name)!;
    const p = vsPrecise.get(v.name);
    const pc = p && p.runs > 0 ? `${p.equalRuns}/${p.runs} / ${p.maxDlogprob.toExponential(1)}` : '—';
    return `| ${v.name} | ${s.equalRuns}/${s.runs} | ${s.agreedTokens}/${s.tokens} (${((100 * s.agreedTokens) / s.tokens).toFixed(0)} %) | ${s.maxDlogprob.toExponential(1)} | ${pc} | ${median(s.prefillMs).toFixed(0)} | ${median(s.decodeTps).toFixed(1)} |`;
  }),
];
const notes = [
  `${preset}${layers ? `, ${layers} layers` : ''}, random weights, ${seedList.length} seed(s) × ${PROMPTS.length} prompts × ${tokens} greedy tokens (eos disabled), ${threads} threads, paliscope layout.`,
  `Load average (1/5/15 min): start ${loadStart}, end ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${started.toISOString()}.`,
];
process.stdout.write(`${lines.join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
