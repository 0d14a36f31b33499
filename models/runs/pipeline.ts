// The one run pipeline: page pixels in, the model's output generated and analyzed, one store row out. The app's engine
// host (its 'runs.run' call, for Ask model and the app's batches), `paliscope run` and `paliscope batch` all run a
// page through `runPage`, so a run is produced, parsed and stored the same way whichever path started it.
//
// A run that fails or is cancelled still returns its record (status, error, and the tokens it had produced): the
// caller keeps it like any other.
import type { PaliGemmaEngine, Timings } from '../paligemma/engine';
import type { ImageInput, RawPixels } from '../paligemma/image-cache';
import type { Strategy } from '../runtime/decode';
import type { RunInput } from '../store/types';
import type { PageResult } from '../batch/runner';
import type { TaskName } from '../tasks/table';
import { analyzeRun, type ParsedResult } from './analyze';
import type { Region, Size } from './place';

export interface PageRun {
  /** The task its output is parsed as; null keeps the raw output only (`paliscope run` without --task). */
  task: TaskName | null;
  /** The exact prompt the model reads (the task table's promptText). */
  prompt: string;
  /** The page's pixels, already cropped to `region` when there is one (cropPixels); or an image file / bytes. */
  image: ImageInput;
  maxNewTokens: number;
  strategy: Strategy;
  /** The part of the page the image is, and the page's size: the parsed result is placed back on the page. */
  region?: { region: Region; page: Size } | null;
  /** segment: the mask decoder's weights (vae-oid.npz). */
  vaePath?: string | null;
}

/** Progress of a run: a stage change, or one token as it is chosen. */
export type RunProgress =
  | { type: 'stage'; stage: 'load' }
  | { type: 'stage'; stage: 'generate'; providers: Record<string, string>; dtypes: Record<string, string> }
  | { type: 'token'; token: { id: number; text: string; logprob: number; index: number } };

export interface RunTimingsOut extends Timings {
  /** Loading the model for this run (0 when it was loaded already). */
  loadMs: number;
  modelLoaded: boolean;
}

/** What a run produced: everything its store row holds except where it ran (page, model) and what was asked. */
export interface RunOutcome {
  status: 'done' | 'cancelled' | 'error';
  /** The output as decoded (loc/seg tokens kept); partial when cancelled or failed mid-way. */
  raw: string;
  ids: number[];
  logprobs: number[];
  /** Each token's text, aligned with ids. */
  pieces: string[];
  finishReason: 'eos' | 'length' | null;
  parsed: ParsedResult | null;
  /** Why it failed, or why the output could not be parsed (the output is kept either way). */
  error: { code: string; message: string } | null;
  timings: RunTimingsOut | null;
  /** The execution provider and weight dtype of each part of the model. */
  providers: Record<string, string>;
  dtypes: Record<string, string>;
}

export interface RunPageOptions {
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  /** How long loading the model took for this run, when the caller loaded it (the engine host does). */
  load?: { ms: number; loaded: boolean };
}

const CANCELLED = { code: 'CANCELLED', message: 'the run was cancelled' };

