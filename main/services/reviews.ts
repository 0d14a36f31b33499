// The review workspace's side in main: the project store's results (lowest confidence first), one result with its
// page, reviews (accept / correct / reject) with undo, redo and the history, two runs on one page compared, and exports
// of the reviewed truth. Also keeps every final app run in the store (`keep`, RunService's onKept hook), with its
// document registered by content hash, so a result outlives the session that produced it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type {
  ReviewComparison, ReviewDetail, ReviewExportRequest, ReviewFilter, ReviewHistoryEntry, ReviewItem, ReviewList, ReviewSet,
  ReviewState, RunRecord as AppRunRecord, SmilesCheck, OcrPage, KernCheck,
} from '../../preload/contract';
import { ReviewExportRequest as ReviewExportRequestSchema, ReviewFilter as ReviewFilterSchema } from '../../preload/contract';
import type { Store } from '../../models/store/store';
import type { ResultRow, ReviewHistoryEntry as StoreHistoryEntry, ReviewState as StoreState } from '../../models/store/types';
import { onlyReviewed, toCoco, toCsv, toJsonl } from '../../models/store/export';
import { fileIdentity } from '../../models/store/hash';
import type { DocumentSource, LoadedDocument } from '../../models/documents';
import { AppFailure } from '../ipc/dispatcher';
import type { DocumentService, OpenDocument } from './documents';
import type { Analyze } from './runs';
import { asRunParsed, checkKern, checkSmiles, compareValues, correctedValue, ocrLinesOf, summarize } from './review-values';
import { reviewedBundle } from './review-bundle';
import { isRegion, toStoreRun } from './run-records';
import type { ExportParsed } from '../files/run-export';
import { ocrPageResult } from '../../models/batch/ocr-result';
import { BUILTIN_OCR } from '../../models/tasks/table';

// ---- document identity ----

export interface DocumentIdentity {
  /** The file's path, or the name of a file that arrived as bytes (dropped or picked in a browser). */
  path: string;
  sha256: string;
  size: number;
  mtimeMs: number | null;
}

/**
 * Remembers the content hash of every document the app opens, so runs on it can be filed in the store by content. It
 * wraps the host's opener (DocumentService only keeps the loaded document); hashing a path streams the file after the
 * open returned, so opening is never slowed by it.
 */
export class DocumentIdentities {
  readonly #pending = new WeakMap<LoadedDocument, Promise<DocumentIdentity | null>>();
  readonly #known = new WeakMap<LoadedDocument, DocumentIdentity>();

