// One engine, one process: load, run PROMPTS[0] then PROMPTS[1] on the same image, print a ChildReport as the last
// stdout line. run.ts spawns one of these per engine so that peak RSS is per engine (no shared heap, no native
// allocations left over from another runtime).
//   node --import tsx bench/vlm/one.ts <tjs-oc|paliscope-oc|paliscope> --root DIR --image FILE --dtype q4 --tokens 32 --threads 2
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINES, OC_ID, PROMPTS, ocDir, ownDir, ownEngineDtype, type ChildReport, type Dtype, type EngineName, type PromptReport } from './common';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { root: { type: 'string' }, image: { type: 'string' }, dtype: { type: 'string', default: 'q4' }, tokens: { type: 'string', default: '32' }, threads: { type: 'string', default: '2' } },
});
const engine = positionals[0] as EngineName;
if (!ENGINES.includes(engine)) throw new Error(`engine ${positionals[0]}: expected one of ${ENGINES.join(', ')}`);
if (!a.root || !a.image) throw new Error('--root and --image are required');
const root = a.root, imagePath = a.image, dtype = a.dtype as Dtype, tokens = Number(a.tokens), threads = Number(a.threads);

// Sampled peak RSS as a cross-check (and the only source off Linux): VmHWM sees every page the kernel ever mapped,
// the interval sees only what it happens to catch.
let sampled = process.memoryUsage.rss();
const sampler = setInterval(() => { sampled = Math.max(sampled, process.memoryUsage.rss()); }, 20);
sampler.unref();

function vmHwm(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch { return null; }
}

