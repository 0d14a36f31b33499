// Runs of a local model on a document page: main renders the page, the engine host generates and
// streams tokens back, and every run — finished, cancelled or failed — is kept with its raw output,
// parameters, timings and providers, per document page (the history the prompt panel shows).
import { randomUUID } from 'node:crypto';
import { type AppError, type RunChunk, type RunExportRequest, type RunInput, type RunPaste, type RunRecord, type RunTimings } from '../../preload/contract';
import { exportRun, type ExportedFile } from './run-export';
import { AppFailure, toAppError, type StreamContext } from '../ipc/dispatcher';
import type { EngineClient } from '../engine/client';
import type { PaliGemmaProgress } from '../engine/protocol';
import type { DocumentService } from './documents';
import type { ModelCatalog } from './models';
import { encodePagePng } from './page-png';
import { checkRegion } from './run-region';
import { promptText } from '../../models/tasks/table';
import type { AnalyzeRunInput, ParsedResult } from '../../models/runs/analyze';
import type { AnalyzeOptions, AnalyzeTask, TaskResult } from '../../models/paligemma/tasks/analyze';

/** Enough history to compare prompts on a page without letting a long session grow without bound. */
const MAX_RUNS_PER_DOCUMENT = 200;

/** Model failures worth naming the model folder for; other codes (cancelled, bad page) are not about it. */
const MODEL_CODES = new Set(['MODEL_NOT_FOUND', 'INPUT_MISMATCH', 'PROVIDER_UNAVAILABLE', 'OUT_OF_MEMORY', 'INTERNAL', 'BAD_INPUT']);

/** A task's parser on one output (models/paligemma/tasks/analyze): the review editor checks SMILES and **kern with it. */
export type Analyze = (task: AnalyzeTask, raw: string, options: AnalyzeOptions) => Promise<TaskResult>;
/** The analyze step of a run (models/runs/analyze), where main has it done: the engine host's 'runs.analyze'. */
export type AnalyzeRun = (input: AnalyzeRunInput, signal?: AbortSignal) => Promise<ParsedResult | undefined>;

/** A record with nothing generated yet: no tokens, timings, providers or error, started now. */
function newRecord(
  r: Pick<RunRecord, 'documentId' | 'page' | 'model' | 'prompt' | 'promptText' | 'maxNewTokens' | 'strategy' | 'status' | 'text' | 'region' | 'source'>,
): RunRecord {
  return {
    id: randomUUID().replaceAll('-', '').slice(0, 20),
    startedAt: new Date().toISOString(),
    ids: [],
    logprobs: [],
    pieces: [],
    finishReason: null,
    timings: null,
    providers: {},
    dtypes: {},
    error: null,
    ...r,
  };
}

export class RunService {
  readonly #documents: DocumentService;
  readonly #engine: EngineClient;
  readonly #models: ModelCatalog;
  /** Per document, newest last. */
  readonly #runs = new Map<string, RunRecord[]>();

  readonly #onKept: ((record: RunRecord) => void) | undefined;

  /** `onKept` sees every run once it is final (done, cancelled, failed, pasted): the project store keeps them. */
  constructor(deps: { documents: DocumentService; engine: EngineClient; models: ModelCatalog; onKept?: (record: RunRecord) => void }) {
    this.#documents = deps.documents;
    this.#engine = deps.engine;
    this.#models = deps.models;
    this.#onKept = deps.onKept;
  }

  async start(input: RunInput, ctx: StreamContext<RunChunk>): Promise<RunRecord> {
    const doc = this.#documents.get(input.documentId);
    if (input.page >= doc.pages.length) {
      throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; a run was asked for page ${input.page + 1}`);
    }
    const model = this.#models.get(input.modelId);
    const record = newRecord({
      documentId: input.documentId,
      page: input.page,
      model: { id: model.id, name: model.name, location: model.location },
      prompt: input.prompt,
      promptText: promptText(input.prompt.task, input.prompt.text),
      maxNewTokens: input.maxNewTokens,
      strategy: input.strategy,
      status: 'error',
      text: '',
      region: input.region ?? null,
      source: 'model',
    });
    // The size of the image the model saw, before its squash to a square: loc tokens map back onto it.
    let pageSize: { width: number; height: number } | null = null;
    try {
      const t0 = performance.now();
      ctx.send({ type: 'stage', stage: 'render' });
      const rendered = await doc.renderPage(input.page, { signal: ctx.signal });
      pageSize = { width: rendered.width, height: rendered.height };
      if (input.region) checkRegion(input.region, pageSize, `page ${input.page + 1} of ${doc.name}`);
      const image = await encodePagePng(rendered, input.region);
      const renderMs = performance.now() - t0;
      if (ctx.signal.aborted) throw new AppFailure('CANCELLED', 'the run was cancelled');
      const result = await this.#engine.request(
        'paligemma.generate',
        { modelDir: model.location, image, prompt: record.promptText, maxNewTokens: input.maxNewTokens, strategy: input.strategy },
        { signal: ctx.signal, onProgress: (p) => this.#onProgress(record, p as PaliGemmaProgress, ctx) },
      );
      const { loadMs, modelLoaded, ...generation } = result.timings;
      const timings: RunTimings = { renderMs, loadMs, modelLoaded, ...generation };
      Object.assign(record, {
        status: 'done',
        text: result.text,
        ids: result.ids,
        logprobs: result.logprobs,
        pieces: result.pieces,
        finishReason: result.finishReason,
        timings,
        providers: result.providers,
        dtypes: result.dtypes,
      } satisfies Partial<RunRecord>);
      return record;
    } catch (err) {
      const error: AppError = ctx.signal.aborted ? { code: 'CANCELLED', message: 'the run was cancelled' } : this.#describe(err, model.name, model.location);
      record.status = error.code === 'CANCELLED' ? 'cancelled' : 'error';
      record.error = error;
      throw new AppFailure(error.code, error.message);
    } finally {
      // Parsed here, not in the renderer, so hostile model text is only ever turned into numbers and labels in main.
      record.parsed = await this.#parse(record, pageSize);
      this.#keep(record);
    }
  }

  /**
   * Output from another runtime, parsed as if this app had produced it, so it can be checked over the page and
   * exported like any run. Boxes map onto the page as the app renders it (the size a run would give the model).
   */
  async paste(input: RunPaste): Promise<RunRecord> {
    const doc = this.#documents.get(input.documentId);
    const page = doc.pages[input.page];
    if (!page) throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; output was pasted for page ${input.page + 1}`);
    const record = newRecord({
      documentId: input.documentId,
      page: input.page,
      model: { id: 'pasted', name: 'Pasted output', location: '' },
      prompt: { task: input.task, text: input.promptText },
      promptText: input.promptText,
      maxNewTokens: 0,
      strategy: { kind: 'greedy' },
      status: 'done',
      text: input.text,
      region: input.region ?? null,
      source: 'pasted',
    });
    if (input.region) checkRegion(input.region, page, `page ${input.page + 1} of ${doc.name}`);
    record.parsed = await this.#parse(record, page);
    this.#keep(record);
    return record;
  }

