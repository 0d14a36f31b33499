// Merging project files: the shards of a cluster batch (one file per array task) or results made on another machine,
// into one project. Rows are matched by what they are, not by their ids (which every file numbers on its own):
//
// - documents by content hash, pages by (document, page index);
// - runs by page, model, task, prompt, creation time, status and raw output: the same run in two files is one run;
// - reviews with their whole history, copied with the run they belong to (a run already reviewed in the target keeps
//   its review; a different history for it in the source is counted as a conflict and left out, never interleaved);
// - batches by signature (the shards of one batch have the same one, so they become one batch again), their items by
//   (batch, page): an item finished in the source replaces one still queued or failed in the target.
//
// So merging is idempotent: merging the same file again adds nothing. Each source is first read whole and checked
// (merge-rows.ts: it may come from anywhere), then copied in chunks of runs, each one transaction, yielding between
// chunks so a caller's event loop (the app's main process) keeps going and can show progress. An interrupted merge
// leaves whole runs with their reviews and items, and merging again completes it. Exports records are not merged:
// they describe files written on the other machine.
import { copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { checkRow, MERGED_TABLES, type MergedTable } from './merge-rows';
import { MIGRATIONS, migrate, SCHEMA_VERSION } from './migrations';
import type { Store } from './store';

type Row = Record<string, unknown>;

export interface MergeCounts {
  documents: { seen: number; added: number };
  pages: { seen: number; added: number };
  runs: { seen: number; added: number };
  reviews: { added: number; conflicts: number };
  history: { added: number };
  batches: { seen: number; added: number };
  items: { seen: number; added: number; updated: number };
}

export interface MergeProgress {
  source: string;
  phase: 'checking' | 'runs' | 'items' | 'done';
  done: number;
  total: number;
}

export interface MergeOptions {
  onProgress?: (p: MergeProgress) => void;
  /** Runs per transaction (default 500). */
  chunk?: number;
  signal?: AbortSignal;
  /** better-sqlite3 add-on built for Electron (see StoreOptions.nativeBinding). */
  nativeBinding?: string;
}

const emptyCounts = (): MergeCounts => ({
  documents: { seen: 0, added: 0 }, pages: { seen: 0, added: 0 }, runs: { seen: 0, added: 0 }, reviews: { added: 0, conflicts: 0 },
  history: { added: 0 }, batches: { seen: 0, added: 0 }, items: { seen: 0, added: 0, updated: 0 },
});

const tick = () => new Promise<void>((r) => setImmediate(r));
const ITEM_RANK: Record<string, number> = { done: 3, failed: 2, cancelled: 1, queued: 1, running: 1 };

/**
 * Opens a project file to merge from, read-only, and checks it: SQLite, a Paliscope store, a schema this Paliscope
 * reads. A store of an older schema is migrated in a temporary copy (the file itself is never written). Throws a
 * message naming the file; `close()` removes any temporary copy.
 */
export function openMergeSource(path: string, opts: { nativeBinding?: string } = {}): { db: Database.Database; version: number; close(): void } {
  const name = basename(path);
  if (!existsSync(path)) throw new Error(`${name}: no such file`);
  const open = (p: string, readonly: boolean) => new Database(p, { readonly, fileMustExist: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
  let db: Database.Database;
  let version: number;
  try {
    db = open(path, true);
  } catch (e) {
    throw new Error(`${name}: cannot open it (${(e as Error).message})`, { cause: e });
  }
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[]).map((r) => r.name as string));
    const missing = ['documents', 'pages', 'runs', 'reviews', 'batches', 'batch_items'].filter((t) => !tables.has(t));
    if (version < 1 || missing.length) throw new Error(`not a Paliscope project (${missing.length ? `no ${missing.join(', ')} table` : 'no schema version'})`);
    if (version > SCHEMA_VERSION) {
      throw new Error(`written by a newer Paliscope (schema version ${version}; this one reads up to ${SCHEMA_VERSION}, "${MIGRATIONS.at(-1)!.name}"): update Paliscope to merge it`);
    }
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the file is damaged (${String(check)})`);
  } catch (e) {
    db.close();
    const msg = (e as Error).message;
    throw new Error(`${name}: ${/file is not a database|file is encrypted/.test(msg) ? 'not a Paliscope project (not an SQLite file)' : msg}`, { cause: e });
  }
  if (version === SCHEMA_VERSION) return { db, version, close: () => db.close() };
  // An older schema: bring a copy up to date with the same migrations the app runs when it opens a project.
  db.close();
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-merge-'));
  const copy = join(dir, 'source.paliscope');
  try {
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    const rw = open(copy, false);
    try {
      migrate(rw, name);
    } finally {
      rw.close();
    }
    const migrated = open(copy, true);
    return { db: migrated, version, close: () => { migrated.close(); rmSync(dir, { recursive: true, force: true }); } };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${name}: schema version ${version} could not be brought up to ${SCHEMA_VERSION} (${(e as Error).message})`, { cause: e });
  }
}

