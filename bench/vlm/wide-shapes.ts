// PaliGemma 2 10B and 28B widths, few layers: do the converter and the engine handle the wider decoders? Shapes only
// (random weights; the numbers say whether it runs and what it costs, not what it answers).
//   npx tsx bench/vlm/wide-shapes.ts [--presets paligemma2-10b-224,paligemma2-28b-224] [--layers 2] [--tokens 4]
//        [--threads N] [--cache DIR]
// Per preset, each stage in its own child process so that its peak RSS is its own:
//   1. checkpoint: writeFixture at the preset's widths with --layers decoder and vision layers (bf16, streamed);
//   2. convert: convertCheckpoint to Paliscope's layout at the converter's defaults for q4 (fused decoder, int8
//      activations, block 128) — the same cached folders and stamps as bench:vlm (models.ts), under --cache;
//   3. run: createPaliGemma on the converted folder, then greedy generation of --tokens tokens (eos disabled) on the
//      bench page image; checks that every id is inside the vocabulary and every log-probability finite.
// Prints widths, file sizes, wall and CPU time and peak RSS (VmHWM) per stage, load and token times.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PRESETS, type PresetName } from '../../models/onnx/fixture';
import { ownDir } from './common';
import { ensureModels, modelRoot } from './models';

const self = fileURLToPath(import.meta.url);
const repo = join(dirname(self), '..', '..');