  wrap(open: OpenDocument): OpenDocument {
    return async (source, opts) => {
      const doc = await open(source, opts);
      const p = identify(source).then((id) => { this.#known.set(doc, id); return id; }, () => null);
      this.#pending.set(doc, p);
      return doc;
    };
  }

  /** The identity of an open document (waits for its hash); null when it could not be read. */
  async of(doc: LoadedDocument): Promise<DocumentIdentity | null> {
    return this.#known.get(doc) ?? (await this.#pending.get(doc)) ?? null;
  }

  /** The identity if already known, without waiting. */
  peek(doc: LoadedDocument): DocumentIdentity | undefined {
    return this.#known.get(doc);
  }
}

async function identify(source: DocumentSource): Promise<DocumentIdentity> {
  if ('path' in source) {
    const id = await fileIdentity(source.path);
    return { path: source.path, sha256: id.sha256, size: id.size, mtimeMs: id.mtimeMs };
  }
  return { path: source.name, sha256: createHash('sha256').update(source.bytes).digest('hex'), size: source.bytes.byteLength, mtimeMs: null };
}

// ---- redo, derived from the store's history ----

const sameState = (a: StoreState | null, b: StoreState | null): boolean =>
  a === b || (!!a && !!b && a.status === b.status && (a.note ?? null) === (b.note ?? null) && JSON.stringify(a.value ?? null) === JSON.stringify(b.value ?? null));

/**
 * Reads undo and redo out of a run's history. The store records undos (`undo_of`) but has no redo of its own: a redo
 * is a plain change that applies an undone entry's state again, so it is recorded like any change and can itself be
 * undone. Replaying the history in order with a stack of undone entries tells which changes were redos (a change that
 * re-applies the top of the stack from the state that entry started from) and what a redo would apply now; any other
 * change empties the stack, as in every editor.
 */
export function historyPlan(entries: readonly StoreHistoryEntry[]): { redo: StoreHistoryEntry | null; canUndo: boolean; redoOf: Map<number, number> } {
  const byId = new Map(entries.map((e) => [e.id, e]));
  let stack: StoreHistoryEntry[] = [];
  const redoOf = new Map<number, number>();
  const undone = new Set<number>();
  for (const e of entries) {
    if (e.undoOf !== null) {
      undone.add(e.undoOf);
      const target = byId.get(e.undoOf);
      if (target) stack.push(target);
      continue;
    }
    const top = stack.at(-1);
    if (top && sameState(e.state, top.state) && sameState(e.previous, top.previous)) {
      stack.pop();
      redoOf.set(e.id, top.id);
    } else {
      stack = [];
    }
  }
  const canUndo = entries.some((e) => e.undoOf === null && !undone.has(e.id));
  return { redo: stack.at(-1) ?? null, canUndo, redoOf };
}

// ---- the service ----

export interface ReviewServiceDeps {
  /** Parses outputs (SMILES by RDKit, **kern by Verovio): the engine host's 'tasks.analyze' in the app. */
  analyze: Analyze;
  /** Writes a result as a file (Verovio, exceljs): the engine host's 'tasks.export' in the app. */
  exportParsed?: ExportParsed;
  /** The project store, or null when there is none (see ProjectService). */
  store: () => Store | null;
  /** Why there is no store. */
  unavailable?: () => string | null;
  documents: DocumentService;
  identities: DocumentIdentities;
  log?: { warn(message: string): void };
}

export class ReviewService {
  readonly #deps: ReviewServiceDeps;
  /** Keeps runs in the order they were reported, one at a time (document registration is read-then-write). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: ReviewServiceDeps) {
    this.#deps = deps;
  }

  #store(what: string): Store {
    const s = this.#deps.store();
    if (s) return s;
    throw new AppFailure('UNSUPPORTED', `${what} needs the project store, which is not available: ${this.#deps.unavailable?.() ?? 'it is closed'}`);
  }

  // ---- keeping app runs ----

  /** RunService's onKept: files a final run in the store. Never throws (a failure is logged). */
  keep(record: AppRunRecord): Promise<number | null> {
    return this.#enqueue(`run ${record.id}`, () => this.#keep(record));
  }

  /** Resolves once every run reported so far is in the store (tests, and before an export). */
  settled(): Promise<unknown> {
    return this.#queue;
  }

  /** The built-in OCR's page result (an `ocr.run` page), kept as the batches keep it: task 'ocr-builtin'. */
  keepOcr(documentId: string, pageIndex: number, result: OcrPage): Promise<number | null> {
    return this.#enqueue(`OCR of page ${pageIndex + 1}`, async () => {
      const store = this.#deps.store();
      if (!store) return null;
      const pageId = await this.#pageId(store, documentId, pageIndex);
      const { raw, parsed, timings, provider } = ocrPageResult(result);
      return store.addRun({ pageId, modelId: BUILTIN_OCR.modelId, modelName: BUILTIN_OCR.modelName, task: BUILTIN_OCR.task, prompt: '', parameters: {}, provider, timings, raw, parsed, status: 'done' }).id;
    });
  }

