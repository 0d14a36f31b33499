// transformers.js vs Paliscope on the same random-weight PaliGemma 2 model, side by side (npm run bench:vlm).
//   npx tsx bench/vlm/run.ts [--layers 4] [--dtype q4|fp32] [--tokens 32] [--repeats 3] [--threads N] [--skip-generate]
//                            [--preset paligemma2-3b-224] [--engines tjs-oc,paliscope-oc,paliscope] [--out FILE]
// 1. Writes a checkpoint at real PaliGemma 2 3B-224 widths with --layers decoder and vision layers (models/onnx
//    fixture writer) and converts it to the onnx-community layout and to Paliscope's own, once: the models live in
//    .cache/bench-vlm/ (gitignored) and are reused while their stamp matches (preset, layers, dtype, layout and the
//    last commit that touched models/onnx or the fixture's seeded generator, so a converter change is measured, not a
//    stale file). --skip-generate never converts: it fails if a stamp is missing or stale.
// 2. Measures this machine's memory read bandwidth in-process (bandwidth.ts).
// 3. Runs each engine in its own child process (one.ts) — load, then two prompts on the same image — so each engine's
//    peak RSS is its own. Children run one after another, never concurrently, to keep the shared cores usable;
//    --repeats rounds round-robin, reported as medians, best round and CPU time (the cores are shared and noisy).
// 4. Prints a markdown table (absolute numbers and ratios vs transformers.js, goals met/unmet) and writes the JSON to
//    bench/vlm/results/<date>-<dtype>-L<layers>.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureBandwidth, type Bandwidth } from './bandwidth';
import { ENGINES, ENGINE_LABEL, modelRoot, ocDir, ownDir, type ChildReport, type Dtype, type EngineName, type PromptReport } from './common';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