/** User + system CPU of the whole process (every onnxruntime thread) since `from`. */
function cpuMs(from?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

/** A graph file plus its external data (`x.onnx_data`, `x.onnx_data_1`, …). */
function graphFiles(path: string): string[] {
  const dir = dirname(path), name = basename(path);
  return [path, ...readdirSync(dir).filter((f) => f.startsWith(`${name}_data`)).map((f) => join(dir, f))];
}

type EngineReport = Omit<ChildReport, 'peakRssBytes' | 'peakRssSource' | 'sampledPeakRssBytes' | 'cpuMs'>;

async function runTjs(): Promise<EngineReport> {
  const { AutoProcessor, PaliGemmaForConditionalGeneration, RawImage, env, BaseStreamer } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root + '/';
  const tl = performance.now();
  const processor = await AutoProcessor.from_pretrained(OC_ID, { local_files_only: true });
  // Same intra-op thread count as Paliscope's sessions; everything else is transformers.js' default.
  const model = await PaliGemmaForConditionalGeneration.from_pretrained(OC_ID, {
    dtype, local_files_only: true, session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  const loadMs = performance.now() - tl;

  // transformers.js exposes no per-stage timings, so time each session.run (it calls the method on the session
  // object, so an instance override sees every call).
  type Run = { name: string; start: number; end: number };
  let runs: Run[] = [];
  const sessions = (model as unknown as { sessions: Record<string, { run: (...x: unknown[]) => Promise<unknown> }> }).sessions;
  for (const [name, s] of Object.entries(sessions)) {
    const orig = s.run.bind(s);
    s.run = async (...x: unknown[]) => {
      const start = performance.now();
      try { return await orig(...x); } finally { runs.push({ name, start, end: performance.now() }); }
    };
  }
  const suffix = dtype === 'fp32' ? '' : `_${dtype}`;
  const decoderFiles = graphFiles(join(ocDir(root), 'onnx', `decoder_model_merged${suffix}.onnx`));

  const prompts: PromptReport[] = [];
  for (const prompt of PROMPTS) {
    runs = [];
    const tokenTimes: number[] = [];
    const tokenCpu: number[] = [];
    let puts = 0;
    let c0: NodeJS.CpuUsage = process.cpuUsage();
    // generate() puts the prompt ids first, then each new token as soon as it is chosen.
    class Clock extends BaseStreamer {
      override put(): void {
        if (puts++ === 0) return;
        tokenTimes.push(performance.now());
        tokenCpu.push(cpuMs(c0));
      }
      override end(): void { /* nothing to flush */ }
    }
    c0 = process.cpuUsage();
    const t0 = performance.now();
    const image = await RawImage.read(imagePath);
    const inputs = await processor(image, `<image>${prompt}`) as Record<string, { dims: number[]; data: unknown }>;
    const tPre = performance.now();
    const promptTokens = inputs.input_ids!.dims.at(-1)!;
    // min_new_tokens keeps eos out of reach so every engine decodes exactly `tokens` tokens from random weights.
    const out = await model.generate({ ...inputs, max_new_tokens: tokens, min_new_tokens: tokens, do_sample: false, streamer: new Clock() } as never) as { data: BigInt64Array };
    const end = performance.now();
    const ids = Array.from(out.data, Number).slice(promptTokens);
    const firstDec = runs.find((r) => r.name === 'decoder_model_merged');
    const ms = (r: Run) => r.end - r.start;
    const prefillMs = runs.filter((r) => r.name === 'embed_tokens' && firstDec && r.end <= firstDec.start).reduce((s, r) => s + ms(r), 0) + (firstDec ? ms(firstDec) : 0);
    const first = tokenTimes[0] ?? end, last = tokenTimes.at(-1) ?? end;
    prompts.push({
      prompt, promptTokens, preprocessMs: tPre - t0,
      visionMs: runs.filter((r) => r.name === 'vision_encoder').reduce((s, r) => s + ms(r), 0),
      prefillMs, timeToFirstTokenMs: first - t0,
      decodeTokensPerSecond: ids.length > 1 ? ((tokenTimes.length - 1) * 1000) / (last - first) : 0,
      tokens: ids.length, ids, totalMs: end - t0, cpuMs: cpuMs(c0),
      cpuToFirstTokenMs: tokenCpu[0] ?? 0, decodeCpuMsPerToken: tokenCpu.length > 1 ? (tokenCpu.at(-1)! - tokenCpu[0]!) / (tokenCpu.length - 1) : 0,
    });
  }
  await Promise.all(Object.values(sessions).map((s) => (s as unknown as { release(): Promise<void> }).release()));
  return { engine, dtype, threads, loadMs, decoderFiles, prompts };
}

async function runPaliscope(): Promise<EngineReport> {
  const { createPaliGemma } = await import('../../models/paligemma/engine');
  const own = engine === 'paliscope' || engine === 'paliscope-int8';
  const engineDtype = own ? ownEngineDtype(engine, dtype) : dtype;
  const modelDir = own ? ownDir(root, engineDtype) : ocDir(root);
  const tl = performance.now();
  const e = await createPaliGemma({ modelDir, prefs: { dtype: engineDtype, providers: ['cpu'], threads } });
  const loadMs = performance.now() - tl;
  const prompts: PromptReport[] = [];
  try {
    for (const prompt of PROMPTS) {
      // eos ids [-1]: never stop early, exactly `tokens` tokens (random weights would otherwise stop anywhere).
      const c0 = process.cpuUsage();
      const tokenCpu: number[] = [];
      const r = await e.generate({ image: imagePath, prompt, maxNewTokens: tokens, eosIds: [-1], onToken: () => { tokenCpu.push(cpuMs(c0)); } });
      const t = r.timings;
      prompts.push({
        prompt, promptTokens: r.promptTokens, preprocessMs: t.preprocessMs, visionMs: t.visionMs, prefillMs: t.prefillMs,
        timeToFirstTokenMs: t.timeToFirstTokenMs, decodeTokensPerSecond: t.decodeTokensPerSecond ?? 0, tokens: r.ids.length, ids: r.ids, totalMs: t.totalMs,
        cpuMs: cpuMs(c0),
        cpuToFirstTokenMs: tokenCpu[0] ?? 0, decodeCpuMsPerToken: tokenCpu.length > 1 ? (tokenCpu.at(-1)! - tokenCpu[0]!) / (tokenCpu.length - 1) : 0,
      });
    }
    const dec = e.plan.components.decoder!;
    return { engine, dtype, threads, loadMs, decoderFiles: graphFiles(join(modelDir, dec.file)), prompts };
  } finally {
    await e.dispose();
  }
}

let report: ChildReport;
const base = { engine, dtype, threads, loadMs: 0, decoderFiles: [], prompts: [] };
try {
  const r = engine === 'tjs-oc' ? await runTjs() : await runPaliscope();
  const hwm = vmHwm();
  sampled = Math.max(sampled, process.memoryUsage.rss());
  report = { ...r, peakRssBytes: hwm ?? sampled, peakRssSource: hwm ? 'VmHWM' : 'sampled rss', sampledPeakRssBytes: sampled, cpuMs: cpuMs() };
} catch (e) {
  // The parent still prints the other engines' rows; the error text goes into the table's notes verbatim.
  const hwm = vmHwm();
  report = { ...base, peakRssBytes: hwm ?? sampled, peakRssSource: hwm ? 'VmHWM' : 'sampled rss', sampledPeakRssBytes: sampled, cpuMs: cpuMs(), error: e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1, 4).join('\n')}` : ''}` : String(e) };
}
clearInterval(sampler);
process.stdout.write(`\n${JSON.stringify(report)}\n`);
// onnxruntime's thread pools can keep the event loop alive after release; the report is out, so leave.
process.exit(0);
