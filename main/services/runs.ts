// Runs of a local model on a document page (the Ask-model panel): main renders the page and sends its pixels to the
// engine host, which runs the one run pipeline (models/runs/pipeline.ts: generate and analyze in one call) and streams
// tokens back. Every run — finished, cancelled or failed — becomes one row of the project store; the store is the only
// history, so the panel's history survives a restart and lists the same runs Review and the CLI's projects hold.
import { randomUUID } from 'node:crypto';
import type { AppError, RunChunk, RunExportRequest, RunInput, RunPaste, RunParsed, RunRecord, RunTimings } from '../../preload/contract';
import { exportRun, type ExportedFile, type ExportParsed } from '../files/run-export';
import { studyForExport } from '../files/dicom-export';
import type { PrivacyService } from './privacy';
import { AppFailure, toAppError, type StreamContext } from '../ipc/dispatcher';
import type { EngineClient } from '../engine/client';
import type { EngineParams, EngineProgress, EnginePrefs, RunOutcomeMessage } from '../engine/protocol';
import { ErrorCode } from '../../preload/contract/define';
import type { DocumentService } from './documents';
import type { ModelCatalog } from './models';
import type { DocumentIdentities, ReviewService } from './reviews';
import { checkRegion } from './run-region';
import { fromStoreRun, pastedModel } from './run-records';
import { promptText, type TaskName } from '../../models/tasks/table';
import { cropPixels, unfinishedRun } from '../../models/runs/pipeline';
import type { AnalyzeOptions } from '../../models/paligemma/tasks/analyze';
import type { Store } from '../../models/store/store';

/** Model failures worth naming the model folder for; other codes (cancelled, bad page) are not about it. */
const MODEL_CODES = new Set(['MODEL_NOT_FOUND', 'INPUT_MISMATCH', 'PROVIDER_UNAVAILABLE', 'OUT_OF_MEMORY', 'INTERNAL', 'BAD_INPUT']);

/** A task's parser on one output (the engine host's 'tasks.analyze'): the review editor checks SMILES and **kern with it. */
export type Analyze = (task: TaskName, raw: string, options: AnalyzeOptions) => Promise<RunParsed>;