  async reparse(documentId: string, runId: string): Promise<RunRecord> {
    const doc = this.#documents.get(documentId);
    const run = this.#run(documentId, runId, doc.name);
    const page = doc.pages[run.page];
    run.parsed = await this.#parse(run, page ? { width: page.width, height: page.height } : null);
    return run;
  }

  /**
   * Installs the segmentation mask decoder from a file's bytes into the models folder downloads go to. Checked and
   * written in the engine host, under a time limit: the archive is someone else's file.
   */
  importMaskDecoder(name: string, bytes: Uint8Array): Promise<{ location: string }> {
    return this.#engine.request('mask.importDecoder', { name, bytes, modelsDir: this.#models.downloadFolder });
  }

  async export(input: RunExportRequest): Promise<ExportedFile> {
    const doc = this.#documents.get(input.documentId);
    const run = this.#run(input.documentId, input.runId, doc.name);
    return exportRun(run, doc.name, input.format, (parsed, from, format) => this.#engine.request('tasks.export', { parsed, from, format }));
  }

  #run(documentId: string, runId: string, documentName: string): RunRecord {
    const run = this.#runs.get(documentId)?.find((r) => r.id === runId);
    if (!run) throw new AppFailure('NOT_FOUND', `no run ${runId} on ${documentName} (the history keeps the last ${MAX_RUNS_PER_DOCUMENT})`);
    return run;
  }

  /** Runs of a document (one page, or all), newest first. */
  list(documentId: string, page?: number): RunRecord[] {
    const runs = this.#runs.get(documentId) ?? [];
    return runs.filter((r) => page === undefined || r.page === page).reverse();
  }

  forget(documentId: string): void {
    this.#runs.delete(documentId);
  }

  #onProgress(record: RunRecord, p: PaliGemmaProgress, ctx: StreamContext<RunChunk>): void {
    if (p.type === 'stage' && p.stage === 'generate') {
      // Known before the first token, so a cancelled run still says where it ran.
      record.providers = p.providers;
      record.dtypes = p.dtypes;
      return ctx.send({ type: 'stage', stage: p.stage, providers: p.providers });
    }
    if (p.type === 'stage') return ctx.send({ type: 'stage', stage: p.stage });
    // Tokens are kept as they come, so a cancelled run still shows what it had produced.
    record.text += p.token.text;
    record.ids.push(p.token.id);
    record.logprobs.push(p.token.logprob);
    record.pieces.push(p.token.text);
    ctx.send({ type: 'token', token: p.token });
  }

  /** Parses on what the model saw (the region, or the page), then places the result on the page. */
  async #parse(record: RunRecord, page: { width: number; height: number } | null): Promise<RunRecord['parsed']> {
    try {
      return await this.#parseOn(record, page);
    } catch (err) {
      // The output is kept either way; a parser that failed (its process died, say) is said, not fatal.
      const { code, message } = toAppError(err);
      if (!record.error) record.error = { code, message: `the output could not be parsed: ${message}` };
      return undefined;
    }
  }

  async #parseOn(record: RunRecord, page: { width: number; height: number } | null): Promise<RunRecord['parsed']> {
    const region = record.region && page ? { region: record.region, page } : null;
    const seen = region ? { width: region.region.width, height: region.region.height } : page;
    const vaePath = record.prompt.task === 'segment' ? this.#models.maskDecoder() : null;
    return this.#analyze({ task: record.prompt.task, raw: record.text, seen, region, vaePath });
  }

  /** Parsing runs in the engine host, so main never loads RDKit or Verovio. */
  readonly #analyze: AnalyzeRun = async (input) => (await this.#engine.request('runs.analyze', input)) ?? undefined;

  /** A failure as the person should read it: which model, where it lives, and what is wrong. */
  #describe(err: unknown, name: string, location: string): AppError {
    const { code, message } = toAppError(err);
    if (!MODEL_CODES.has(code)) return { code, message };
    const where = message.includes(location) ? '' : ` (${location})`;
    return { code, message: `model “${name}”${where}: ${message}` };
  }

  #keep(record: RunRecord): void {
    const runs = this.#runs.get(record.documentId) ?? [];
    runs.push(record);
    if (runs.length > MAX_RUNS_PER_DOCUMENT) runs.splice(0, runs.length - MAX_RUNS_PER_DOCUMENT);
    this.#runs.set(record.documentId, runs);
    this.#onKept?.(record);
  }
}
