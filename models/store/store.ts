// The durable store: documents, pages, model runs, reviews (with their history), batches and exports in one SQLite
// file (the app's store in its user-data folder, or a `.paliscope` project file the user picks: the same format).
//
// Durability: WAL journal with synchronous=FULL. In WAL mode, NORMAL already survives a killed process (SIGKILL), but
// a commit can still be lost to a power cut or an OS crash because the WAL is not synced at each commit. FULL syncs
// the WAL on every commit, so once a method below has returned, its write is on disk: that is what "acknowledged"
// means for the batch queue and the review UI. The cost is one fsync per commit; the queue commits once per page, so
// it is noise next to a model run. Every multi-row change (a run and its batch item, a review and its history entry)
// is one transaction, so a crash leaves either all of it or none of it.
import Database from 'better-sqlite3';
import { migrate } from './migrations';
import type {
  BatchCounts, BatchInput, BatchItemRecord, BatchRecord, BatchStatus, DocumentInput, DocumentMatch, DocumentRecord,
  ExportRecord, PageRecord, ResultFilter, ResultRow, ReviewHistoryEntry, ReviewRecord, ReviewState, ReviewStatus,
  RunInput, RunRecord,
} from './types';

export interface StoreOptions {
  /** Open an existing store only (the CLI's export must not create an empty project by a typo). */
  mustExist?: boolean;
  readonly?: boolean;
  /**
   * Path of a better_sqlite3.node built for another runtime. The add-on is not N-API: the copy in node_modules is
   * built for Node (CLI, tests, headless host); Electron's main process needs one rebuilt for Electron's ABI.
   */
  nativeBinding?: string;
}

type Row = Record<string, unknown>;

const now = (): string => new Date().toISOString();
const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
const unjson = (s: unknown): unknown => (typeof s === 'string' ? JSON.parse(s) : null);
const REVIEW_STATUSES: readonly ReviewStatus[] = ['accepted', 'corrected', 'rejected'];

function toDocument(r: Row): DocumentRecord {
  return {
    id: r.id as number, path: r.path as string, sha256: r.sha256 as string, pageCount: r.page_count as number, size: r.size as number,
    mtimeMs: (r.mtime_ms as number | null) ?? null, replacedBy: (r.replaced_by as number | null) ?? null, addedAt: r.added_at as string,
  };
}
function toPage(r: Row): PageRecord {
  return { id: r.id as number, documentId: r.document_id as number, index: r.page_index as number, width: r.width as number | null, height: r.height as number | null };
}
function toRun(r: Row): RunRecord {
  return {
    id: r.id as number, pageId: r.page_id as number, modelId: r.model_id as string, modelName: r.model_name as string, task: r.task as string,
    prompt: r.prompt as string, parameters: unjson(r.parameters) as Record<string, unknown>, provider: (r.provider as string | null) ?? null,
    timings: unjson(r.timings) as Record<string, unknown> | null, raw: r.raw as string, parsed: unjson(r.parsed),
    logprobs: unjson(r.logprobs) as number[] | null, tokens: (unjson(r.tokens) as RunRecord['tokens'] | undefined) ?? null, status: r.status as RunRecord['status'], error: (r.error as string | null) ?? null,
    confidence: (r.confidence as number | null) ?? null, createdAt: r.created_at as string,
  };
}
function toReview(r: Row): ReviewRecord {
  return { runId: r.run_id as number, status: r.status as ReviewStatus, value: unjson(r.value), note: (r.note as string | null) ?? null, updatedAt: r.updated_at as string };
}
function toBatch(r: Row): BatchRecord {
  return {
    id: r.id as number, signature: r.signature as string, task: r.task as string, prompt: r.prompt as string, modelId: r.model_id as string,
    modelName: r.model_name as string, parameters: unjson(r.parameters) as Record<string, unknown>, status: r.status as BatchStatus,
    createdAt: r.created_at as string, updatedAt: r.updated_at as string,
  };
}
function toItem(r: Row): BatchItemRecord {
  return {
    id: r.id as number, batchId: r.batch_id as number, seq: r.seq as number, pageId: r.page_id as number, documentId: r.document_id as number,
    documentPath: r.path as string, page: r.page_index as number, status: r.status as BatchItemRecord['status'], attempts: r.attempts as number,
    runId: (r.run_id as number | null) ?? null, error: (r.error as string | null) ?? null,
    startedAt: (r.started_at as string | null) ?? null, finishedAt: (r.finished_at as string | null) ?? null,
  };
}
function stateOf(status: unknown, value: unknown, note: unknown): ReviewState | null {
  return status ? { status: status as ReviewStatus, value: unjson(value), note: (note as string | null) ?? null } : null;
}

