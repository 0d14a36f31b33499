// `paliscope run`: caption / detect / OCR / answer with a local PaliGemma model, the same engine the app uses.
import { CliCommand, processIo, type CliIo } from '../cli-command';
import { EngineError, isEngineError, type EngineErrorCode } from '../runtime/errors';
import { DTYPES, type Dtype, type ProviderName } from '../runtime/plan';
import type { Strategy } from '../runtime/decode';
import { createPaliGemma } from './engine';
import type { AnalyzeTask } from './tasks/analyze';
import { runPage } from '../runs/pipeline';
import { isTaskName, TASK_NAMES } from '../tasks/table';
import { taskOfPrompt } from './tasks/parse';
import { findVae } from './tasks/mask/segment';
import { dirname, resolve } from 'node:path';

const PROVIDERS: ProviderName[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];
const ENGINE_CODES: readonly EngineErrorCode[] = ['MODEL_NOT_FOUND', 'INPUT_MISMATCH', 'PROVIDER_UNAVAILABLE', 'CANCELLED', 'OUT_OF_MEMORY', 'BAD_INPUT'];

const USAGE = `usage: paliscope run --model DIR --image FILE --prompt TEXT [options]

Runs a PaliGemma / PaliGemma 2 ONNX model (Paliscope or onnx-community layout) on one image.

options:
  --model DIR         model folder (paliscope.json + *.onnx, or an onnx/ folder)
  --image FILE        PNG, JPEG, WebP, TIFF or GIF
  --prompt TEXT       task prefix, e.g. "caption en", "detect cat ; dog", "ocr", "answer en what is this?"
  --max-new-tokens N  maximum new tokens (default 64; --max-tokens is the same)
  --beams K           beam search with K beams (default: greedy)
  --temperature T     sample instead of greedy (also with --top-k K, --top-p P, --seed S, or --sample)
  --dtype D           weights variant for every component: ${DTYPES.join(', ')}
  --provider P        execution provider to try first: ${PROVIDERS.join(', ')} (CPU stays as fallback)
  --threads N         intra-op threads (default: physical cores)
  --resampler R       image resize: sharp (default, fast) or pillow (exact Hugging Face parity, slower)
  --task TASK         parse the output as ${TASK_NAMES.join(', ')} (as paliscope parse does,
                      boxes in the image's pixels) and print the parsed JSON after the text; with --json it
                      is the "parsed" field. Without --task, --json still parses prompts with a known prefix.
  --vae FILE          segment: the mask decoder (vae-oid.npz); default: vae-oid.npz beside the model folder
  --json              print { text, tokens: [{ id, text, logprob }], timings, provider, parsed? } instead of streaming text
  -v, --verbose       log the session plan and timings on stderr
  -h, --help          show this help
`;

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${v}: expected a positive integer`);
  return n;
}
function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} ${v}: expected a number`);
  return n;
}

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cmd = new CliCommand('paliscope run', USAGE, io);
  const parsed = cmd.parse({
    args: argv,
    options: {
      model: { type: 'string' }, image: { type: 'string' }, prompt: { type: 'string' },
      'max-new-tokens': { type: 'string' }, 'max-tokens': { type: 'string' }, beams: { type: 'string' }, sample: { type: 'boolean' },
      temperature: { type: 'string' }, 'top-k': { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' },
      dtype: { type: 'string' }, provider: { type: 'string' }, threads: { type: 'string' }, resampler: { type: 'string' },
      task: { type: 'string' }, vae: { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const a = parsed.values;
  let strategy: Strategy, maxNewTokens: number, threads: number | undefined;
  let task: AnalyzeTask | undefined;
  try {
    if (a.task !== undefined && !isTaskName(a.task)) throw new Error(`--task ${a.task}: expected one of ${TASK_NAMES.join(', ')}`);
    task = a.task as AnalyzeTask | undefined;
    for (const k of ['model', 'image', 'prompt'] as const) if (a[k] === undefined) throw new Error(`--${k} is required`);
    if (a.dtype !== undefined && !(DTYPES as readonly string[]).includes(a.dtype)) throw new Error(`--dtype ${a.dtype}: expected one of ${DTYPES.join(', ')}`);
    if (a.provider !== undefined && !PROVIDERS.includes(a.provider as ProviderName)) throw new Error(`--provider ${a.provider}: expected one of ${PROVIDERS.join(', ')}`);
    if (a.resampler !== undefined && a.resampler !== 'sharp' && a.resampler !== 'pillow') throw new Error(`--resampler ${a.resampler}: expected sharp or pillow`);
    const beams = positiveInt(a.beams, 'beams');
    // Any sampling parameter asks for sampling, as the CLI has it; --sample alone samples with defaults.
    const sample = a.sample || [a.temperature, a['top-k'], a['top-p'], a.seed].some((v) => v !== undefined);
    if (beams && sample) throw new Error('--beams and sampling (--temperature, --top-k, --top-p, --seed, --sample) exclude each other');
    maxNewTokens = positiveInt(a['max-new-tokens'], 'max-new-tokens') ?? positiveInt(a['max-tokens'], 'max-tokens') ?? 64;
    threads = positiveInt(a.threads, 'threads');
    strategy = beams ? { kind: 'beam', numBeams: beams }
      : sample ? { kind: 'sample', temperature: num(a.temperature, 'temperature'), topK: num(a['top-k'], 'top-k'), topP: num(a['top-p'], 'top-p'), seed: num(a.seed, 'seed') }
      : { kind: 'greedy' };
  } catch (e) {
    return cmd.usageError((e as Error).message);
  }
  const log = (m: string) => { if (a.verbose) io.stderr.write(`${m}\n`); };
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  let engine;
  try {
    engine = await createPaliGemma({
      modelDir: a.model!, signal: ac.signal, resampler: a.resampler as 'sharp' | 'pillow' | undefined,
      prefs: { dtype: a.dtype as Dtype | undefined, providers: a.provider ? [a.provider as ProviderName, 'cpu'] : undefined, threads },
      logger: { info: log, warn: (m) => io.stderr.write(`warning: ${m}\n`), debug: log },
    });
    const streaming = !a.json && strategy.kind !== 'beam';
    const parseAs = task ?? (a.json ? taskOfPrompt(a.prompt!) : undefined);
    // The app keeps the mask decoder in the models folder, next to the model folders.
    const vaePath = parseAs === 'segment' ? (a.vae ?? findVae(dirname(resolve(a.model!)))) : null;
    // The one run pipeline, as the app and `paliscope batch` run a page: generated, then parsed as the task's result.
    const r = await runPage(engine, { task: parseAs ?? null, prompt: a.prompt!, image: a.image!, maxNewTokens, strategy, region: null, vaePath }, {
      signal: ac.signal,
      onProgress: streaming ? (p) => { if (p.type === 'token') io.stdout.write(p.token.text); } : undefined,
    });
    if (r.status !== 'done') {
      const code = r.error?.code ?? '';
      const message = r.error?.message ?? 'the run did not finish';
      throw ENGINE_CODES.includes(code as EngineErrorCode) ? new EngineError(code as EngineErrorCode, message) : new Error(message);
    }
    const parsed = r.parsed ?? undefined;
    if (a.json) {
      const tokens = r.ids.map((id, i) => ({ id, text: engine!.tokenizer.decode([id]), logprob: r.logprobs[i] }));
      // One word when every component ran on the same provider, as the app shows it.
      const used = [...new Set(Object.values(engine.providers))];
      const provider = used.length === 1 ? used[0] : engine.providers;
      io.stdout.write(JSON.stringify({ text: r.raw, tokens, timings: r.timings, provider, finishReason: r.finishReason, plan: engine.plan, ...(parsed ? { parsed } : {}) }, null, 1) + '\n');
    } else {
      io.stdout.write(streaming ? '\n' : `${r.raw}\n`);
      if (parsed) io.stdout.write(`${JSON.stringify(parsed, null, 2)}\n`);
    }
    for (const w of parsed?.warnings ?? []) io.stderr.write(`paliscope run: warning: ${w}\n`);
    const t = r.timings;
    if (!t) return 0;
    log(`tokens ${r.ids.length} (${r.finishReason}); preprocess ${t.preprocessMs.toFixed(1)} ms, vision ${t.visionMs.toFixed(1)} ms, prefill ${t.prefillMs.toFixed(1)} ms, ttft ${t.timeToFirstTokenMs.toFixed(1)} ms, decode ${t.decodeTokensPerSecond?.toFixed(1) ?? '-'} tok/s, peak RSS ${(t.peakRssBytes / 1e6).toFixed(0)} MB`);
    return 0;
  } catch (e) {
    const code = isEngineError(e) ? ` [${e.code}]` : '';
    io.stderr.write(`paliscope run${code}: ${(e as Error).message}\n`);
    return isEngineError(e, 'CANCELLED') ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    await engine?.dispose();
  }
}
