// Batches in the app: a task × a model over every page of some open documents, through the project store's queue
// (models/batch), with the app's engine host as the runner. The store is the queue, so a batch survives a crash:
// on start-up, a batch the crash left running is resumed, and the page it was on runs again (its run was never kept).
//
// One batch runs at a time (one model run at a time per engine host); others wait with status 'queued' and run in
// the order they were created. Pause keeps the page in progress (it finishes and is kept), cancel abandons it.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BatchItem, BatchStartRequest, BatchStartResult, BatchSummary } from '../../preload/contract';
import { BUILTIN_OCR, builtinOcrModelName, isTaskName, promptText } from '../../models/tasks/table';
import { safeFileName } from '../files/export-names';
import { BatchQueue, type BatchEvent } from '../../models/batch/queue';
import { enqueueBatch } from '../../models/batch/enqueue';
import { PageSource } from '../../models/batch/page-source';
import type { PageRequest, PageResult, Runner } from '../../models/batch/runner';
import type { Store } from '../../models/store/store';
import type { BatchRecord, BatchStatus } from '../../models/store/types';
import type { RawImage } from '../../models/documents';
import { ocrPageResult } from '../../models/batch/ocr-result';
import type { OcrService } from './ocr';
import { AppFailure, toAppError } from '../ipc/dispatcher';
import type { EngineClient } from '../engine/client';
import type { EnginePrefs } from '../engine/protocol';
import type { DocumentService } from './documents';
import type { ModelCatalog } from './models';
import type { ProjectService } from './project';
import { HELD_REASON } from './untrusted-batches';
import { batchPageResult } from '../../models/runs/pipeline';

export interface BatchServiceDeps {
  project: ProjectService;
  documents: DocumentService;
  engine: EngineClient;
  models: ModelCatalog;
  /** Where documents opened from bytes are kept so a batch can reopen them after a restart (`<userData>/documents`). */
  documentsDir: string;
  /** Refuses reading a document the person did not give this app (untrusted-batches.ts); checked before each page. */
  sourceGuard?: { check(store: Store, path: string): Promise<void> };
  /** Every change of a batch (state, page started, page kept, progress) goes here: the app sends it to all windows. */
  onProgress?: (summary: BatchSummary) => void;
  log?: { warn(message: string): void; error(message: string): void };
  /** The person's engine settings, read for each page so a change applies from the next page on (Settings). */
  enginePrefs?: () => EnginePrefs;
  /** The built-in OCR as the OCR panel reads a page (threads and the recognizer chosen in Settings). */
  ocr: Pick<OcrService, 'chosenRecognizer' | 'readPage'>;
}

/** A page prepared for the model: its pixels as rendered (no image encoding: the engine host takes them as they are). */
type Prepared = RawImage;

interface Active {
  batchId: number;
  queue: BatchQueue;
  current: { document: string; page: number } | null;
  etaMs: number | null;
  /** The person paused it (a quit's pause is not theirs: the batch resumes on the next start). */
  pausedByPerson: boolean;
  done: Promise<void>;
}

const EXTENSIONS: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', bmp: 'bmp', gif: 'gif', tiff: 'tif', pdf: 'pdf' };

export class BatchService {
  readonly #deps: BatchServiceDeps;
  readonly #pages = new PageSource();
  #active: Active | null = null;
  /** Why a batch stopped on its own (its model is gone), by batch id; in memory: it is about this session. */
  readonly #problems = new Map<number, string>();
  #closed = false;

  constructor(deps: BatchServiceDeps) {
    this.#deps = deps;
  }

  /** Resumes the batches a crash (or a quit) left running, then the queued ones. Call once at start-up. */
  resumeInterrupted(): void {
    const store = this.#deps.project.store;
    if (!store) return;
    const interrupted = store.batches().filter((b) => b.status === 'running');
    if (interrupted.length) this.#deps.log?.warn(`resuming ${interrupted.length} batch(es) left running: ${interrupted.map((b) => b.id).join(', ')}`);
    this.#pump();
  }

