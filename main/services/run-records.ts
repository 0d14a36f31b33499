// An app run record (the contract's RunRecord, what the Ask-model panel shows) and its row in the project store are
// the same run: the store is the only history, so a record is written as a row once it is final and read back from
// the row for the history, a re-parse or an export. A row written by `paliscope batch` reads back the same way.
import { AppErrorSchema, DisplayWindow, RunParsed, RunStrategy, RunTimings, type RunRecord } from '../../preload/contract';
import type { RunInput, RunRecord as StoreRun } from '../../models/store/types';
import { isTaskName } from '../../models/tasks/table';
import { createHash } from 'node:crypto';

/**
 * The model a pasted output is filed under: "pasted" without a name; with one, an id made from the name (letters and
 * digits, or a hash of a name without any), so outputs pasted under the same name are one model in Evaluate.
 */
export function pastedModel(name: string | undefined): RunRecord['model'] {
  const label = name?.normalize('NFC').trim().replace(/\s+/gu, ' ') ?? '';
  if (!label) return { id: 'pasted', name: 'Pasted output', location: '' };
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  const id = slug || createHash('sha256').update(label).digest('hex').slice(0, 16);
  return { id: `pasted-${id}`, name: `${label} (pasted)`, location: '' };
}

export function isRegion(v: unknown): v is { x: number; y: number; width: number; height: number } {
  const r = v as Record<string, unknown> | null;
  return !!r && typeof r === 'object' && ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isInteger(r[k]) && (r[k] as number) >= 0) && (r.width as number) >= 8 && (r.height as number) >= 8;
}

/** An app run as the store keeps it: the prompt string, the parameters that shaped it, the raw and parsed output. */
export function toStoreRun(r: RunRecord, pageId: number): RunInput {
  const providers = [...new Set(Object.values(r.providers))];
  return {
    pageId,
    modelId: r.model.id,
    modelName: r.model.name,
    task: r.prompt.task,
    prompt: r.promptText,
    parameters: {
      maxNewTokens: r.maxNewTokens, strategy: r.strategy, region: r.region, source: r.source, dtypes: r.dtypes, providers: r.providers,
      finishReason: r.finishReason, promptArgument: r.prompt.text, modelLocation: r.model.location,
      ...(r.window ? { window: r.window } : {}),
    },
    provider: providers.length ? providers.join('+') : null,
    timings: r.timings,
    raw: r.text,
    parsed: r.parsed ?? null,
    logprobs: r.logprobs.length ? r.logprobs : null,
    tokens: r.ids.length ? { ids: r.ids, pieces: r.pieces } : null,
    status: r.status,
    error: r.error ? `${r.error.code}: ${r.error.message}` : null,
  };
}

const strings = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};

/**
 * A stored run as the record the Ask-model panel shows, for a document open as `documentId`. Null for a row that is not
 * a PaliGemma run (the built-in OCR's pages). A project file may come from someone else: every field is checked, and
 * one that does not fit is left out (no parsed result, no timings) rather than trusted.
 */
export function fromStoreRun(run: StoreRun, documentId: string, page: number): RunRecord | null {
  if (!isTaskName(run.task)) return null;
  const p = run.parameters ?? {};
  const strategy = RunStrategy.safeParse(p.strategy);
  const timings = RunTimings.safeParse(run.timings);
  const parsed = RunParsed.safeParse(run.parsed);
  const tokens = run.tokens && Array.isArray(run.tokens.ids) && Array.isArray(run.tokens.pieces) ? run.tokens : { ids: [], pieces: [] };
  const match = /^([A-Z_]+): ([\s\S]*)$/.exec(run.error ?? '');
  const error = run.error ? AppErrorSchema.safeParse(match ? { code: match[1], message: match[2] } : { code: 'INTERNAL', message: run.error }) : null;
  const finish = p.finishReason ?? run.timings?.finishReason;
  const providers = strings(p.providers);
  const window = DisplayWindow.safeParse(p.window);
  return {
    id: String(run.id),
    documentId,
    page,
    model: { id: run.modelId.slice(0, 64).replace(/[^A-Za-z0-9_-]/g, '_') || 'model', name: run.modelName, location: typeof p.modelLocation === 'string' ? p.modelLocation : '' },
    prompt: { task: run.task, text: (typeof p.promptArgument === 'string' ? p.promptArgument : run.prompt).slice(0, 2000) },
    promptText: run.prompt,
    maxNewTokens: typeof p.maxNewTokens === 'number' && Number.isInteger(p.maxNewTokens) ? p.maxNewTokens : 0,
    strategy: strategy.success ? strategy.data : { kind: 'greedy' },
    startedAt: run.createdAt,
    status: run.status,
    text: run.raw,
    ids: tokens.ids,
    logprobs: run.logprobs ?? [],
    pieces: tokens.pieces,
    finishReason: finish === 'eos' || finish === 'length' ? finish : null,
    timings: timings.success ? timings.data : null,
    providers: Object.keys(providers).length ? providers : run.provider ? { model: run.provider } : {},
    dtypes: strings(p.dtypes),
    error: error?.success ? error.data : error ? { code: 'INTERNAL', message: run.error! } : null,
    region: isRegion(p.region) ? p.region : null,
    ...(window.success ? { window: window.data } : {}),
    source: p.source === 'pasted' ? 'pasted' : 'model',
    ...(parsed.success ? { parsed: parsed.data } : {}),
  };
}