function errorOf(e: unknown, signal: AbortSignal | undefined): { code: string; message: string } {
  if (signal?.aborted) return CANCELLED;
  const code = (e as { code?: unknown } | null)?.code;
  return { code: typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/** The record of a run that never reached the model (it did not load, or the run was cancelled while waiting). */
export function unfinishedRun(error: { code: string; message: string }): RunOutcome {
  return {
    status: error.code === 'CANCELLED' ? 'cancelled' : 'error', raw: '', ids: [], logprobs: [], pieces: [], finishReason: null, parsed: null,
    error, timings: null, providers: {}, dtypes: {},
  };
}

/** Generates on one page (or region) and analyzes the output: the whole of a run. Never throws. */
export async function runPage(engine: PaliGemmaEngine, run: PageRun, opts: RunPageOptions = {}): Promise<RunOutcome> {
  const { signal, onProgress } = opts;
  const providers: Record<string, string> = { ...engine.providers };
  const dtypes = Object.fromEntries(Object.entries(engine.plan.components).map(([c, plan]) => [c, plan.dtype]));
  const out: RunOutcome = { status: 'done', raw: '', ids: [], logprobs: [], pieces: [], finishReason: null, parsed: null, error: null, timings: null, providers, dtypes };
  // The size of the image the model saw, before its squash to a square: loc tokens map back onto it.
  let seen: Size | null = run.region ? { width: run.region.region.width, height: run.region.region.height } : sizeOf(run.image);
  try {
    onProgress?.({ type: 'stage', stage: 'generate', providers, dtypes });
    const r = await engine.generate({
      image: run.image, prompt: run.prompt, maxNewTokens: run.maxNewTokens, strategy: run.strategy, signal,
      onToken: (t) => {
        // Kept as they come, so a cancelled run still has what it had produced.
        out.raw += t.text;
        out.ids.push(t.id);
        out.logprobs.push(t.logprob);
        out.pieces.push(t.text);
        onProgress?.({ type: 'token', token: { id: t.id, text: t.text, logprob: t.logprob, index: t.index } });
      },
    });
    // Beam search streams nothing: the result is the truth either way.
    Object.assign(out, { raw: r.text, ids: r.ids, logprobs: r.logprobs, pieces: r.pieces, finishReason: r.finishReason });
    out.timings = { ...r.timings, loadMs: opts.load?.ms ?? 0, modelLoaded: opts.load?.loaded ?? false };
    seen ??= r.image;
  } catch (e) {
    out.error = errorOf(e, signal);
    out.status = out.error.code === 'CANCELLED' ? 'cancelled' : 'error';
  }
  try {
    // Parsed here, next to the model, so hostile model text only ever leaves as numbers, labels and strings.
    if (run.task) out.parsed = (await analyzeRun({ task: run.task, raw: out.raw, seen, region: run.region ?? null, vaePath: run.vaePath ?? null })) ?? null;
  } catch (e) {
    out.error ??= { code: 'INTERNAL', message: `the output could not be parsed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return out;
}

function sizeOf(image: ImageInput): Size | null {
  return typeof image === 'object' && !Buffer.isBuffer(image) ? { width: image.width, height: image.height } : null;
}

/** The pixels of a region of a page (the caller checked it lies on the page): a run on it sees only those. */
export function cropPixels(page: RawPixels, region: Region): RawPixels {
  const { x, y, width, height } = region;
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * page.width + x) * 3;
    data.set(page.data.subarray(from, from + width * 3), row * width * 3);
  }
  return { data, width, height, channels: 3 };
}

/** What a run adds to its store row (the caller adds the page, the model, the task, the prompt and the parameters). */
export type RunRowFields = Pick<RunInput, 'raw' | 'parsed' | 'logprobs' | 'tokens' | 'timings' | 'provider' | 'status' | 'error'>;

/** The store row's fields of a run: one shape for the app and the CLI, so their projects are indistinguishable. */
export function rowFields(o: RunOutcome): RunRowFields {
  const used = [...new Set(Object.values(o.providers))];
  return {
    raw: o.raw,
    parsed: o.parsed,
    logprobs: o.logprobs.length ? o.logprobs : null,
    tokens: o.ids.length ? { ids: o.ids, pieces: o.pieces } : null,
    timings: o.timings ? { ...o.timings, finishReason: o.finishReason, tokens: o.ids.length } : null,
    provider: used.length ? used.join('+') : null,
    status: o.status,
    error: o.error ? `${o.error.code}: ${o.error.message}` : null,
  };
}

/**
 * A batch page's result from its run (both batch runners, the CLI's and the app's): a finished run is kept as the page's
 * row; a cancelled one is abandoned (the queue puts the page back); a failed one fails the page with its reason.
 */
export function batchPageResult(o: RunOutcome): PageResult {
  if (o.status === 'cancelled') throw Object.assign(new Error(o.error?.message ?? 'the run was cancelled'), { code: 'CANCELLED', name: 'AbortError' });
  if (o.status === 'error') throw Object.assign(new Error(o.error?.message ?? 'the model failed on this page'), { code: o.error?.code ?? 'INTERNAL' });
  const { raw, parsed, logprobs, tokens, timings, provider, error } = rowFields(o);
  return { raw: raw ?? '', parsed, logprobs: logprobs ?? null, tokens, timings: timings ?? null, provider: provider ?? null, error: error ?? null };
}