  #enqueue(what: string, job: () => Promise<number | null>): Promise<number | null> {
    const next = this.#queue.then(job).catch((err: unknown) => {
      this.#deps.log?.warn(`${what} was not kept in the project store: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    this.#queue = next;
    return next;
  }

  /** The store's page for a page of an open document, registering the document by its content hash. */
  async #pageId(store: Store, documentId: string, index: number): Promise<number> {
    const doc = this.#deps.documents.get(documentId);
    const id = await this.#deps.identities.of(doc);
    if (!id) throw new Error(`the content of ${doc.name} could not be read, so it cannot be filed by its hash`);
    const { document } = store.registerDocument(
      { path: id.path, sha256: id.sha256, pageCount: doc.pages.length, size: id.size, mtimeMs: id.mtimeMs },
      { stillHolds: (old) => isAbsolute(old) && existsSync(old) },
    );
    const pages = store.ensurePages(document.id, doc.pages.map((p) => ({ index: p.index, width: p.width, height: p.height })));
    const page = pages.find((p) => p.index === index);
    if (!page) throw new Error(`${doc.name} has no page ${index + 1}`);
    return page.id;
  }

  async #keep(record: AppRunRecord): Promise<number | null> {
    const store = this.#deps.store();
    if (!store) return null;
    return store.addRun(toStoreRun(record, await this.#pageId(store, record.documentId, record.page))).id;
  }

  // ---- the results list ----

  /** Waits for runs still being filed, so a result pasted a moment ago is in the list. */
  async list(input: ReviewFilter): Promise<ReviewList> {
    await this.settled();
    const store = this.#deps.store();
    if (!store) return { items: [], tasks: [], models: [], unavailable: this.#deps.unavailable?.() ?? 'there is no project store' };
    const f = ReviewFilterSchema.parse(input);
    const rows = store.results({
      ...(f.task ? { task: f.task } : {}), ...(f.modelId ? { modelId: f.modelId } : {}), ...(f.status ? { review: f.status } : {}),
      ...(f.maxConfidence !== undefined ? { maxConfidence: f.maxConfidence } : {}), orderBy: 'confidence', limit: f.limit, offset: f.offset,
    });
    const tasks = (store.db.prepare('SELECT DISTINCT task FROM runs ORDER BY task').all() as { task: string }[]).map((r) => r.task);
    const models = store.db.prepare('SELECT model_id AS id, max(model_name) AS name FROM runs GROUP BY model_id ORDER BY name').all() as { id: string; name: string }[];
    return { items: rows.map(toItem), tasks, models, unavailable: null };
  }

  // ---- one result ----

  async get(runId: number): Promise<ReviewDetail> {
    const store = this.#store('reviewing');
    const row = resultRow(store, runId);
    const entries = store.reviewHistory(runId);
    const plan = historyPlan(entries);
    const region = (row.run.parameters as { region?: unknown } | null)?.region;
    const image = await this.#imageOf(row);
    // Runs of the same task first: those are the ones worth comparing.
    const samePage = store.runsOfPage(row.run.pageId).filter((r) => r.id !== runId).sort((x, y) => Number(y.task === row.run.task) - Number(x.task === row.run.task) || x.id - y.id).map((r) => ({ runId: r.id, task: r.task, model: { id: r.modelId, name: r.modelName }, createdAt: r.createdAt }));
    const parsed = asRunParsed(row.run.parsed);
    return {
      ...toItem(row),
      prompt: row.run.prompt,
      raw: row.run.raw,
      error: row.run.error,
      parsed,
      value: row.review?.status === 'corrected' ? asRunParsed(row.review.value) : parsed,
      ocrLines: ocrLinesOf(row.review?.status === 'corrected' ? row.review.value : row.run.parsed),
      ocrLinesOriginal: ocrLinesOf(row.run.parsed),
      pageSize: row.page.width && row.page.height ? { width: row.page.width, height: row.page.height } : null,
      region: isRegion(region) ? region : null,
      image: image.documentId ? { documentId: image.documentId, page: row.page.index } : null,
      imageUnavailable: image.reason,
      history: entries.map((e) => toHistory(e, plan.redoOf)),
      canUndo: plan.canUndo,
      canRedo: plan.redo !== null,
      samePage,
    };
  }

  history(runId: number): ReviewHistoryEntry[] {
    const store = this.#store('the review history');
    resultRow(store, runId);
    const entries = store.reviewHistory(runId);
    const plan = historyPlan(entries);
    return entries.map((e) => toHistory(e, plan.redoOf));
  }

  /** The open document showing a stored document's pages: found by content hash, else opened from its path. */
  async #imageOf(row: ResultRow): Promise<{ documentId: string | null; reason: string | null }> {
    const { documents, identities } = this.#deps;
    for (const summary of documents.list()) {
      const id = identities.peek(documents.get(summary.id)) ?? (await identities.of(documents.get(summary.id)));
      if (id?.sha256 === row.document.sha256) return { documentId: summary.id, reason: null };
    }
    const path = row.document.path;
    if (isAbsolute(path) && existsSync(path)) {
      try {
        const opened = await documents.openPath(path);
        const id = await identities.of(documents.get(opened.id));
        if (id?.sha256 === row.document.sha256) return { documentId: opened.id, reason: null };
        await documents.close(opened.id);
        return { documentId: null, reason: `${basename(path)} has changed since this result was made (its content is not the same)` };
      } catch (err) {
        return { documentId: null, reason: `${basename(path)} could not be opened: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    return { documentId: null, reason: `${basename(path)} is not open and is not at a path Paliscope can open; open it to see the page` };
  }

  // ---- reviewing ----

  async set(input: ReviewSet): Promise<ReviewDetail> {
    const store = this.#store('reviewing');
    const row = resultRow(store, input.runId);
    if (input.status === 'corrected') {
      const size = row.page.width && row.page.height ? { width: row.page.width, height: row.page.height } : null;
      const value = await correctedValue(this.#deps.analyze, input.runId, row.run.task, row.run.parsed, input.correction, size);
      store.setReview(input.runId, { status: 'corrected', value, note: input.note ?? null });
    } else {
      store.setReview(input.runId, { status: input.status, note: input.note ?? null });
    }
    return this.get(input.runId);
  }

  async undo(runId: number): Promise<ReviewDetail> {
    const store = this.#store('undo');
    resultRow(store, runId);
    if (store.undoReview(runId) === undefined) throw new AppFailure('BAD_INPUT', `result ${runId} has no change left to undo`);
    return this.get(runId);
  }

  /** Applies again the change undone last (recorded as a new change, so the history keeps every step). */
  async redo(runId: number): Promise<ReviewDetail> {
    const store = this.#store('redo');
    resultRow(store, runId);
    const { redo } = historyPlan(store.reviewHistory(runId));
    if (!redo) throw new AppFailure('BAD_INPUT', `result ${runId} has nothing to redo`);
    if (redo.state) store.setReview(runId, { status: redo.state.status, value: redo.state.value ?? undefined, note: redo.state.note });
    else throw new AppFailure('BAD_INPUT', `result ${runId}: the change to redo cleared the review, which only an undo does`);
    return this.get(runId);
  }

  checkSmiles(smiles: string): Promise<SmilesCheck> {
    return checkSmiles(this.#deps.analyze, smiles);
  }

  async checkKern(kern: string): Promise<KernCheck> {
    return { music: await checkKern(this.#deps.analyze, kern) };
  }

  // ---- comparing ----

  compare(a: number, b: number): ReviewComparison {
    const store = this.#store('comparing results');
    const ra = resultRow(store, a), rb = resultRow(store, b);
    if (ra.run.pageId !== rb.run.pageId) {
      throw new AppFailure('BAD_INPUT', `results ${a} and ${b} are on different pages (${basename(ra.document.path)} p. ${ra.page.index + 1}, ${basename(rb.document.path)} p. ${rb.page.index + 1}); only runs on the same page are compared`);
    }
    const value = (r: ResultRow) => (r.review?.status === 'corrected' ? r.review.value : r.run.parsed);
    return compareValues({ a, b }, value(ra), value(rb));
  }

  // ---- exports ----

  async export(input: ReviewExportRequest): Promise<{ fileName: string; mime: string; bytes: Uint8Array; results: number }> {
    const store = this.#store('exporting results');
    await this.settled();
    const req = ReviewExportRequestSchema.parse(input);
    let rows = store.results({ ...(req.task ? { task: req.task } : {}), ...(req.modelId ? { modelId: req.modelId } : {}) });
    if (req.only === 'reviewed') rows = onlyReviewed(rows);
    const stem = `paliscope-results${req.only === 'reviewed' ? '-reviewed' : ''}`;
    let file: { fileName: string; mime: string; text: string; results: number };
    if (req.format === 'jsonl') file = { fileName: `${stem}.jsonl`, mime: 'application/x-ndjson', text: toJsonl(rows), results: rows.length };
    else if (req.format === 'csv') file = { fileName: `${stem}.csv`, mime: 'text/csv', text: toCsv(rows), results: rows.length };
    else if (req.format === 'bundle') {
      const bundle = await reviewedBundle(rows, `Paliscope results${req.only === 'reviewed' ? ' (accepted and corrected only)' : ''}, exported ${new Date().toISOString()}`, this.#deps.exportParsed);
      store.recordExport({ format: req.format, onlyReviewed: req.only === 'reviewed', path: `${stem}.zip`, results: bundle.results });
      return { fileName: `${stem}.zip`, mime: 'application/zip', bytes: bundle.bytes, results: bundle.results };
    } else {
      const coco = toCoco(rows, 'Paliscope review export');
      file = { fileName: `${stem}.coco.json`, mime: 'application/json', text: JSON.stringify(coco, null, 1) + '\n', results: new Set(coco.annotations.map((x) => x.run_id)).size };
    }
    store.recordExport({ format: req.format, onlyReviewed: req.only === 'reviewed', path: file.fileName, results: file.results });
    return { fileName: file.fileName, mime: file.mime, bytes: new TextEncoder().encode(file.text), results: file.results };
  }
}

// ---- mapping ----

function resultRow(store: Store, runId: number): ResultRow {
  const run = store.run(runId);
  if (!run) throw new AppFailure('NOT_FOUND', `there is no result ${runId} in the project store`);
  const page = store.page(run.pageId)!;
  const document = store.document(page.documentId)!;
  return { run, page: { index: page.index, width: page.width, height: page.height }, document: { id: document.id, path: document.path, sha256: document.sha256 }, review: store.review(runId) ?? null };
}

function toState(s: StoreState | null): ReviewState | null {
  return s && { status: s.status, value: s.status === 'corrected' ? asRunParsed(s.value) : null, note: s.note };
}

function toHistory(e: StoreHistoryEntry, redoOf: Map<number, number>): ReviewHistoryEntry {
  return { id: e.id, state: toState(e.state), previous: toState(e.previous), undoOf: e.undoOf, redoOf: redoOf.get(e.id) ?? null, at: e.at };
}

function toItem(r: ResultRow): ReviewItem {
  const conf = r.run.confidence;
  return {
    runId: r.run.id,
    document: { id: r.document.id, name: basename(r.document.path), sha256: r.document.sha256 },
    page: r.page.index,
    task: r.run.task,
    model: { id: r.run.modelId, name: r.run.modelName },
    runStatus: r.run.status,
    confidence: conf === null ? null : Math.min(1, Math.max(0, conf)),
    review: r.review && toState(r.review),
    summary: summarize(r.review?.status === 'corrected' ? r.review.value : r.run.parsed),
    createdAt: r.run.createdAt,
  };
}