/**
 * How sure the model was of a run, 0…1: the geometric-mean token probability (exp of the mean log-probability) for
 * generated text, or the mean line confidence the built-in OCR reports; null when neither is known.
 */
export function confidenceOf(r: Pick<RunInput, 'logprobs' | 'parsed'>): number | null {
  const lp = r.logprobs?.filter((x) => Number.isFinite(x));
  if (lp?.length) return Math.exp(lp.reduce((a, b) => a + b, 0) / lp.length);
  const c = (r.parsed as { meanConfidence?: unknown } | null | undefined)?.meanConfidence;
  return typeof c === 'number' && Number.isFinite(c) ? c : null;
}

const ITEM_SELECT = `SELECT bi.*, p.document_id, p.page_index, d.path FROM batch_items bi JOIN pages p ON p.id = bi.page_id JOIN documents d ON d.id = p.document_id`;

export class Store {
  readonly db: Database.Database;
  readonly path: string;
  /** Migrations applied when this store was opened (empty when it was current). */
  readonly migrated: number[];

  private constructor(db: Database.Database, path: string, migrated: number[]) {
    this.db = db;
    this.path = path;
    this.migrated = migrated;
  }

  /** Opens (creating unless `mustExist`) a store at `path`, or an in-memory one at ':memory:', and migrates it. */
  static open(path: string, opts: StoreOptions = {}): Store {
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: !!opts.mustExist, readonly: !!opts.readonly, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    } catch (e) {
      throw new Error(`${path}: cannot open the store: ${(e as Error).message}`, { cause: e });
    }
    try {
      // A file that is not SQLite fails here, on the first read, with "file is not a database".
      if (path !== ':memory:' && !opts.readonly) db.pragma('journal_mode = WAL');
      // SQL functions with side effects never run from the schema (views, triggers, defaults) of a file from elsewhere.
      db.pragma('trusted_schema = OFF');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Another process (the app and the CLI on one project) may hold the write lock for a moment.
      db.pragma('busy_timeout = 5000');
      const migrated = opts.readonly ? [] : migrate(db, path);
      return new Store(db, path, migrated);
    } catch (e) {
      db.close();
      const msg = (e as Error).message;
      // The cause keeps SQLite's code (SQLITE_BUSY…): the batch CLI tells a transient failure from a bad file by it.
      const busy = /^SQLITE_(BUSY|LOCKED)/.test(String((e as { code?: unknown }).code));
      throw new Error(msg.startsWith(path) ? msg : busy ? `${path}: held by another process (${msg})` : `${path}: not a Paliscope store (${msg})`, { cause: e });
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  // ---- documents and pages ----

  /**
   * Records a document file by its content hash (see DocumentMatch): the same bytes found under a new path are the
   * same document (moved, or a duplicate when `stillHolds(oldPath)` says the old path still has them), new bytes at a
   * known path are a new document linked from the old one (changed). The store never touches the file system itself.
   */
  registerDocument(input: DocumentInput, opts: { stillHolds?: (oldPath: string) => boolean } = {}): { document: DocumentRecord; match: DocumentMatch } {
    return this.db.transaction(() => {
      const byHash = this.db.prepare('SELECT * FROM documents WHERE sha256 = ?').get(input.sha256) as Row | undefined;
      if (byHash) {
        const moved = byHash.path !== input.path;
        if (moved && opts.stillHolds?.(byHash.path as string)) return { document: toDocument(byHash), match: 'duplicate' as DocumentMatch };
        this.db.prepare('UPDATE documents SET path = ?, size = ?, mtime_ms = ?, page_count = ? WHERE id = ?')
          .run(input.path, input.size, input.mtimeMs ?? null, input.pageCount, byHash.id);
        return { document: this.document(byHash.id as number)!, match: (moved ? 'moved' : 'unchanged') as DocumentMatch };
      }
      const previous = this.db.prepare('SELECT id FROM documents WHERE path = ? AND replaced_by IS NULL ORDER BY id DESC').get(input.path) as Row | undefined;
      const id = Number(this.db.prepare('INSERT INTO documents (path, sha256, page_count, size, mtime_ms, added_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(input.path, input.sha256, input.pageCount, input.size, input.mtimeMs ?? null, now()).lastInsertRowid);
      if (previous) this.db.prepare('UPDATE documents SET replaced_by = ? WHERE id = ?').run(id, previous.id);
      return { document: this.document(id)!, match: (previous ? 'changed' : 'new') as DocumentMatch };
    }).immediate();
  }

  document(id: number): DocumentRecord | undefined {
    const r = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as Row | undefined;
    return r && toDocument(r);
  }

  documentByHash(sha256: string): DocumentRecord | undefined {
    const r = this.db.prepare('SELECT * FROM documents WHERE sha256 = ?').get(sha256) as Row | undefined;
    return r && toDocument(r);
  }

  /** The current document at a path (not one replaced by an edit). */
  documentByPath(path: string): DocumentRecord | undefined {
    const r = this.db.prepare('SELECT * FROM documents WHERE path = ? AND replaced_by IS NULL ORDER BY id DESC').get(path) as Row | undefined;
    return r && toDocument(r);
  }

  documents(): DocumentRecord[] {
    return (this.db.prepare('SELECT * FROM documents ORDER BY id').all() as Row[]).map(toDocument);
  }

  /** Inserts the pages a document lacks and fills in sizes already known; returns all its pages in order. */
  ensurePages(documentId: number, pages: { index: number; width?: number | null; height?: number | null }[]): PageRecord[] {
    const upsert = this.db.prepare(`INSERT INTO pages (document_id, page_index, width, height) VALUES (?, ?, ?, ?)
      ON CONFLICT (document_id, page_index) DO UPDATE SET width = coalesce(excluded.width, width), height = coalesce(excluded.height, height)`);
    this.db.transaction(() => {
      for (const p of pages) upsert.run(documentId, p.index, p.width ?? null, p.height ?? null);
    })();
    return this.pages(documentId);
  }

  pages(documentId: number): PageRecord[] {
    return (this.db.prepare('SELECT * FROM pages WHERE document_id = ? ORDER BY page_index').all(documentId) as Row[]).map(toPage);
  }

  page(id: number): PageRecord | undefined {
    const r = this.db.prepare('SELECT * FROM pages WHERE id = ?').get(id) as Row | undefined;
    return r && toPage(r);
  }

  setPageSize(pageId: number, width: number, height: number): void {
    this.db.prepare('UPDATE pages SET width = ?, height = ? WHERE id = ?').run(width, height, pageId);
  }

  // ---- runs ----

  addRun(input: RunInput): RunRecord {
    const id = Number(this.#insertRun.run(this.#runParams(input)).lastInsertRowid);
    return this.run(id)!;
  }

  run(id: number): RunRecord | undefined {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return r && toRun(r);
  }

  /** Replaces a run's parsed result (parsed again: the mask decoder arrived, say); the raw output never changes. */
  setRunParsed(id: number, parsed: unknown): void {
    this.db.prepare('UPDATE runs SET parsed = ? WHERE id = ?').run(json(parsed), id);
  }

  runsOfPage(pageId: number): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE page_id = ? ORDER BY id').all(pageId) as Row[]).map(toRun);
  }

  /** Runs with their document, page and review, oldest first, for results lists and exports. */
  results(filter: ResultFilter = {}): ResultRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.task) { where.push('r.task = ?'); args.push(filter.task); }
    if (filter.modelId) { where.push('r.model_id = ?'); args.push(filter.modelId); }
    if (filter.runStatus) { where.push('r.status = ?'); args.push(filter.runStatus); }
    if (filter.batchId !== undefined) { where.push('r.id IN (SELECT run_id FROM batch_items WHERE batch_id = ?)'); args.push(filter.batchId); }
    if (filter.review === 'reviewed') where.push("v.status IN ('accepted', 'corrected')");
    else if (filter.review === 'unreviewed') where.push('v.status IS NULL');
    else if (filter.review) { where.push('v.status = ?'); args.push(filter.review); }
    if (filter.maxConfidence !== undefined) { where.push('r.confidence <= ?'); args.push(filter.maxConfidence); }
    const order = filter.orderBy === 'confidence' ? 'r.confidence IS NULL, r.confidence, r.id' : 'd.id, p.page_index, r.id';
    const page = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))} OFFSET ${Math.max(0, Math.floor(filter.offset ?? 0))}` : '';
    const sql = `SELECT r.*, d.id AS d_id, d.path AS d_path, d.sha256 AS d_sha256, p.page_index AS p_index, p.width AS p_width, p.height AS p_height,
        v.status AS v_status, v.value AS v_value, v.note AS v_note, v.updated_at AS v_updated_at
      FROM runs r JOIN pages p ON p.id = r.page_id JOIN documents d ON d.id = p.document_id LEFT JOIN reviews v ON v.run_id = r.id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}${page}`;
    return (this.db.prepare(sql).all(...args) as Row[]).map((r) => ({
      run: toRun(r),
      document: { id: r.d_id as number, path: r.d_path as string, sha256: r.d_sha256 as string },
      page: { index: r.p_index as number, width: r.p_width as number | null, height: r.p_height as number | null },
      review: r.v_status ? toReview({ run_id: r.id, status: r.v_status, value: r.v_value, note: r.v_note, updated_at: r.v_updated_at }) : null,
    }));
  }

  // ---- reviews ----

  review(runId: number): ReviewRecord | undefined {
    const r = this.db.prepare('SELECT * FROM reviews WHERE run_id = ?').get(runId) as Row | undefined;
    return r && toReview(r);
  }

  /** Sets a run's review and appends the change to its history, in one transaction. */
  setReview(runId: number, state: { status: ReviewStatus; value?: unknown; note?: string | null }): ReviewRecord {
    if (!REVIEW_STATUSES.includes(state.status)) throw new Error(`review of run ${runId}: unknown status ${JSON.stringify(state.status)}`);
    if (state.status === 'corrected' && state.value === undefined) throw new Error(`review of run ${runId}: a correction needs the corrected value`);
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new Error(`review: no run ${runId}`);
      this.#applyReview(runId, { status: state.status, value: state.status === 'corrected' ? state.value : null, note: state.note ?? null }, null);
      return this.review(runId)!;
    }).immediate();
  }

  /**
   * Undoes the latest change to a run's review that has not been undone yet, by appending a history entry that
   * restores the state before it (history is never rewritten). Repeated calls walk further back. Returns the state
   * now in force (null = unreviewed), or undefined when there is nothing left to undo.
   */
  undoReview(runId: number): ReviewState | null | undefined {
    return this.db.transaction(() => {
      const entries = this.db.prepare('SELECT * FROM review_history WHERE run_id = ? ORDER BY id DESC').all(runId) as Row[];
      const undone = new Set<number>();
      for (const e of entries) {
        if (e.undo_of !== null) { undone.add(e.undo_of as number); continue; }
        if (undone.has(e.id as number)) continue;
        const restore = stateOf(e.prev_status, e.prev_value, e.prev_note);
        this.#applyReview(runId, restore, e.id as number);
        return restore;
      }
      return undefined;
    }).immediate();
  }

  reviewHistory(runId: number): ReviewHistoryEntry[] {
    return (this.db.prepare('SELECT * FROM review_history WHERE run_id = ? ORDER BY id').all(runId) as Row[]).map((r) => ({
      id: r.id as number, runId: r.run_id as number, state: stateOf(r.status, r.value, r.note), previous: stateOf(r.prev_status, r.prev_value, r.prev_note),
      undoOf: (r.undo_of as number | null) ?? null, at: r.at as string,
    }));
  }

  #applyReview(runId: number, next: ReviewState | null, undoOf: number | null): void {
    const prev = this.review(runId);
    const at = now();
    if (next) {
      this.db.prepare(`INSERT INTO reviews (run_id, status, value, note, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, value = excluded.value, note = excluded.note, updated_at = excluded.updated_at`)
        .run(runId, next.status, json(next.value), next.note, at);
    } else {
      this.db.prepare('DELETE FROM reviews WHERE run_id = ?').run(runId);
    }
    this.db.prepare(`INSERT INTO review_history (run_id, status, value, note, prev_status, prev_value, prev_note, undo_of, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(runId, next?.status ?? null, json(next?.value), next?.note ?? null, prev?.status ?? null, json(prev?.value), prev?.note ?? null, undoOf, at);
  }

  // ---- batches ----

  createBatch(input: BatchInput): BatchRecord {
    const at = now();
    const id = Number(this.db.prepare('INSERT INTO batches (signature, task, prompt, model_id, model_name, parameters, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(input.signature, input.task, input.prompt, input.modelId, input.modelName, json(input.parameters ?? {}), 'queued', at, at).lastInsertRowid);
    return this.batch(id)!;
  }

  batch(id: number): BatchRecord | undefined {
    const r = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as Row | undefined;
    return r && toBatch(r);
  }

  /** The newest batch with this signature (the same command run again). */
  batchBySignature(signature: string): BatchRecord | undefined {
    const r = this.db.prepare('SELECT * FROM batches WHERE signature = ? ORDER BY id DESC').get(signature) as Row | undefined;
    return r && toBatch(r);
  }

  batches(): BatchRecord[] {
    return (this.db.prepare('SELECT * FROM batches ORDER BY id').all() as Row[]).map(toBatch);
  }

  setBatchStatus(batchId: number, status: BatchStatus): void {
    this.db.prepare('UPDATE batches SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), batchId);
  }

  /** Adds pages to a batch's queue after the ones it has; pages already in it are skipped. Returns how many were added. */
  addBatchItems(batchId: number, pageIds: number[]): number {
    return this.db.transaction(() => {
      let seq = ((this.db.prepare('SELECT max(seq) AS m FROM batch_items WHERE batch_id = ?').get(batchId) as Row).m as number | null) ?? -1;
      const insert = this.db.prepare("INSERT INTO batch_items (batch_id, seq, page_id, status) VALUES (?, ?, ?, 'queued') ON CONFLICT (batch_id, page_id) DO NOTHING");
      let added = 0;
      for (const pageId of pageIds) {
        const r = insert.run(batchId, seq + 1, pageId);
        if (r.changes) { seq++; added++; }
      }
      return added;
    }).immediate();
  }

  batchItems(batchId: number): BatchItemRecord[] {
    return (this.db.prepare(`${ITEM_SELECT} WHERE bi.batch_id = ? ORDER BY bi.seq`).all(batchId) as Row[]).map(toItem);
  }

  batchItem(id: number): BatchItemRecord | undefined {
    const r = this.db.prepare(`${ITEM_SELECT} WHERE bi.id = ?`).get(id) as Row | undefined;
    return r && toItem(r);
  }

  /** Queued items in queue order, after `afterSeq` (the queue's look-ahead for prefetching). */
  nextQueuedItems(batchId: number, limit: number, afterSeq = -1): BatchItemRecord[] {
    return (this.db.prepare(`${ITEM_SELECT} WHERE bi.batch_id = ? AND bi.status = 'queued' AND bi.seq > ? ORDER BY bi.seq LIMIT ?`).all(batchId, afterSeq, limit) as Row[]).map(toItem);
  }

  /** Claims a queued item; false when it is no longer queued (cancelled, or claimed by someone else). */
  startItem(itemId: number): boolean {
    const r = this.db.prepare("UPDATE batch_items SET status = 'running', attempts = attempts + 1, started_at = ?, error = NULL WHERE id = ? AND status = 'queued'").run(now(), itemId);
    return r.changes === 1;
  }

  /**
   * Records an item's run and marks it done (status 'done' runs) or failed (others) in one transaction: after a
   * crash an item is either still to do, or done with exactly one run. Refuses an item that is not running.
   */
  finishItem(itemId: number, run: RunInput): RunRecord {
    return this.db.transaction(() => {
      const item = this.db.prepare('SELECT status FROM batch_items WHERE id = ?').get(itemId) as Row | undefined;
      if (item?.status !== 'running') throw new Error(`batch item ${itemId} is ${item ? item.status : 'missing'}, not running`);
      const runId = Number(this.#insertRun.run(this.#runParams(run)).lastInsertRowid);
      this.db.prepare('UPDATE batch_items SET status = ?, run_id = ?, error = ?, finished_at = ? WHERE id = ?')
        .run(run.status === 'done' ? 'done' : 'failed', runId, run.status === 'done' ? null : (run.error ?? run.status), now(), itemId);
      return this.run(runId)!;
    }).immediate();
  }

  /** A failure before any model run (the page could not be decoded): the item fails with the reason, no run. */
  failItem(itemId: number, reason: string): void {
    this.db.prepare("UPDATE batch_items SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')").run(reason, now(), itemId);
  }

  /** Puts a running item back in the queue (paused or cancelled mid-run: nothing of it was kept). */
  requeueItem(itemId: number): void {
    this.db.prepare("UPDATE batch_items SET status = 'queued', started_at = NULL WHERE id = ? AND status = 'running'").run(itemId);
  }

  /** Items left 'running' by a crash go back to the queue; returns how many. */
  requeueRunning(batchId: number): number {
    return this.db.prepare("UPDATE batch_items SET status = 'queued', started_at = NULL WHERE batch_id = ? AND status = 'running'").run(batchId).changes;
  }

  /** Failed (and cancelled) items go back to the queue, to be tried again; returns how many. */
  retryItems(batchId: number, which: ('failed' | 'cancelled')[] = ['failed', 'cancelled']): number {
    if (!which.length) return 0;
    return this.db.prepare(`UPDATE batch_items SET status = 'queued', error = NULL, finished_at = NULL WHERE batch_id = ? AND status IN (${which.map(() => '?').join(', ')})`)
      .run(batchId, ...which).changes;
  }

  /** Queued items of a cancelled batch become 'cancelled'; returns how many. */
  cancelQueued(batchId: number): number {
    return this.db.prepare("UPDATE batch_items SET status = 'cancelled' WHERE batch_id = ? AND status = 'queued'").run(batchId).changes;
  }

  batchCounts(batchId: number): BatchCounts {
    const counts: BatchCounts = { total: 0, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const r of this.db.prepare('SELECT status, count(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY status').all(batchId) as Row[]) {
      counts[r.status as keyof Omit<BatchCounts, 'total'>] = r.n as number;
      counts.total += r.n as number;
    }
    return counts;
  }

  // ---- exports ----

  recordExport(e: { format: string; onlyReviewed: boolean; path: string; results: number }): ExportRecord {
    const id = Number(this.db.prepare('INSERT INTO exports (format, only_reviewed, path, results, at) VALUES (?, ?, ?, ?, ?)')
      .run(e.format, e.onlyReviewed ? 1 : 0, e.path, e.results, now()).lastInsertRowid);
    return this.exports().find((x) => x.id === id)!;
  }

  exports(): ExportRecord[] {
    return (this.db.prepare('SELECT * FROM exports ORDER BY id').all() as Row[]).map((r) => ({
      id: r.id as number, format: r.format as string, onlyReviewed: r.only_reviewed === 1, path: r.path as string, results: r.results as number, at: r.at as string,
    }));
  }

  /** SQLite's own integrity and foreign-key checks; [] when the file is sound. */
  check(): string[] {
    const problems = (this.db.pragma('integrity_check') as Row[]).map((r) => String(r.integrity_check)).filter((s) => s !== 'ok');
    for (const r of this.db.pragma('foreign_key_check') as Row[]) problems.push(`foreign key: ${r.table} row ${r.rowid} → ${r.parent}`);
    return problems;
  }

  // Prepared once: runs are the hot insert.
  get #insertRun(): Database.Statement {
    this.#insertRunStmt ??= this.db.prepare(`INSERT INTO runs (page_id, model_id, model_name, task, prompt, parameters, provider, timings, raw, parsed, logprobs, tokens, confidence, status, error, created_at)
      VALUES (@pageId, @modelId, @modelName, @task, @prompt, @parameters, @provider, @timings, @raw, @parsed, @logprobs, @tokens, @confidence, @status, @error, @createdAt)`);
    return this.#insertRunStmt;
  }
  #insertRunStmt: Database.Statement | undefined;

  #runParams(r: RunInput): Record<string, unknown> {
    return {
      pageId: r.pageId, modelId: r.modelId, modelName: r.modelName, task: r.task, prompt: r.prompt, parameters: json(r.parameters ?? {}),
      provider: r.provider ?? null, timings: json(r.timings), raw: r.raw ?? '', parsed: json(r.parsed), logprobs: json(r.logprobs), tokens: json(r.tokens), confidence: confidenceOf(r),
      status: r.status, error: r.error ?? null, createdAt: now(),
    };
  }
}