const { values: a } = parseArgs({
  options: {
    preset: { type: 'string', default: 'paligemma2-3b-224' }, layers: { type: 'string', default: '4' },
    dtype: { type: 'string', default: 'q4' }, tokens: { type: 'string', default: '32' },
    threads: { type: 'string', default: String(availableParallelism()) }, 'skip-generate': { type: 'boolean', default: false },
    engines: { type: 'string', default: ENGINES.join(',') }, repeats: { type: 'string', default: '3' }, out: { type: 'string' },
  },
});
const preset = a.preset, layers = Number(a.layers), tokens = Number(a.tokens), threads = Number(a.threads);
const dtype = a.dtype as Dtype;
if (dtype !== 'q4' && dtype !== 'fp32') throw new Error(`--dtype ${a.dtype}: expected q4 or fp32`);
if (!Number.isInteger(layers) || layers < 1) throw new Error(`--layers ${a.layers}: expected a positive integer`);
if (!Number.isInteger(tokens) || tokens < 2) throw new Error(`--tokens ${a.tokens}: expected an integer ≥ 2 (decode rate needs two tokens)`);
const repeats = Number(a.repeats);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats ${a.repeats}: expected a positive integer`);
const engines = a.engines.split(',') as EngineName[];
for (const e of engines) if (!ENGINES.includes(e)) throw new Error(`--engines: ${e} is not one of ${ENGINES.join(', ')}`);

const log = (m: string) => process.stderr.write(`[bench:vlm] ${m}\n`);
const fmtLoad = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loadStart = fmtLoad();
const started = new Date();

// ---- 1. models, generated once ----------------------------------------------------------------------------------
const root = modelRoot(repo, preset, layers);
const ck = join(root, 'checkpoint');
function converterRev(): string {
  try { return execFileSync('git', ['log', '-1', '--format=%H', '--', 'models/onnx', 'models/runtime/sampler.ts'], { cwd: repo, encoding: 'utf8' }).trim() || 'unknown'; } catch { return 'unknown'; }
}
const rev = converterRev();
const stampOk = (file: string, want: object) => existsSync(file) && readFileSync(file, 'utf8') === JSON.stringify(want);

async function ensureModels(): Promise<void> {
  const skip = a['skip-generate'];
  const need = (what: string) => { if (skip) throw new Error(`--skip-generate: ${what} is missing or stale in ${root}; run once without it`); };
  const ckStamp = { preset, layers, rev };
  if (!stampOk(join(ck, '.bench-stamp'), ckStamp)) {
    need('the checkpoint');
    const { writeFixture } = await import('../../models/onnx/fixture');
    rmSync(ck, { recursive: true, force: true });
    const t = performance.now();
    writeFixture({ preset: preset as 'paligemma2-3b-224', outDir: ck, layers });
    writeFileSync(join(ck, '.bench-stamp'), JSON.stringify(ckStamp));
    log(`fixture ${preset} L${layers}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  for (const layout of ['onnx-community', 'paliscope'] as const) {
    const out = layout === 'paliscope' ? ownDir(root, dtype) : ocDir(root);
    const stampFile = join(out, `.bench-stamp-${dtype}`);
    const want = { ...ckStamp, layout, dtype };
    if (stampOk(stampFile, want)) continue;
    need(`the ${layout} ${dtype} conversion`);
    const { convertCheckpoint } = await import('../../models/onnx/convert/convert');
    // The paliscope folder holds one dtype; the onnx-community one collects several side by side (suffixes differ).
    if (layout === 'paliscope') rmSync(out, { recursive: true, force: true });
    const t = performance.now();
    await convertCheckpoint({ checkpointDir: ck, outDir: out, dtype, layout });
    writeFileSync(stampFile, JSON.stringify(want));
    log(`convert ${layout} ${dtype}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const img = join(root, 'page.png');
  if (!existsSync(img)) {
    const { testImagePng } = await import('../../models/paligemma/test-images');
    writeFileSync(img, await testImagePng('photo'));
  }
}
await ensureModels();
const imagePath = join(root, 'page.png');

// ---- 2. bandwidth -------------------------------------------------------------------------------------------------
log('measuring memory bandwidth');
const bw: Bandwidth = await measureBandwidth({ threads });
const bandwidthGBs = Math.max(bw.singleThreadGBs, bw.multiThreadGBs);

// ---- 3. engines, one child each --------------------------------------------------------------------------------------
function runChild(engine: EngineName): ChildReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'one.ts'), engine, '--root', root, '--image', imagePath, '--dtype', dtype, '--tokens', String(tokens), '--threads', String(threads)],
    { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as ChildReport;
  } catch {
    // A crash (native abort, OOM kill) leaves no JSON: keep the exit status and stderr tail as the error text.
    return { engine, dtype, threads, loadMs: 0, decoderFiles: [], prompts: [], peakRssBytes: 0, peakRssSource: 'VmHWM', sampledPeakRssBytes: 0, cpuMs: 0,
      error: `child exited with status ${r.status} signal ${r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-8).join('\n')}` };
  }
}
// Round-robin over the engines, `repeats` rounds: load from other jobs on the shared cores then hits every engine alike,
// and the medians below drop the worst-hit round.
const runs = new Map<EngineName, ChildReport[]>(engines.map((e) => [e, []]));
for (let round = 0; round < repeats; round++) {
  for (const engine of [...engines]) {
    const t = performance.now();
    const loadBefore = loadavg()[0]!;
    const rep = { ...runChild(engine), loadAverage1mBefore: loadBefore };
    log(`round ${round + 1}/${repeats} ${engine}: ${rep.error ? `FAILED: ${rep.error.split('\n')[0]}` : 'ok'} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    runs.get(engine)!.push(rep);
    // An engine that cannot load the files will not load them next round either.
    if (rep.error) engines.splice(engines.indexOf(engine), 1);
  }
}
const median = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
/**
 * Per engine over the successful rounds: 'median' of every timing, or the 'best' round per figure (shortest time,
 * highest tok/s). Other jobs only ever slow a run down, so the best round is the least disturbed one; the median is
 * the headline. Peak RSS is the largest of the rounds in both (memory does not get better by luck).
 */
function aggregate(kind: 'median' | 'best'): ChildReport[] {
  return [...runs.values()].map((reps) => {
    const ok = reps.filter((r) => !r.error);
    if (ok.length === 0) return reps[0]!;
    const first = ok[0]!;
    const time = (get: (r: ChildReport) => number) => (kind === 'median' ? median(ok.map(get)) : Math.min(...ok.map(get)));
    const rate = (get: (r: ChildReport) => number) => (kind === 'median' ? median(ok.map(get)) : Math.max(...ok.map(get)));
    return {
      ...first,
      loadMs: time((r) => r.loadMs), cpuMs: time((r) => r.cpuMs),
      peakRssBytes: Math.max(...ok.map((r) => r.peakRssBytes)),
      sampledPeakRssBytes: Math.max(...ok.map((r) => r.sampledPeakRssBytes)),
      prompts: first.prompts.map((p, i) => ({
        ...p,
        preprocessMs: time((r) => r.prompts[i]!.preprocessMs), visionMs: time((r) => r.prompts[i]!.visionMs), prefillMs: time((r) => r.prompts[i]!.prefillMs),
        timeToFirstTokenMs: time((r) => r.prompts[i]!.timeToFirstTokenMs), decodeTokensPerSecond: rate((r) => r.prompts[i]!.decodeTokensPerSecond),
        totalMs: time((r) => r.prompts[i]!.totalMs), cpuMs: time((r) => r.prompts[i]!.cpuMs),
        cpuToFirstTokenMs: time((r) => r.prompts[i]!.cpuToFirstTokenMs), decodeCpuMsPerToken: time((r) => r.prompts[i]!.decodeCpuMsPerToken),
      })),
    };
  });
}
const reports = aggregate('median');
const bestReports = aggregate('best');
const loadEnd = fmtLoad();

