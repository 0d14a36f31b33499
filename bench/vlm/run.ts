// transformers.js vs Paliscope on the same random-weight PaliGemma 2 3B model at full depth, side by side, at 224 and
// 448 px (npm run bench:vlm).
//   npx tsx bench/vlm/run.ts [--layers 26] [--resolutions 224,448] [--dtype q4|fp32] [--tokens 32] [--repeats 1]
//        [--threads N] [--cache DIR] [--skip-generate] [--engines tjs-oc,paliscope-oc,paliscope,paliscope-int8] [--out-dir DIR]
// 1. Writes a checkpoint at real PaliGemma 2 3B widths with --layers decoder and vision layers (models/onnx fixture
//    writer) per resolution and converts it to the onnx-community layout and to Paliscope's own, once: the models are
//    cached in --cache (default $PALISCOPE_BENCH_CACHE, else .cache/bench-vlm, gitignored) and reused while their
//    stamps match (bench/vlm/models.ts). --skip-generate never converts: it fails if a stamp is missing or stale.
// 2. Measures this machine's ceilings in-process: memory read bandwidth (bandwidth.ts) and the 4-bit matrix kernels'
//    rates with fp32 and int8 activations (ceiling.ts).
// 3. Per resolution, runs each engine in its own child process (one.ts) — load, then two prompts on the same image —
//    so each engine's peak RSS is its own. Children run one after another, never concurrently, to keep the shared
//    cores usable; --repeats rounds round-robin, reported as medians, best round and CPU time (noisy shared cores).
// 4. Prints markdown tables per resolution (absolute numbers and ratios vs transformers.js, goals met/unmet), a
//    summary over both, and writes the JSON to bench/vlm/results/<date>-<HHMM UTC>-<dtype>-L<layers>-<res>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PresetName } from '../../models/onnx/fixture';
import { measureBandwidth, type Bandwidth } from './bandwidth';
import { measureCeilings, type CeilingRow } from './ceiling';
import { ENGINES, ENGINE_LABEL, ocDir, ownDir, type ChildReport, type Dtype, type EngineName, type PromptReport } from './common';
import { ensureModels } from './models';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