  async start(input: BatchStartRequest): Promise<BatchStartResult> {
    const store = this.#deps.project.requireStore('A batch');
    const task = input.task;
    const builtin = task === BUILTIN_OCR.task;
    // A built-in OCR batch keeps the recognizer chosen when it starts: its pages are all read with it, its name says
    // so, and the same documents read with another recognizer are another batch.
    const recognizer = builtin ? this.#deps.ocr.chosenRecognizer() : null;
    const model = builtin
      ? { id: BUILTIN_OCR.modelId, name: builtinOcrModelName(recognizer) }
      : this.#deps.models.get(input.modelId ?? '');
    const prompt = task === BUILTIN_OCR.task ? '' : promptText(task, input.prompt);
    // Every document must be open; a path is what the store and the queue know it by (bytes are kept first).
    const named = new Map<string, string>();
    const inputs: string[] = [];
    const pagesOf = new Map<string, { index: number; width: number; height: number }[]>();
    for (const id of [...new Set(input.documentIds)]) {
      const summary = this.#deps.documents.list().find((d) => d.id === id);
      if (!summary) throw new AppFailure('NOT_FOUND', `no open document with id ${id}`);
      const path = await this.#pathOf(id, summary.format);
      named.set(path, summary.name);
      inputs.push(path);
      pagesOf.set(path, summary.pages);
    }
    const parameters = builtin ? (recognizer ? { recognizer } : {}) : { maxNewTokens: input.maxNewTokens };
    // The pages as the app opened them (no second decode); a path not open here is inspected from the file.
    const enq = await enqueueBatch(store, { inputs, task: input.task, prompt, modelId: model.id, modelName: model.name, parameters }, async (path) => {
      const pages = pagesOf.get(path);
      return pages ? { pages } : this.#pages.inspect(path);
    });
    const problems = enq.problems.map((p) => ({ document: named.get(p.path) ?? basename(p.path), reason: p.reason }));
    if (store.batchItems(enq.batch.id).length === 0) {
      store.setBatchStatus(enq.batch.id, 'cancelled');
      throw new AppFailure('CORRUPT_FILE', `no page could be queued: ${problems.map((p) => `${p.document}: ${p.reason}`).join('; ') || 'the documents have no pages'}`);
    }
    // A cancelled or paused batch started again (the same request) is resumed; a done one with new pages runs them.
    const status = store.batch(enq.batch.id)!.status;
    if (status !== 'running' && (status !== 'done' || enq.added > 0)) store.setBatchStatus(enq.batch.id, 'queued');
    this.#problems.delete(enq.batch.id);
    this.#pump();
    const batch = this.summary(enq.batch.id);
    this.#emit(batch);
    return { batch, added: enq.added, resumed: enq.resumed, problems };
  }