// ---- 4. derived figures, table, JSON -----------------------------------------------------------------------------------
const cfg = JSON.parse(readFileSync(join(ocDir(root), 'config.json'), 'utf8')) as { text_config: { num_hidden_layers: number; num_key_value_heads: number; head_dim: number } };
const tc = cfg.text_config;
/** fp32 K and V of one token over all layers (both layouts keep the cache in float32). */
const kvBytesPerPosition = tc.num_hidden_layers * 2 * tc.num_key_value_heads * tc.head_dim * 4;
const fileBytes = (files: string[]) => files.reduce((s, f) => s + statSync(f).size, 0);

interface Row {
  engine: EngineName; prompt: number; r: PromptReport; peakRssBytes: number;
  /** Decoder weight bytes + the average KV cache read per decode step of this prompt. */
  bytesPerToken: number; ceilingTps: number; percentOfCeiling: number;
}
function toRows(reps: ChildReport[]): Row[] {
  const rows: Row[] = [];
  for (const rep of reps) {
    if (rep.error) continue;
    const weights = fileBytes(rep.decoderFiles);
    rep.prompts.forEach((r, i) => {
      // Step k (k = 1 … tokens−1) attends over promptTokens + k cached positions; use their mean.
      const meanPositions = r.promptTokens + tokens / 2;
      const bytesPerToken = weights + kvBytesPerPosition * meanPositions;
      const ceilingTps = (bandwidthGBs * 1e9) / bytesPerToken;
      rows.push({ engine: rep.engine, prompt: i, r, peakRssBytes: rep.peakRssBytes, bytesPerToken, ceilingTps, percentOfCeiling: (100 * r.decodeTokensPerSecond) / ceilingTps });
    });
  }
  return rows;
}
const rows = toRows(reports);
const finder = (rs: Row[]) => (e: EngineName, p: number) => rs.find((x) => x.engine === e && x.prompt === p);
const find = finder(rows);
const ratio = (x: number | undefined, y: number | undefined) => (x !== undefined && y !== undefined && y > 0 ? x / y : undefined);
const f = (x: number | undefined, d = 0) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const fx = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(2)}×`);
/** Decode rate over both prompts together (more steps, less noise than either prompt alone). */
function decodeTps(rs: Row[], e: EngineName): number | undefined {
  const mine = rs.filter((x) => x.engine === e);
  if (mine.length === 0) return undefined;
  const steps = mine.reduce((s, x) => s + x.r.tokens - 1, 0);
  const secs = mine.reduce((s, x) => s + (x.r.tokens - 1) / x.r.decodeTokensPerSecond, 0);
  return steps / secs;
}
const tjsOk = !!find('tjs-oc', 0);

const table = [
  '| engine | prompt | tokens (prompt+new) | preprocess ms | vision ms | prefill ms | TTFT ms | TTFT × tjs | decode tok/s | tok/s × tjs | ceiling tok/s | % of ceiling | peak RSS MB | RSS × tjs |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((x) => {
    const base = find('tjs-oc', x.prompt);
    return `| ${ENGINE_LABEL[x.engine]} | ${x.prompt + 1}: \`${x.r.prompt}\` | ${x.r.promptTokens}+${x.r.tokens} | ${f(x.r.preprocessMs)} | ${f(x.r.visionMs)} | ${f(x.r.prefillMs)} | ${f(x.r.timeToFirstTokenMs)} | ${fx(ratio(x.r.timeToFirstTokenMs, base?.r.timeToFirstTokenMs))} | ${f(x.r.decodeTokensPerSecond, 1)} | ${fx(ratio(x.r.decodeTokensPerSecond, base?.r.decodeTokensPerSecond))} | ${f(x.ceilingTps, 1)} | ${f(x.percentOfCeiling, 1)} % | ${f(x.peakRssBytes / 1e6)} | ${fx(ratio(x.peakRssBytes, base?.peakRssBytes))} |`;
  }),
];