/** Columns of a table in the target, in order: the ones copied (all but the row id). */
function columnsOf(db: Database.Database, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as Row[]).map((r) => r.name as string);
}

/** Merges one project file into the target store; returns what it found and added. */
export async function mergeInto(target: Store, sourcePath: string, opts: MergeOptions = {}): Promise<MergeCounts> {
  const name = basename(sourcePath);
  if (target.path !== ':memory:' && existsSync(target.path) && existsSync(sourcePath) && realpathSync(target.path) === realpathSync(sourcePath)) {
    throw new Error(`${name}: is the project being merged into`);
  }
  const src = openMergeSource(sourcePath, { nativeBinding: opts.nativeBinding });
  try {
    return await mergeOpen(target, src.db, name, opts);
  } finally {
    src.close();
  }
}

async function mergeOpen(target: Store, s: Database.Database, name: string, opts: MergeOptions): Promise<MergeCounts> {
  const t = target.db;
  const counts = emptyCounts();
  const chunk = Math.max(1, opts.chunk ?? 500);
  const progress = (phase: MergeProgress['phase'], done: number, total: number) => opts.onProgress?.({ source: name, phase, done, total });
  const aborted = () => { if (opts.signal?.aborted) throw new Error(`${name}: merge cancelled (what was merged so far is kept; merging again completes it)`); };

  // 1. Check every row before writing anything.
  const totals = Object.fromEntries(MERGED_TABLES.map((tb) => [tb, (s.prepare(`SELECT count(*) AS n FROM ${tb}`).get() as Row).n as number])) as Record<MergedTable, number>;
  const all = MERGED_TABLES.reduce((a, tb) => a + totals[tb], 0);
  let checked = 0;
  for (const table of MERGED_TABLES) {
    let n = 0;
    for (const row of s.prepare(`SELECT * FROM ${table}`).iterate()) {
      try {
        checkRow(table, row, ++n);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
      }
      if (++checked % 5000 === 0) { progress('checking', checked, all); await tick(); aborted(); }
    }
  }
  progress('checking', all, all);
  const cols = Object.fromEntries(MERGED_TABLES.map((tb) => [tb, columnsOf(t, tb).filter((c) => c !== 'id')])) as Record<MergedTable, string[]>;
  const insert = (table: MergedTable, cs = cols[table]) => t.prepare(`INSERT INTO ${table} (${cs.join(', ')}) VALUES (${cs.map((c) => `@${c}`).join(', ')})`);
  const pick = (row: Row, cs: string[], over: Row) => Object.fromEntries(cs.map((c) => [c, c in over ? over[c] : (row[c] ?? null)]));

  // 2. Documents, pages and batches: small next to runs, one transaction.
  const docMap = new Map<number, number>();
  const pageMap = new Map<number, number>();
  const batchMap = new Map<number, number>();
  /** Batches added or changed by this merge: their status is worked out again at the end. */
  const touched = new Set<number>();
  t.transaction(() => {
    const byHash = t.prepare('SELECT id FROM documents WHERE sha256 = ?');
    const addDoc = insert('documents');
    const srcDocs = s.prepare('SELECT * FROM documents ORDER BY id').all() as Row[];
    for (const d of srcDocs) {
      counts.documents.seen++;
      const known = byHash.get(d.sha256) as Row | undefined;
      if (known) { docMap.set(d.id as number, known.id as number); continue; }
      docMap.set(d.id as number, Number(addDoc.run(pick(d, cols.documents, { replaced_by: null })).lastInsertRowid));
      counts.documents.added++;
    }
    // An edited file's old content points to the new one, in the target as in the source (unless it already points).
    const link = t.prepare('UPDATE documents SET replaced_by = ? WHERE id = ? AND replaced_by IS NULL');
    for (const d of srcDocs) if (d.replaced_by !== null && docMap.has(d.replaced_by as number)) link.run(docMap.get(d.replaced_by as number), docMap.get(d.id as number));

    const findPage = t.prepare('SELECT id, width, height FROM pages WHERE document_id = ? AND page_index = ?');
    const fillSize = t.prepare('UPDATE pages SET width = coalesce(width, ?), height = coalesce(height, ?) WHERE id = ?');
    const addPage = insert('pages');
    for (const p of s.prepare('SELECT * FROM pages ORDER BY id').iterate() as Iterable<Row>) {
      counts.pages.seen++;
      const doc = docMap.get(p.document_id as number);
      if (doc === undefined) continue;
      const known = findPage.get(doc, p.page_index) as Row | undefined;
      if (known) {
        if (known.width === null || known.height === null) fillSize.run(p.width, p.height, known.id);
        pageMap.set(p.id as number, known.id as number);
        continue;
      }
      pageMap.set(p.id as number, Number(addPage.run(pick(p, cols.pages, { document_id: doc })).lastInsertRowid));
      counts.pages.added++;
    }

    const bySignature = t.prepare('SELECT id FROM batches WHERE signature = ? ORDER BY id DESC');
    const addBatch = insert('batches');
    for (const b of s.prepare('SELECT * FROM batches ORDER BY id').all() as Row[]) {
      counts.batches.seen++;
      const known = bySignature.get(b.signature) as Row | undefined;
      if (known) { batchMap.set(b.id as number, known.id as number); continue; }
      // Its status is worked out from its items below: nothing runs it here yet.
      const id = Number(addBatch.run(pick(b, cols.batches, { status: 'paused' })).lastInsertRowid);
      batchMap.set(b.id as number, id);
      touched.add(id);
      counts.batches.added++;
    }
  }).immediate();

  // 3. Runs, each with its review and history, in chunks.
  const runMap = new Map<number, number>();
  const findRun = t.prepare('SELECT id FROM runs WHERE page_id = ? AND model_id = ? AND task = ? AND prompt = ? AND created_at = ? AND status = ? AND raw = ?');
  const addRun = insert('runs');
  const historyOf = t.prepare('SELECT status, value, note, at FROM review_history WHERE run_id = ?');
  const srcHistory = s.prepare('SELECT * FROM review_history WHERE run_id = ? ORDER BY id');
  const srcReview = s.prepare('SELECT * FROM reviews WHERE run_id = ?');
  const addHistory = insert('review_history');
  const addReview = t.prepare(`INSERT INTO reviews (${cols.reviews.join(', ')}) VALUES (${cols.reviews.map((c) => `@${c}`).join(', ')})
    ON CONFLICT (run_id) DO UPDATE SET ${cols.reviews.filter((c) => c !== 'run_id').map((c) => `${c} = excluded.${c}`).join(', ')}`);
  const entryKey = (h: Row) => JSON.stringify([h.at, h.status, h.value, h.note]);
  const copyReviews = (srcRun: number, dstRun: number, isNew: boolean) => {
    const entries = srcHistory.all(srcRun) as Row[];
    const review = srcReview.get(srcRun) as Row | undefined;
    if (!entries.length && !review) return;
    if (!isNew) {
      const have = historyOf.all(dstRun) as Row[];
      if (have.length) {
        const keys = new Set(have.map(entryKey));
        if (!entries.every((h) => keys.has(entryKey(h)))) counts.reviews.conflicts++;
        return;
      }
    }
    const hMap = new Map<number, number>();
    for (const h of entries) {
      const undoOf = h.undo_of === null ? null : (hMap.get(h.undo_of as number) ?? null);
      hMap.set(h.id as number, Number(addHistory.run(pick(h, cols.review_history, { run_id: dstRun, undo_of: undoOf })).lastInsertRowid));
      counts.history.added++;
    }
    if (review) { addReview.run(pick(review, cols.reviews, { run_id: dstRun })); counts.reviews.added++; }
  };
  const runs = s.prepare('SELECT * FROM runs WHERE id > ? ORDER BY id LIMIT ?');
  let last = 0;
  let done = 0;
  for (;;) {
    aborted();
    const rows = runs.all(last, chunk) as Row[];
    if (!rows.length) break;
    t.transaction(() => {
      for (const r of rows) {
        counts.runs.seen++;
        const page = pageMap.get(r.page_id as number);
        if (page === undefined) continue;
        const known = findRun.get(page, r.model_id, r.task, r.prompt, r.created_at, r.status, r.raw) as Row | undefined;
        const dst = known ? (known.id as number) : Number(addRun.run(pick(r, cols.runs, { page_id: page })).lastInsertRowid);
        if (!known) counts.runs.added++;
        runMap.set(r.id as number, dst);
        copyReviews(r.id as number, dst, !known);
      }
    }).immediate();
    last = rows.at(-1)!.id as number;
    done += rows.length;
    progress('runs', done, totals.runs);
    await tick();
  }

  // 4. Batch items: a finished item wins over one still to do; a new page joins the end of the queue.
  const findItem = t.prepare('SELECT id, status FROM batch_items WHERE batch_id = ? AND page_id = ?');
  const nextSeq = t.prepare('SELECT coalesce(max(seq), -1) + 1 AS seq FROM batch_items WHERE batch_id = ?');
  const addItem = insert('batch_items');
  const itemCols = cols.batch_items.filter((c) => !['batch_id', 'page_id', 'seq'].includes(c));
  const updateItem = t.prepare(`UPDATE batch_items SET ${itemCols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`);
  // Read in id order (the order items were queued), so new items keep their source's queue order, shard after shard.
  const itemPage = s.prepare('SELECT * FROM batch_items WHERE id > ? ORDER BY id LIMIT ?');
  last = 0;
  done = 0;
  for (;;) {
    aborted();
    const rows = itemPage.all(last, chunk) as Row[];
    if (!rows.length) break;
    t.transaction(() => {
      for (const it of rows) {
        counts.items.seen++;
        const batch = batchMap.get(it.batch_id as number);
        const page = pageMap.get(it.page_id as number);
        if (batch === undefined || page === undefined) continue;
        const runId = it.run_id === null ? null : (runMap.get(it.run_id as number) ?? null);
        // Nothing runs an item in the target: one a shard was running when it was copied is still to do.
        const running = it.status === 'running';
        const over: Row = { batch_id: batch, page_id: page, run_id: runId, status: running ? 'queued' : it.status, ...(running ? { started_at: null } : {}) };
        const known = findItem.get(batch, page) as Row | undefined;
        if (!known) {
          addItem.run(pick(it, cols.batch_items, { ...over, seq: (nextSeq.get(batch) as Row).seq }));
          counts.items.added++;
          touched.add(batch);
        } else if ((ITEM_RANK[over.status as string] ?? 0) > (ITEM_RANK[known.status as string] ?? 0)) {
          updateItem.run({ ...pick(it, itemCols, over), id: known.id });
          counts.items.updated++;
          touched.add(batch);
        }
      }
    }).immediate();
    last = rows.at(-1)!.id as number;
    done += rows.length;
    progress('items', done, totals.batch_items);
    await tick();
  }
  // A merged batch is done when nothing of it is left to run, otherwise paused (resumable where its files are).
  const left = t.prepare("SELECT count(*) AS n FROM batch_items WHERE batch_id = ? AND status IN ('queued', 'running', 'cancelled')");
  for (const b of touched) target.setBatchStatus(b, (left.get(b) as Row).n === 0 ? 'done' : 'paused');
  progress('done', totals.runs, totals.runs);
  return counts;
}

/** One line of counts, for the CLI and the app's notice. */
export function describeMerge(c: MergeCounts): string {
  const known = (x: { seen: number; added: number }) => `${x.seen} (${x.added} new)`;
  const parts = [
    `${known(c.documents)} documents`, `${known(c.pages)} pages`, `${known(c.runs)} runs`,
    `${c.reviews.added} reviews with ${c.history.added} history entries added`,
    `${known(c.batches)} batches`, `${c.items.seen} batch items (${c.items.added} new, ${c.items.updated} updated)`,
  ];
  if (c.reviews.conflicts) parts.push(`${c.reviews.conflicts} runs reviewed differently in both (the target's reviews kept)`);
  return parts.join(', ');
}

export function addCounts(a: MergeCounts, b: MergeCounts): MergeCounts {
  const out = emptyCounts();
  for (const k of Object.keys(out) as (keyof MergeCounts)[]) {
    const o = out[k] as Record<string, number>;
    for (const f of Object.keys(o)) o[f] = (a[k] as Record<string, number>)[f]! + (b[k] as Record<string, number>)[f]!;
  }
  return out;
}

export { emptyCounts as emptyMergeCounts };