  /** Newest first. Without a store this fails with the reason, so the Batch tab can say why it is empty. */
  list(): BatchSummary[] {
    const store = this.#deps.project.requireStore('Batches');
    return store.batches().reverse().map((b) => this.#summarize(store, b));
  }

  pause(batchId: number): BatchSummary {
    const store = this.#storeWith(batchId);
    if (this.#active?.batchId === batchId) {
      this.#active.pausedByPerson = true;
      this.#active.queue.pause();
    }
    else if (store.batch(batchId)!.status === 'queued') store.setBatchStatus(batchId, 'paused');
    return this.#changed(batchId);
  }

  async resume(batchId: number): Promise<BatchSummary> {
    const store = this.#storeWith(batchId);
    const active = this.#active;
    if (active?.batchId === batchId) {
      // Paused but still finishing its page: wait for it to stop, then queue it again. Running: nothing to do.
      if (!active.pausedByPerson) return this.#changed(batchId);
      await active.done;
    }
    const status = store.batch(batchId)!.status;
    if (this.#active?.batchId !== batchId && status !== 'done') {
      store.setBatchStatus(batchId, 'queued');
      this.#problems.delete(batchId);
      this.#pump();
    }
    return this.#changed(batchId);
  }

  async cancel(batchId: number): Promise<BatchSummary> {
    const store = this.#storeWith(batchId);
    const active = this.#active;
    if (active?.batchId === batchId) {
      active.queue.cancel();
      await active.done;
    } else if (store.batch(batchId)!.status !== 'done') {
      store.cancelQueued(batchId);
      store.setBatchStatus(batchId, 'cancelled');
    }
    return this.#changed(batchId);
  }

  items(batchId: number): BatchItem[] {
    const store = this.#storeWith(batchId);
    // A page the model failed on is a finished item with a run of status 'error': for the person, a failed page.
    const runErrors = new Map<number, string>();
    for (const r of store.db.prepare("SELECT r.id, r.error FROM runs r JOIN batch_items bi ON bi.run_id = r.id WHERE bi.batch_id = ? AND r.status = 'error'").all(batchId) as { id: number; error: string | null }[]) {
      runErrors.set(r.id, r.error ?? 'the model failed on this page');
    }
    return store.batchItems(batchId).map((i) => {
      const runError = i.runId !== null ? runErrors.get(i.runId) : undefined;
      return {
        id: i.id, seq: i.seq, document: this.#displayName(i.documentPath), page: i.page,
        status: runError !== undefined ? 'failed' : i.status, attempts: i.attempts, runId: i.runId, error: runError ?? i.error,
      };
    });
  }

  summary(batchId: number): BatchSummary {
    const store = this.#storeWith(batchId);
    return this.#summarize(store, store.batch(batchId)!);
  }

  /** What keeps the project from changing: the batch on the model now (null when none runs). */
  busy(): string | null {
    return this.#active ? `batch ${this.#active.batchId} is running` : null;
  }

  /** The project store was switched: this session's problems were about the old one's batches; resume the new one's. */
  projectChanged(held: readonly number[] = []): void {
    this.#problems.clear();
    // Batches the new project held as running or queued were paused when it opened (untrusted-batches.ts): say why.
    for (const id of held) this.#problems.set(id, HELD_REASON);
    this.resumeInterrupted();
  }

  /** Stops the running batch for a quit: the page in progress goes back to the queue and runs first on the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    const active = this.#active;
    if (active) {
      active.queue.pause({ abandonCurrent: true });
      await active.done;
      // A quit is not a pause the person chose: leave it 'running' so the next start resumes it.
      const store = this.#deps.project.store;
      if (store && !active.pausedByPerson && store.batch(active.batchId)?.status === 'paused') store.setBatchStatus(active.batchId, 'running');
    }
    await this.#pages.close();
  }

  // ---- running ----

  /** Starts the next batch waiting (left running by a crash first, then queued, oldest first) unless one runs. */
  #pump(): void {
    const store = this.#deps.project.store;
    if (this.#active || !store || this.#closed) return;
    const waiting = store.batches().filter((b) => b.status === 'running' || b.status === 'queued');
    const next = waiting.find((b) => b.status === 'running') ?? waiting[0];
    if (!next) return;
    let modelDir = '';
    if (next.modelId !== BUILTIN_OCR.modelId) {
      try {
        modelDir = this.#deps.models.get(next.modelId).location;
      } catch (err) {
        // Every page would fail the same way: stop the batch with the reason instead; resume once the model is back.
        this.#problems.set(next.id, toAppError(err).message);
        store.setBatchStatus(next.id, 'paused');
        this.#emit(this.#summarize(store, next));
        this.#pump();
        return;
      }
    }
    const runner = this.#runner(modelDir);
    const active: Active = { batchId: next.id, queue: null!, current: null, etaMs: null, pausedByPerson: false, done: Promise.resolve() };
    active.queue = new BatchQueue(store, next.id, runner, { onEvent: (e) => this.#onEvent(active, e) });
    this.#active = active;
    active.done = active.queue.run().then(
      () => undefined,
      (err: unknown) => {
        // The store refused a write (disk full, file removed): the batch stops; what was kept stays kept.
        this.#problems.set(next.id, toAppError(err).message);
        this.#deps.log?.error(`batch ${next.id} stopped: ${toAppError(err).message}`);
        try { store.setBatchStatus(next.id, 'paused'); } catch { /* the store is gone too */ }
      },
    ).finally(() => {
      this.#active = null;
      try { this.#emit(this.#summarize(store, store.batch(next.id)!)); } catch { /* closed */ }
      this.#pump();
    });
  }

  #onEvent(active: Active, e: BatchEvent): void {
    if (e.type === 'start') active.current = { document: this.#displayName(e.item.documentPath), page: e.item.page };
    else if (e.type === 'item') active.current = null;
    else if (e.type === 'progress') active.etaMs = e.etaMs;
    if (e.type === 'state' && e.status !== 'running') active.current = null;
    const store = this.#deps.project.store;
    if (store) this.#emit(this.#summarize(store, store.batch(e.batchId)!));
  }

  /** The app's runner: pages rendered in main (the next one while the model reads this one), the model in the engine host. */
  #runner(modelDir: string): Runner<Prepared> {
    const { engine, models, project, sourceGuard, enginePrefs, ocr } = this.#deps;
    const pages = this.#pages;
    return {
      async preparePage(req: PageRequest, signal: AbortSignal): Promise<Prepared> {
        if (sourceGuard && project.store) await sourceGuard.check(project.store, req.documentPath);
        return pages.render(req.documentPath, req.page, signal);
      },
      async runPage(req, signal): Promise<PageResult> {
        const p = req.prepared!;
        if (req.task === BUILTIN_OCR.task) {
          const recognizer = typeof req.parameters.recognizer === 'string' ? req.parameters.recognizer : null;
          return ocrPageResult(await ocr.readPage(p, { signal, recognizer, strict: true }));
        }
        if (!isTaskName(req.task)) throw new Error(`this batch's task "${req.task}" is not one this Paliscope knows`);
        const maxNewTokens = typeof req.parameters.maxNewTokens === 'number' ? req.parameters.maxNewTokens : 64;
        // The run pipeline in the engine host, as the Ask-model panel runs it: page pixels in, generated and analyzed
        // in one call, so main never loads RDKit, Verovio or the mask decoder.
        const outcome = await engine.request('runs.run', {
          modelDir, task: req.task, prompt: req.prompt, image: p, maxNewTokens, strategy: { kind: 'greedy' }, region: null,
          vaePath: req.task === 'segment' ? models.maskDecoder() : null,
          ...(enginePrefs ? { prefs: enginePrefs() } : {}),
        }, { signal });
        return batchPageResult(outcome);
      },
      // Open documents are kept across batches (PageSource keeps the last two); close() releases them at quit.
    };
  }

  // ---- helpers ----

  /**
   * The path a batch knows an open document by. A document opened from bytes (dropped, picked in a browser) has none:
   * its bytes are written once to `<documentsDir>/<sha256>/<its name>` — content-addressed, so the same bytes are
   * written once, and the folder keeps the person's file name for lists and exports (a bare `<sha256>.<ext>` would
   * show a hash). Written to a temporary name and renamed, so a crash never leaves a half file under the final name.
   */
  async #pathOf(documentId: string, format: string): Promise<string> {
    const source = this.#deps.documents.source(documentId);
    if ('path' in source) return source.path;
    const sha = createHash('sha256').update(source.bytes).digest('hex');
    const dir = join(this.#deps.documentsDir, sha);
    const path = join(dir, safeFileName(source.name, EXTENSIONS[format] ?? 'bin'));
    if (existsSync(path)) return path;
    const temp = join(dir, `.${randomUUID()}.part`);
    try {
      // Asynchronous: a large scan must not stall main (and with it every window) while it is written.
      await mkdir(dir, { recursive: true });
      await writeFile(temp, source.bytes, { flush: true });
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw new AppFailure('INTERNAL', `${source.name}: could not be kept for the batch in ${dir}: ${toAppError(err).message}`);
    }
    return path;
  }

  #displayName(path: string): string {
    return basename(path);
  }

  #storeWith(batchId: number): Store {
    const store = this.#deps.project.requireStore('Batches');
    if (!store.batch(batchId)) throw new AppFailure('NOT_FOUND', `no batch ${batchId} in ${store.path}`);
    return store;
  }

  #changed(batchId: number): BatchSummary {
    const s = this.summary(batchId);
    this.#emit(s);
    return s;
  }