const cpuTable = [
  '| engine | prompt | CPU to first token ms | × tjs | decode CPU ms / token | × tjs | prompt CPU s |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((x) => {
    const base = find('tjs-oc', x.prompt);
    return `| ${ENGINE_LABEL[x.engine]} | ${x.prompt + 1} | ${f(x.r.cpuToFirstTokenMs)} | ${fx(ratio(x.r.cpuToFirstTokenMs, base?.r.cpuToFirstTokenMs))} | ${f(x.r.decodeCpuMsPerToken, 1)} | ${fx(ratio(x.r.decodeCpuMsPerToken, base?.r.decodeCpuMsPerToken))} | ${f(x.r.cpuMs / 1000, 2)} |`;
  }),
];

interface Goal { goal: string; measured: string; met: boolean | null }
const goal = (name: string, value: number | undefined, bound: number, dir: '≥' | '≤', unit: string, na?: string): Goal => ({
  goal: `${name} ${dir} ${bound}${unit}`,
  measured: value === undefined ? (na ?? 'n/a') : `${value.toFixed(2)}${unit}`,
  met: value === undefined ? null : dir === '≥' ? value >= bound : value <= bound,
});
const tjsNa = tjsOk ? undefined : 'not evaluable: transformers.js did not run';
function goalsFor(rs: Row[]): Goal[] {
  const at = finder(rs);
  const own0 = at('paliscope', 0), own1 = at('paliscope', 1), tjs0 = at('tjs-oc', 0), tjs1 = at('tjs-oc', 1);
  const ownTps = decodeTps(rs, 'paliscope'), tjsTps = decodeTps(rs, 'tjs-oc');
  return [
    goal('decode tok/s, Paliscope ÷ transformers.js, same onnx-community files', ratio(decodeTps(rs, 'paliscope-oc'), tjsTps), 1.1, '≥', '×', tjsNa),
    goal('decode tok/s, Paliscope own layout ÷ transformers.js', ratio(ownTps, tjsTps), 1.1, '≥', '×', tjsNa),
    dtype === 'q4'
      ? goal('decode, Paliscope q4 own layout, % of bandwidth ceiling', own0 && own1 && ownTps ? (100 * ownTps) / ((own0.ceilingTps + own1.ceilingTps) / 2) : undefined, 70, '≥', ' %')
      : { goal: 'decode, Paliscope q4 own layout, % of bandwidth ceiling ≥ 70 %', measured: `not evaluated (this run is ${dtype})`, met: null },
    goal('first-prompt TTFT, Paliscope own layout ÷ transformers.js', ratio(own0?.r.timeToFirstTokenMs, tjs0?.r.timeToFirstTokenMs), 0.6, '≤', '×', tjsNa),
    goal('second prompt (same image) TTFT, Paliscope own layout ÷ transformers.js', ratio(own1?.r.timeToFirstTokenMs, tjs1?.r.timeToFirstTokenMs), 0.2, '≤', '×', tjsNa),
    goal('peak RSS, Paliscope own layout ÷ transformers.js', ratio(own0?.peakRssBytes, tjs0?.peakRssBytes), 0.7, '≤', '×', tjsNa),
  ];
}
/** The time goals again on CPU time (medians): decode as CPU ms per token (inverse of tok/s), TTFT as CPU to first token. */
function cpuGoals(rs: Row[]): (Goal | null)[] {
  const at = finder(rs);
  const meanDecodeCpu = (e: EngineName) => { const m = rs.filter((x) => x.engine === e); return m.length ? m.reduce((s, x) => s + x.r.decodeCpuMsPerToken, 0) / m.length : undefined; };
  const inv = (x: number | undefined) => (x === undefined ? undefined : 1 / x);
  const g = (i: number, v: number | undefined, bound: number, dir: '≥' | '≤') => goal(goals[i]!.goal, v, bound, dir, '×', tjsNa);
  return [
    g(0, inv(ratio(meanDecodeCpu('paliscope-oc'), meanDecodeCpu('tjs-oc'))), 1.1, '≥'),
    g(1, inv(ratio(meanDecodeCpu('paliscope'), meanDecodeCpu('tjs-oc'))), 1.1, '≥'),
    null,
    g(3, ratio(at('paliscope', 0)?.r.cpuToFirstTokenMs, at('tjs-oc', 0)?.r.cpuToFirstTokenMs), 0.6, '≤'),
    g(4, ratio(at('paliscope', 1)?.r.cpuToFirstTokenMs, at('tjs-oc', 1)?.r.cpuToFirstTokenMs), 0.2, '≤'),
    null,
  ];
}
const goals = goalsFor(rows);
const bestGoals = goalsFor(toRows(bestReports));
const cpuBased = cpuGoals(rows);
const verdict = (g: Goal | null) => (!g || g.met === null ? '—' : g.met ? 'MET' : 'NOT MET');
const goalTable = [
  `| goal | wall, medians of ${repeats} rounds | met | wall, best round per engine | met | CPU time, medians (speed ratio) | met |`, '|---|---|---|---|---|---|---|',
  ...goals.map((g, i) => `| ${g.goal} | ${g.measured} | ${verdict(g)} | ${bestGoals[i]!.measured} | ${verdict(bestGoals[i]!)} | ${cpuBased[i]?.measured ?? '—'} | ${verdict(cpuBased[i] ?? null)} |`),
];