const { values: a } = parseArgs({
  options: {
    presets: { type: 'string', default: 'paligemma2-10b-224,paligemma2-28b-224' }, layers: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '4' }, threads: { type: 'string', default: String(availableParallelism()) },
    cache: { type: 'string', default: process.env.PALISCOPE_BENCH_CACHE ?? join(repo, '.cache', 'bench-vlm') },
    child: { type: 'string' }, preset: { type: 'string' },
  },
});
const layers = Number(a.layers), tokens = Number(a.tokens), threads = Number(a.threads);
if (!Number.isInteger(layers) || layers < 1) throw new Error(`--layers ${a.layers}: expected a positive integer`);
if (!Number.isInteger(tokens) || tokens < 2) throw new Error(`--tokens ${a.tokens}: expected an integer ≥ 2 (a decode rate needs two tokens)`);
if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads ${a.threads}: expected a positive integer`);

/** The kernel's peak resident set of this process (Linux); the getrusage figure elsewhere. */
function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

interface StageReport {
  wallMs: number; cpuMs: number; peakRssBytes: number;
  /** Nothing to do: the cache already held a current result (times and RSS then describe only the check). */
  cached?: boolean;
  run?: RunReport;
}
interface RunReport {
  widths: { textHidden: number; textIntermediate: number; heads: number; kvHeads: number; headDim: number; textLayers: number; vocab: number; visionHidden: number; visionLayers: number; imageTokens: number };
  providers: Record<string, string>;
  loadMs: number; promptTokens: number; ids: number[]; preprocessMs: number; visionMs: number; prefillMs: number; timeToFirstTokenMs: number;
  decodeTokensPerSecond: number | null; tokenMs: number[]; cpuToFirstTokenMs: number;
  /** CPU (user + sys, all threads) per token after the first: the steadier figure on shared cores. */
  decodeCpuMsPerToken: number | null;
}

// ---- child: one stage ---------------------------------------------------------------------------------------------
async function child(stage: string, preset: PresetName): Promise<StageReport> {
  const t0 = performance.now();
  let cached = true;
  const log = (m: string) => { cached = false; process.stderr.write(`[wide-shapes] ${m}\n`); };
  const base = { repo, cache: a.cache, preset, layers, dtype: 'q4' as const, log };
  let run: RunReport | undefined;
  if (stage === 'checkpoint') {
    await ensureModels({ ...base, layouts: [] });
  } else if (stage === 'convert') {
    await ensureModels({ ...base, layouts: ['paliscope'] });
  } else if (stage === 'run') {
    cached = false;
    // Never generates anything: the two stages before made the files (fails on a missing or stale stamp).
    const { root } = await ensureModels({ ...base, layouts: ['paliscope'], skipGenerate: true });
    const { createPaliGemma } = await import('../../models/paligemma/engine');
    const tl = performance.now();
    const e = await createPaliGemma({ modelDir: ownDir(root, 'q4'), prefs: { dtype: 'q4', providers: ['cpu'], threads } });
    const loadMs = performance.now() - tl;
    try {
      const { text, vision } = e.config.spec;
      const c0 = cpuMs();
      const marks: number[] = [];
      const cpuMarks: number[] = [];
      const r = await e.generate({
        image: join(root, 'page.png'), prompt: 'caption en', maxNewTokens: tokens, eosIds: [-1],
        onToken: () => { cpuMarks.push(cpuMs() - c0); marks.push(performance.now()); },
      });
      // Shapes only, but a wrong shape or a broken graph shows here: ids past the vocabulary or non-finite scores.
      if (r.ids.length !== tokens) throw new Error(`${preset}: asked for ${tokens} tokens, got ${r.ids.length}`);
      const bad = r.ids.findIndex((id, i) => !Number.isInteger(id) || id < 0 || id >= text.vocab || !Number.isFinite(r.logprobs[i]));
      if (bad >= 0) throw new Error(`${preset}: token ${bad} is id ${r.ids[bad]} with log-probability ${r.logprobs[bad]} (vocabulary ${text.vocab})`);
      const t = r.timings;
      run = {
        widths: { textHidden: text.hidden, textIntermediate: text.intermediate, heads: text.heads, kvHeads: text.kvHeads, headDim: text.headDim, textLayers: text.layers, vocab: text.vocab, visionHidden: vision.hidden, visionLayers: vision.layers, imageTokens: e.config.numImageTokens },
        providers: { ...e.providers }, loadMs, promptTokens: r.promptTokens, ids: r.ids,
        preprocessMs: t.preprocessMs, visionMs: t.visionMs, prefillMs: t.prefillMs, timeToFirstTokenMs: t.timeToFirstTokenMs,
        decodeTokensPerSecond: t.decodeTokensPerSecond, tokenMs: marks.slice(1).map((m, i) => m - marks[i]!), cpuToFirstTokenMs: cpuMarks[0]!,
        decodeCpuMsPerToken: cpuMarks.length > 1 ? (cpuMarks.at(-1)! - cpuMarks[0]!) / (cpuMarks.length - 1) : null,
      };
    } finally {
      await e.dispose();
    }
  } else throw new Error(`unknown stage ${stage}`);
  return { wallMs: performance.now() - t0, cpuMs: cpuMs(), peakRssBytes: peakRssBytes(), cached, run };
}

if (a.child) {
  if (!a.preset || !(PRESETS as readonly string[]).includes(a.preset)) throw new Error(`--preset ${a.preset}: expected one of ${PRESETS.join(', ')}`);
  const rep = await child(a.child, a.preset as PresetName);
  process.stdout.write(`\n${JSON.stringify(rep)}\n`);
  // onnxruntime's thread pools can keep the event loop alive after release; the report is out.
  process.exit(0);
}

// ---- parent ---------------------------------------------------------------------------------------------------------
const presets = a.presets.split(',') as PresetName[];
// Any preset is accepted (`tiny` makes a seconds-long check of the script itself); the point is the wide ones.
for (const p of presets) if (!(PRESETS as readonly string[]).includes(p)) throw new Error(`--presets: ${p} is not one of ${PRESETS.join(', ')}`);

function stage(name: string, preset: PresetName): StageReport | { error: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', name, '--preset', preset, '--layers', String(layers), '--tokens', String(tokens), '--threads', String(threads), '--cache', a.cache],
    { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  process.stderr.write(r.stderr ?? '');
  try {
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as StageReport;
  } catch {
    // A native abort or an OOM kill leaves no report: keep the exit status and the end of stderr.
    return { error: `${name} exited with status ${r.status} signal ${r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-6).join(' ⏎ ')}` };
  }
}

function filesUnder(dir: string): { name: string; bytes: number }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => { const p = join(d.parentPath, d.name); return { name: p.slice(dir.length + 1), bytes: statSync(p).size }; });
}
const mb = (n: number) => (n / 1e6).toFixed(0);
const s = (ms: number) => (ms / 1000).toFixed(1);
const fmtLoad = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const lines: string[] = [];
const out = (l: string) => { lines.push(l); process.stdout.write(`${l}\n`); };
out(`wide-shapes: ${presets.join(', ')}, ${layers} decoder + ${layers} vision layers, q4 (converter defaults), ${tokens} greedy tokens, ${threads} threads; load average at start ${fmtLoad()}`);
const stageRows: string[] = [];
const runRows: string[] = [];
for (const preset of presets) {
  const root = modelRoot(a.cache, preset, layers);
  for (const name of ['checkpoint', 'convert', 'run'] as const) {
    const load = fmtLoad();
    const r = stage(name, preset);
    if ('error' in r) {
      stageRows.push(`| ${preset} | ${name} | FAILED | | | | ${load} | ${r.error.replace(/\|/g, '\\|')} |`);
      break;
    }
    const dir = name === 'checkpoint' ? join(root, 'checkpoint') : ownDir(root, 'q4');
    const files = name === 'run' ? [] : filesUnder(dir);
    const big = files.filter((f) => f.bytes > 1e6).map((f) => `${f.name} ${mb(f.bytes)} MB`).join(', ');
    const total = files.reduce((x, f) => x + f.bytes, 0);
    stageRows.push(`| ${preset} | ${name}${r.cached ? ' (cached)' : ''} | ${s(r.wallMs)} | ${s(r.cpuMs)} | ${mb(r.peakRssBytes)} | ${name === 'run' ? '—' : mb(total)} | ${load} | ${big} |`);
    if (r.run) {
      const w = r.run.widths, x = r.run;
      const provs = [...new Set(Object.values(x.providers))].join(', ');
      runRows.push(`| ${preset} | ${w.textHidden} / ${w.textIntermediate} | ${w.heads} / ${w.kvHeads} × ${w.headDim} | ${w.textLayers} | ${w.vocab} | ${w.visionHidden} × ${w.visionLayers} | ${w.imageTokens} | ${provs} | ${s(x.loadMs)} | ${x.promptTokens} | ${s(x.visionMs)} | ${s(x.prefillMs)} | ${s(x.timeToFirstTokenMs)} | ${s(x.cpuToFirstTokenMs)} | ${x.tokenMs.map((t) => t.toFixed(0)).join(', ')} | ${x.decodeTokensPerSecond?.toFixed(2) ?? 'n/a'} | ${x.decodeCpuMsPerToken?.toFixed(0) ?? 'n/a'} | ${mb(r.peakRssBytes)} | ${x.ids.join(' ')} |`);
    }
  }
}
out('');
out('| preset | stage | wall s | CPU s | peak RSS MB | files MB | load avg before (1/5/15) | files > 1 MB |');
out('|---|---|---|---|---|---|---|---|');
for (const r of stageRows) out(r);
out('');
out('| preset | text hidden / MLP | q / kv heads × head dim | decoder layers | vocab | vision width × layers | image tokens | provider | load s | prompt tokens | vision s | prefill s | TTFT s | CPU to first token s | later tokens ms | decode tok/s | decode CPU ms / token | peak RSS MB | greedy ids |');
out('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of runRows) out(r);
out('');
out(`load average at end ${fmtLoad()}; node ${process.version}`);