  #summarize(store: Store, b: BatchRecord): BatchSummary {
    const rows = store.db.prepare(
      `SELECT bi.status AS status, r.status AS run, count(*) AS n FROM batch_items bi LEFT JOIN runs r ON r.id = bi.run_id WHERE bi.batch_id = ? GROUP BY bi.status, r.status`,
    ).all(b.id) as { status: string; run: string | null; n: number }[];
    const counts = { total: 0, done: 0, failed: 0, queued: 0, cancelled: 0 };
    for (const r of rows) {
      counts.total += r.n;
      if (r.status === 'done') counts[r.run === 'error' ? 'failed' : 'done'] += r.n;
      else if (r.status === 'failed') counts.failed += r.n;
      else if (r.status === 'cancelled') counts.cancelled += r.n;
      else counts.queued += r.n; // queued, and the one running
    }
    const docs = store.db.prepare(
      'SELECT d.path AS path FROM batch_items bi JOIN pages p ON p.id = bi.page_id JOIN documents d ON d.id = p.document_id WHERE bi.batch_id = ? GROUP BY d.id ORDER BY min(bi.seq)',
    ).all(b.id) as { path: string }[];
    const active = this.#active?.batchId === b.id ? this.#active : null;
    return {
      id: b.id,
      task: b.task,
      prompt: b.prompt,
      model: { id: b.modelId, name: b.modelName },
      status: b.status as BatchStatus,
      counts,
      etaMs: active && b.status === 'running' ? active.etaMs : null,
      current: active && b.status === 'running' ? active.current : null,
      documents: docs.map((d) => this.#displayName(d.path)),
      problem: this.#problems.get(b.id) ?? null,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
    };
  }

  #emit(summary: BatchSummary): void {
    try {
      this.#deps.onProgress?.(summary);
    } catch (err) {
      this.#deps.log?.warn(`batch progress could not be sent: ${toAppError(err).message}`);
    }
  }
}