// Same files and greedy decoding: the onnx-community engines should pick the same tokens (a check that both did the same work).
const sameIds = (e: EngineName, p: number) => {
  const x = find(e, p), y = find('tjs-oc', p);
  return x && y ? (JSON.stringify(x.r.ids) === JSON.stringify(y.r.ids) ? 'same' : 'different') : 'n/a';
};
const notes = [
  `${preset}, ${layers} decoder + ${layers} vision layers (random weights), ${dtype}, ${tokens} new tokens per prompt (eos disabled), greedy, ${threads} intra-op threads for every session; image 640×480 PNG resized to 224.`,
  `Each engine in its own child process (load, prompt 1, prompt 2 on the same image; cold first prompt, no warm-up), engines one after another, ${repeats} round(s) round-robin (${[...runs.keys()].join(' → ')}); timings are medians over the rounds, peak RSS the largest.`,
  `CPU time (user+sys, whole child incl. load; median): ${reports.map((r) => `${r.engine} ${f(r.cpuMs / 1000, 1)} s`).join(', ')} (includes onnxruntime's spin-waiting: neither engine turns it off).`,
  `Peak RSS: ${reports[0]?.peakRssSource ?? 'VmHWM'} of the child (whole process, model load included); sampled rss max (20 ms) per engine: ${reports.map((r) => `${r.engine} ${f(r.sampledPeakRssBytes / 1e6)} MB`).join(', ')}.`,
  `Load (session creation): ${reports.map((r) => `${r.engine} ${f(r.loadMs)} ms`).join(', ')}.`,
  `Memory read bandwidth (memcmp over ${(bw.bytesPerPass / 2 ** 30).toFixed(0)} GiB, best of ${bw.reps}): 1 thread ${bw.singleThreadGBs.toFixed(1)} GB/s, ${bw.threads} threads ${bw.multiThreadGBs.toFixed(1)} GB/s; ceiling uses ${bandwidthGBs.toFixed(1)} GB/s.`,
  `Bytes per decoded token = decoder graph file bytes (${reports.filter((r) => !r.error).map((r) => `${r.engine} ${(fileBytes(r.decoderFiles) / 1e6).toFixed(0)} MB`).join(', ')}) + fp32 KV read (${(kvBytesPerPosition / 1e3).toFixed(1)} kB per position × mean positions).`,
  `Greedy tokens vs transformers.js: Paliscope onnx-community layout prompt 1 ${sameIds('paliscope-oc', 0)}, prompt 2 ${sameIds('paliscope-oc', 1)}; own layout prompt 1 ${sameIds('paliscope', 0)}, prompt 2 ${sameIds('paliscope', 1)}.`,
  `Load average (1/5/15 min): start ${loadStart}, end ${loadEnd}. Node ${process.version}.`,
  ...reports.filter((r) => r.error).map((r) => `**${ENGINE_LABEL[r.engine]} failed:** \`${r.error!.replace(/\n/g, ' ⏎ ')}\``),
];
process.stdout.write(`${table.join('\n')}\n\n${cpuTable.join('\n')}\n\n${goalTable.join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);

const outFile = a.out ?? join(here, 'results', `${started.toISOString().slice(0, 10)}-${dtype}-L${layers}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify({
  date: started.toISOString(), node: process.version, loadAverage: { start: loadStart, end: loadEnd }, preset, layers, dtype, tokens, threads, repeats,
  bandwidth: bw, bandwidthGBs, kvBytesPerPosition, converterRev: rev, medians: reports, best: bestReports, rounds: Object.fromEntries(runs), goals, bestGoals, cpuGoals: cpuBased,
  rows: rows.map((x) => ({ engine: x.engine, prompt: x.prompt, bytesPerToken: x.bytesPerToken, ceilingTps: x.ceilingTps, percentOfCeiling: x.percentOfCeiling })),
}, null, 1) + '\n');
log(`wrote ${outFile}`);
// Models stay in .cache/bench-vlm for the next run; list them so their size is visible.
log(`models in ${root}: ${readdirSync(root).join(', ')}`);