const { values: a } = parseArgs({
  options: {
    resolutions: { type: 'string', default: '224,448' }, layers: { type: 'string', default: '26' },
    dtype: { type: 'string', default: 'q4' }, tokens: { type: 'string', default: '32' },
    threads: { type: 'string', default: String(availableParallelism()) }, 'skip-generate': { type: 'boolean', default: false },
    engines: { type: 'string', default: ENGINES.join(',') }, repeats: { type: 'string', default: '1' }, 'out-dir': { type: 'string' },
    cache: { type: 'string', default: process.env.PALISCOPE_BENCH_CACHE ?? join(repo, '.cache', 'bench-vlm') },
  },
});
const layers = Number(a.layers), tokens = Number(a.tokens), threads = Number(a.threads);
const dtype = a.dtype as Dtype;
if (dtype !== 'q4' && dtype !== 'fp32') throw new Error(`--dtype ${a.dtype}: expected q4 or fp32`);
if (!Number.isInteger(layers) || layers < 1) throw new Error(`--layers ${a.layers}: expected a positive integer`);
if (!Number.isInteger(tokens) || tokens < 2) throw new Error(`--tokens ${a.tokens}: expected an integer ≥ 2 (decode rate needs two tokens)`);
const repeats = Number(a.repeats);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats ${a.repeats}: expected a positive integer`);
const resolutions = a.resolutions.split(',').map(Number);
for (const r of resolutions) if (![224, 448, 896].includes(r)) throw new Error(`--resolutions: ${r} is not one of 224, 448, 896`);
const allEngines = a.engines.split(',') as EngineName[];
for (const e of allEngines) if (!ENGINES.includes(e)) throw new Error(`--engines: ${e} is not one of ${ENGINES.join(', ')}`);

const log = (m: string) => process.stderr.write(`[bench:vlm] ${m}\n`);
const fmtLoad = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const runStart = fmtLoad();
const started = new Date();
const median = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

// ---- 1. models, generated once ------------------------------------------------------------------------------------
const roots = new Map<number, { root: string; converter: string }>();
for (const res of resolutions) {
  // Only the folders the chosen engines load (a full-depth conversion takes minutes).
  const layouts = [...new Set(allEngines.map((e) => (e === 'tjs-oc' || e === 'paliscope-oc' ? 'onnx-community' as const : e)))];
  roots.set(res, await ensureModels({ repo, cache: a.cache, preset: `paligemma2-3b-${res}` as PresetName, layers, dtype, layouts, skipGenerate: a['skip-generate'], log }));
}

// ---- 2. ceilings ----------------------------------------------------------------------------------------------------
log('measuring memory bandwidth and the 4-bit kernels');
const bw: Bandwidth = await measureBandwidth({ threads });
const bandwidthGBs = Math.max(bw.singleThreadGBs, bw.multiThreadGBs);
const ceilings: CeilingRow[] = await measureCeilings({ threads });

interface Summary { res: number; goals: Goal[]; bestGoals: Goal[]; cpuGoals: (Goal | null)[]; loadStart: string; loadEnd: string }
const summaries: Summary[] = [];
interface Goal { goal: string; measured: string; met: boolean | null }
for (const res of resolutions) {
  const { root, converter: rev } = roots.get(res)!;
  const preset = `paligemma2-3b-${res}`;
  const engines = [...allEngines];
  const loadStart = fmtLoad();
  const imagePath = join(root, 'page.png');
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
  // A converted folder's config.json (the converter adds text_config.head_dim, which the checkpoint's may lack).
  const cfgDir = [ocDir(root), ownDir(root, dtype), ownDir(root, 'int8')].find((d) => existsSync(join(d, 'config.json')))!;
  const cfg = JSON.parse(readFileSync(join(cfgDir, 'config.json'), 'utf8')) as { text_config: { num_hidden_layers: number; num_key_value_heads: number; head_dim: number } };
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
  // The own layout's decode ceiling from the int8-activation kernel rate at its block size (weights streamed once per
  // token; the KV read is small next to them at these lengths).
  const ownRep = reports.find((r) => r.engine === 'paliscope' && !r.error);
  const ownManifest = join(ownDir(root, dtype), 'paliscope.json');
  const ownBlock = existsSync(ownManifest) ? (JSON.parse(readFileSync(ownManifest, 'utf8')) as { q4_block: number }).q4_block : undefined;
  const ownKernel = ceilings.find((c) => c.block === ownBlock && c.accuracyLevel === 4);
  const int8CeilingTps = ownRep && ownKernel && dtype === 'q4' ? (ownKernel.decodeWeightGBs * 1e9) / fileBytes(ownRep.decoderFiles) : undefined;
  const ownTps = decodeTps(rows, 'paliscope');

  const table = [
    '| engine | prompt | tokens (prompt+new) | preprocess ms | vision ms | prefill ms | prefill tok/s | TTFT ms | TTFT × tjs | decode tok/s | tok/s × tjs | ceiling tok/s | % of ceiling | peak RSS MB | RSS × tjs |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((x) => {
      const base = find('tjs-oc', x.prompt);
      return `| ${ENGINE_LABEL[x.engine]} | ${x.prompt + 1}: \`${x.r.prompt}\` | ${x.r.promptTokens}+${x.r.tokens} | ${f(x.r.preprocessMs)} | ${f(x.r.visionMs)} | ${f(x.r.prefillMs)} | ${f((1000 * x.r.promptTokens) / x.r.prefillMs)} | ${f(x.r.timeToFirstTokenMs)} | ${fx(ratio(x.r.timeToFirstTokenMs, base?.r.timeToFirstTokenMs))} | ${f(x.r.decodeTokensPerSecond, 1)} | ${fx(ratio(x.r.decodeTokensPerSecond, base?.r.decodeTokensPerSecond))} | ${f(x.ceilingTps, 1)} | ${f(x.percentOfCeiling, 1)} % | ${f(x.peakRssBytes / 1e6)} | ${fx(ratio(x.peakRssBytes, base?.peakRssBytes))} |`;
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
      goal('decode tok/s, Paliscope own layout ÷ transformers.js', ratio(ownTps, tjsTps), 2, '≥', '×', tjsNa),
      dtype === 'q4'
        ? goal('decode, Paliscope q4 own layout, % of bandwidth ceiling', own0 && own1 && ownTps ? (100 * ownTps) / ((own0.ceilingTps + own1.ceilingTps) / 2) : undefined, 60, '≥', ' %')
        : { goal: 'decode, Paliscope q4 own layout, % of bandwidth ceiling ≥ 60 %', measured: `not evaluated (this run is ${dtype})`, met: null },
      goal('first-prompt TTFT, Paliscope own layout ÷ transformers.js', ratio(own0?.r.timeToFirstTokenMs, tjs0?.r.timeToFirstTokenMs), 0.4, '≤', '×', tjsNa),
      goal('second prompt (same image) TTFT, Paliscope own layout ÷ transformers.js', ratio(own1?.r.timeToFirstTokenMs, tjs1?.r.timeToFirstTokenMs), 0.4, '≤', '×', tjsNa),
      goal('peak RSS, Paliscope own layout ÷ transformers.js', ratio(own0?.peakRssBytes, tjs0?.peakRssBytes), 0.7, '≤', '×', tjsNa),
      // The int8 variant trades weight bytes (decode, RSS) for the faster prefill GEMM: the same goals, judged on it.
      goal('decode tok/s, Paliscope int8 ÷ transformers.js', ratio(decodeTps(rs, 'paliscope-int8'), tjsTps), 2, '≥', '×', tjsNa),
      goal('first-prompt TTFT, Paliscope int8 ÷ transformers.js', ratio(at('paliscope-int8', 0)?.r.timeToFirstTokenMs, tjs0?.r.timeToFirstTokenMs), 0.4, '≤', '×', tjsNa),
      goal('second prompt (same image) TTFT, Paliscope int8 ÷ transformers.js', ratio(at('paliscope-int8', 1)?.r.timeToFirstTokenMs, tjs1?.r.timeToFirstTokenMs), 0.4, '≤', '×', tjsNa),
      goal('peak RSS, Paliscope int8 ÷ transformers.js', ratio(at('paliscope-int8', 0)?.peakRssBytes, tjs0?.peakRssBytes), 0.7, '≤', '×', tjsNa),
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
      g(1, inv(ratio(meanDecodeCpu('paliscope'), meanDecodeCpu('tjs-oc'))), 2, '≥'),
      null,
      g(3, ratio(at('paliscope', 0)?.r.cpuToFirstTokenMs, at('tjs-oc', 0)?.r.cpuToFirstTokenMs), 0.4, '≤'),
      g(4, ratio(at('paliscope', 1)?.r.cpuToFirstTokenMs, at('tjs-oc', 1)?.r.cpuToFirstTokenMs), 0.4, '≤'),
      null,
      g(6, inv(ratio(meanDecodeCpu('paliscope-int8'), meanDecodeCpu('tjs-oc'))), 2, '≥'),
      g(7, ratio(at('paliscope-int8', 0)?.r.cpuToFirstTokenMs, at('tjs-oc', 0)?.r.cpuToFirstTokenMs), 0.4, '≤'),
      g(8, ratio(at('paliscope-int8', 1)?.r.cpuToFirstTokenMs, at('tjs-oc', 1)?.r.cpuToFirstTokenMs), 0.4, '≤'),
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
    `${preset}, ${layers} decoder + ${layers} vision layers (random weights), ${dtype}, ${tokens} new tokens per prompt (eos disabled), greedy, ${threads} intra-op threads for every session; image 640×480 PNG resized to ${res}.`,
    `Each engine in its own child process (load, prompt 1, prompt 2 on the same image; cold first prompt, no warm-up), engines one after another, ${repeats} round(s) round-robin (${[...runs.keys()].join(' → ')}); timings are medians over the rounds, peak RSS the largest.`,
    `CPU time (user+sys, whole child incl. load; median): ${reports.map((r) => `${r.engine} ${f(r.cpuMs / 1000, 1)} s`).join(', ')} (includes onnxruntime's spin-waiting: neither engine turns it off).`,
    `Peak RSS: ${reports[0]?.peakRssSource ?? 'VmHWM'} of the child (whole process, model load included); sampled rss max (20 ms) per engine: ${reports.map((r) => `${r.engine} ${f(r.sampledPeakRssBytes / 1e6)} MB`).join(', ')}.`,
    `Load (session creation): ${reports.map((r) => `${r.engine} ${f(r.loadMs)} ms`).join(', ')}.`,
    `4-bit kernel ceilings (one MatMulNBits 2304→9216, best of several runs, bench/vlm/ceiling.ts): ${ceilings.map((c) => `block ${c.block} ${c.accuracyLevel === 4 ? 'int8' : 'fp32'} activations ${c.decodeWeightGBs.toFixed(1)} GB/s of weights at 1 row, ${c.prefillGmacs.toFixed(1)} GMAC/s at 256 rows`).join('; ')}. Decode ceiling of the own layout from its int8 kernel (block ${ownBlock}): ${f(int8CeilingTps, 1)} tok/s (${ownTps === undefined || int8CeilingTps === undefined ? 'n/a' : `${((100 * ownTps) / int8CeilingTps).toFixed(0)} %`} reached).`,
    `Memory read bandwidth (memcmp over ${(bw.bytesPerPass / 2 ** 30).toFixed(0)} GiB, best of ${bw.reps}): 1 thread ${bw.singleThreadGBs.toFixed(1)} GB/s, ${bw.threads} threads ${bw.multiThreadGBs.toFixed(1)} GB/s; ceiling uses ${bandwidthGBs.toFixed(1)} GB/s.`,
    `Bytes per decoded token = decoder graph file bytes (${reports.filter((r) => !r.error).map((r) => `${r.engine} ${(fileBytes(r.decoderFiles) / 1e6).toFixed(0)} MB`).join(', ')}) + fp32 KV read (${(kvBytesPerPosition / 1e3).toFixed(1)} kB per position × mean positions).`,
    `Greedy tokens vs transformers.js: Paliscope onnx-community layout prompt 1 ${sameIds('paliscope-oc', 0)}, prompt 2 ${sameIds('paliscope-oc', 1)}; own layout prompt 1 ${sameIds('paliscope', 0)}, prompt 2 ${sameIds('paliscope', 1)}; own layout int8 prompt 1 ${sameIds('paliscope-int8', 0)}, prompt 2 ${sameIds('paliscope-int8', 1)}.`,
    `Load average (1/5/15 min): start ${loadStart}, end ${loadEnd}. Node ${process.version}.`,
    ...reports.filter((r) => r.error).map((r) => `**${ENGINE_LABEL[r.engine]} failed:** \`${r.error!.replace(/\n/g, ' ⏎ ')}\``),
  ];
  process.stdout.write(`${table.join('\n')}\n\n${cpuTable.join('\n')}\n\n${goalTable.join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);

  // Date and UTC start time in the name: a second run on the same day must not overwrite a recorded one.
  const stamp = `${started.toISOString().slice(0, 10)}-${started.toISOString().slice(11, 16).replace(':', '')}`;
  const outFile = join(a['out-dir'] ?? join(here, 'results'), `${stamp}-${dtype}-L${layers}-${res}.json`);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify({
    date: started.toISOString(), node: process.version, loadAverage: { start: loadStart, end: loadEnd }, preset, layers, dtype, tokens, threads, repeats,
    bandwidth: bw, bandwidthGBs, ceilings, int8CeilingTps, kvBytesPerPosition, converterRev: rev, medians: reports, best: bestReports, rounds: Object.fromEntries(runs), goals, bestGoals, cpuGoals: cpuBased,
    rows: rows.map((x) => ({ engine: x.engine, prompt: x.prompt, bytesPerToken: x.bytesPerToken, ceilingTps: x.ceilingTps, percentOfCeiling: x.percentOfCeiling })),
  }, null, 1) + '\n');
  log(`wrote ${outFile}`);
  // Models stay in .cache/bench-vlm for the next run; list them so their size is visible.
  log(`models in ${root}: ${readdirSync(root).join(', ')}`);
  summaries.push({ res, goals, bestGoals, cpuGoals: cpuBased, loadStart, loadEnd });

}

// ---- 5. both resolutions side by side ----------------------------------------------------------------------------
if (summaries.length > 0) {
  const verdict = (g: Goal | null | undefined) => (!g || g.met === null ? '—' : g.met ? 'MET' : 'NOT MET');
  const head = `| goal | ${summaries.map((x) => `${x.res} px: wall (median) | CPU time`).join(' | ')} |`;
  const sep = `|---|${summaries.map(() => '---|---').join('|')}|`;
  const body = summaries[0]!.goals.map((g, i) => `| ${g.goal} | ${summaries.map((x) => `${x.goals[i]!.measured} ${verdict(x.goals[i])} | ${x.cpuGoals[i] ? `${x.cpuGoals[i]!.measured} ${verdict(x.cpuGoals[i])}` : '—'}`).join(' | ')} |`);
  process.stdout.write(`\n### Summary (${layers} layers, ${dtype}, ${repeats} round(s); load average at start ${runStart}, end ${fmtLoad()})\n\n${[head, sep, ...body].join('\n')}\n`);
}