/** A record with nothing generated yet: no tokens, timings, providers or error, started now. */
function newRecord(
  r: Pick<RunRecord, 'documentId' | 'page' | 'model' | 'prompt' | 'promptText' | 'maxNewTokens' | 'strategy' | 'status' | 'text' | 'region' | 'source'>,
): RunRecord {
  return {
    // Replaced by the store's id once the run is filed; kept only when there is no store to file it in.
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

export interface RunServiceDeps {
  documents: DocumentService;
  engine: EngineClient;
  models: ModelCatalog;
  /** Files a final run in the project store and answers its row id (null without a store). */
  reviews: Pick<ReviewService, 'keep'>;
  /** The project store (null when there is none), and the content hashes runs are filed by. */
  store: () => Store | null;
  identities: DocumentIdentities;
  /** DICOM metadata in exports: de-identified unless the person keeps identifiers. */
  privacy?: PrivacyService;
  /** The person's engine settings, read at each run so a change applies to the next one (Settings). */
  enginePrefs?: () => EnginePrefs;
}

export class RunService {
  readonly #deps: RunServiceDeps;

  constructor(deps: RunServiceDeps) {
    this.#deps = deps;
  }

  async start(input: RunInput, ctx: StreamContext<RunChunk>): Promise<RunRecord> {
    const doc = this.#deps.documents.get(input.documentId);
    if (input.page >= doc.pages.length) {
      throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; a run was asked for page ${input.page + 1}`);
    }
    const model = this.#deps.models.get(input.modelId);
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
    const t0 = performance.now();
    let outcome: RunOutcomeMessage;
    let renderMs = 0;
    try {
      ctx.send({ type: 'stage', stage: 'render' });
      // A DICOM page reaches the model through a window/level; the one used is kept with the run so it can be repeated.
      const window = doc.dicom ? (input.window ?? (await doc.dicom.pageInfo(input.page)).defaultWindow) : undefined;
      if (window) record.window = window;
      const rendered = await doc.renderPage(input.page, { signal: ctx.signal, ...(window ? { window } : {}) });
      const page = { width: rendered.width, height: rendered.height };
      if (input.region) checkRegion(input.region, page, `page ${input.page + 1} of ${doc.name}`);
      renderMs = performance.now() - t0;
      const params: EngineParams<'runs.run'> = {
        modelDir: model.location,
        task: input.prompt.task,
        prompt: record.promptText,
        // The page's pixels as rendered (the region's alone for a run on a region): no image encoding on the way.
        image: input.region ? cropPixels(rendered, input.region) : rendered,
        maxNewTokens: input.maxNewTokens,
        strategy: input.strategy,
        region: input.region ? { region: input.region, page } : null,
        vaePath: input.prompt.task === 'segment' ? this.#deps.models.maskDecoder() : null,
        ...(this.#deps.enginePrefs ? { prefs: this.#deps.enginePrefs() } : {}),
      };
      outcome = await this.#deps.engine.request('runs.run', params, { signal: ctx.signal, onProgress: (p) => this.#onProgress(record, p, ctx) });
    } catch (err) {
      // The page did not render, or the engine host was not there to answer: still a run, with its reason.
      outcome = unfinishedRun(ctx.signal.aborted ? { code: 'CANCELLED', message: 'the run was cancelled' } : toAppError(err));
      outcome.providers = record.providers;
      outcome.dtypes = record.dtypes;
      outcome.raw = record.text;
      outcome.ids = record.ids;
      outcome.logprobs = record.logprobs;
      outcome.pieces = record.pieces;
    }
    this.#fill(record, outcome, renderMs, model);
    await this.#file(record);
    if (record.status !== 'done' && record.error) throw new AppFailure(record.error.code, record.error.message);
    return record;
  }

  /**
   * Output from another runtime, parsed as if this app had produced it, so it can be checked over the page and
   * exported like any run. Boxes map onto the page as the app renders it (the size a run would give the model).
   */
  async paste(input: RunPaste): Promise<RunRecord> {
    const doc = this.#deps.documents.get(input.documentId);
    const page = doc.pages[input.page];
    if (!page) throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; output was pasted for page ${input.page + 1}`);
    const record = newRecord({
      documentId: input.documentId,
      page: input.page,
      model: pastedModel(input.model),
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
    const parsed = await this.#analyze(record, { width: page.width, height: page.height });
    if (parsed) record.parsed = parsed;
    await this.#file(record);
    return record;
  }

  /** Parses a kept run's output again (after the mask decoder arrived) and keeps the new result in its row. */
  async reparse(documentId: string, runId: string): Promise<RunRecord> {
    const doc = this.#deps.documents.get(documentId);
    const { record, store } = await this.#stored(documentId, runId, doc.name);
    const page = doc.pages[record.page];
    const parsed = await this.#analyze(record, page ? { width: page.width, height: page.height } : null);
    store.setRunParsed(Number(record.id), parsed ?? null);
    if (parsed) record.parsed = parsed;
    else delete record.parsed;
    return record;
  }

  /**
   * Installs the segmentation mask decoder from a file's bytes into the models folder downloads go to. Checked and
   * written in the engine host, under a time limit: the archive is someone else's file.
   */
  importMaskDecoder(name: string, bytes: Uint8Array): Promise<{ location: string }> {
    return this.#deps.engine.request('mask.importDecoder', { name, bytes, modelsDir: this.#deps.models.downloadFolder });
  }

  async export(input: RunExportRequest): Promise<ExportedFile> {
    const doc = this.#deps.documents.get(input.documentId);
    const { record } = await this.#stored(input.documentId, input.runId, doc.name);
    const dicom = this.#deps.privacy ? await studyForExport(doc, this.#deps.privacy, record.window ?? null) : null;
    const write: ExportParsed = (parsed, from, format) => this.#deps.engine.request('tasks.export', { parsed, from, format });
    return exportRun(record, dicom?.documentName ?? doc.name, input.format, write, dicom?.study);
  }

  /** Runs of a document (one page, or all) from the project store, newest first: every PaliGemma run on its content. */
  async list(documentId: string, page?: number): Promise<RunRecord[]> {
    const doc = this.#deps.documents.get(documentId);
    const store = this.#deps.store();
    const id = await this.#deps.identities.of(doc);
    if (!store || !id) return [];
    const document = store.documentByHash(id.sha256);
    if (!document) return [];
    const records: RunRecord[] = [];
    for (const p of store.pages(document.id)) {
      if (page !== undefined && p.index !== page) continue;
      for (const run of store.runsOfPage(p.id)) {
        const record = fromStoreRun(run, documentId, p.index);
        if (record) records.push(record);
      }
    }
    return records.sort((a, b) => Number(b.id) - Number(a.id));
  }

  #onProgress(record: RunRecord, m: EngineProgress<'runs.run'>, ctx: StreamContext<RunChunk>): void {
    if (m.type === 'stage' && m.stage === 'generate') {
      // Known before the first token, so a cancelled run still says where it ran.
      record.providers = m.providers;
      record.dtypes = m.dtypes;
      return ctx.send({ type: 'stage', stage: m.stage, providers: m.providers });
    }
    if (m.type === 'stage') return ctx.send({ type: 'stage', stage: m.stage });
    // Tokens are kept as they come, so a run whose engine host died still shows what it had produced.
    record.text += m.token.text;
    record.ids.push(m.token.id);
    record.logprobs.push(m.token.logprob);
    record.pieces.push(m.token.text);
    ctx.send({ type: 'token', token: m.token });
  }

  #fill(record: RunRecord, o: RunOutcomeMessage, renderMs: number, model: { name: string; location: string }): void {
    const timings: RunTimings | null = o.timings ? { renderMs, ...o.timings } : null;
    Object.assign(record, {
      status: o.status,
      text: o.raw,
      ids: o.ids,
      logprobs: o.logprobs,
      pieces: o.pieces,
      finishReason: o.finishReason,
      timings,
      providers: Object.keys(o.providers).length ? o.providers : record.providers,
      dtypes: Object.keys(o.dtypes).length ? o.dtypes : record.dtypes,
      error: o.error ? this.#describe(o.error, model.name, model.location, o.status) : null,
      threads: o.threads ?? null,
    } satisfies Partial<RunRecord>);
    if (o.parsed) record.parsed = o.parsed;
  }

  /** Files the run as a store row; its id becomes the record's, so the history, Review and exports name the same run. */
  async #file(record: RunRecord): Promise<void> {
    const id = await this.#deps.reviews.keep(record);
    if (id !== null) record.id = String(id);
  }

  async #stored(documentId: string, runId: string, documentName: string): Promise<{ record: RunRecord; store: Store }> {
    const store = this.#deps.store();
    const run = store && /^\d+$/.test(runId) ? store.run(Number(runId)) : undefined;
    const page = run && store!.page(run.pageId);
    const record = run && page ? fromStoreRun(run, documentId, page.index) : null;
    if (!record || !store) throw new AppFailure('NOT_FOUND', `no run ${runId} of ${documentName} in the project store`);
    return { record, store };
  }

  /** Pasted output and re-parses: the run's analyze step (models/runs/analyze) in the engine host, as runs have it. */
  async #analyze(record: RunRecord, page: { width: number; height: number } | null): Promise<RunParsed | undefined> {
    const region = record.region && page ? { region: record.region, page } : null;
    const seen = region ? { width: region.region.width, height: region.region.height } : page;
    const vaePath = record.prompt.task === 'segment' ? this.#deps.models.maskDecoder() : null;
    try {
      return (await this.#deps.engine.request('runs.analyze', { task: record.prompt.task, raw: record.text, seen, region, vaePath })) ?? undefined;
    } catch (err) {
      // The output is kept either way; a parser that failed (its process died, say) is said, not fatal.
      const { code, message } = toAppError(err);
      record.error ??= { code, message: `the output could not be parsed: ${message}` };
      return undefined;
    }
  }

  /** A failure as the person should read it: which model, where it lives, and what is wrong. */
  #describe(err: { code: string; message: string }, name: string, location: string, status: string): AppError {
    const code = ErrorCode.safeParse(err.code).data ?? 'INTERNAL';
    const message = err.message;
    if (status !== 'error' || !MODEL_CODES.has(code)) return { code, message };
    const where = message.includes(location) ? '' : ` (${location})`;
    return { code, message: `model “${name}”${where}: ${message}` };
  }
}
