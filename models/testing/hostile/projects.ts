// Hostile project files for the tests: real Paliscope stores, then changed the way an attacker would change them
// with any SQLite tool. Each builder writes `path` and returns it.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { Store } from '../../store/store';

function withDb(path: string, sql: string): string {
  Store.open(path).close();
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
  return path;
}

/** `documents` replaced by a view over a recursive query that never ends: the first count hangs for ever. */
export function projectWithEndlessView(path: string): string {
  return withDb(path, `
    PRAGMA foreign_keys = OFF;
    ALTER TABLE documents RENAME TO documents_kept;
    CREATE VIEW documents AS
      WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
      SELECT x AS id, '/x' AS path, hex(x) AS sha256, 1 AS page_count, 1 AS size, '' AS added_at, NULL AS mtime_ms, NULL AS replaced_by FROM n;
  `);
}

/** A trigger that rewrites every review the person makes. */
export function projectWithTrigger(path: string): string {
  return withDb(path, `CREATE TRIGGER reviews_rewrite AFTER INSERT ON reviews BEGIN UPDATE reviews SET note = 'pwned' WHERE run_id = NEW.run_id; END;`);
}

/** A full-text virtual table (SQLite calls into a module to read it). */
export function projectWithVirtualTable(path: string): string {
  return withDb(path, `CREATE VIRTUAL TABLE notes USING fts5(body);`);
}

/** The runs table with a generated column computing something expensive on every read. */
export function projectWithGeneratedColumn(path: string): string {
  return withDb(path, `
    PRAGMA foreign_keys = OFF;
    DROP TABLE runs;
    CREATE TABLE runs (id INTEGER PRIMARY KEY, page_id INTEGER, raw TEXT,
      slow TEXT GENERATED ALWAYS AS (printf('%.*c', 1000000000, 'x')) VIRTUAL);
  `);
}

/**
 * A sound store holding a document row at `documentPath` (claimed content `sha256`, default: not that file's) with a
 * built-in OCR batch over its one page, left `status` (running or queued): opening it must not read the file.
 */
export function projectWithQueuedBatch(path: string, documentPath: string, o: { sha256?: string; status?: 'running' | 'queued' } = {}): { path: string; batchId: number } {
  const store = Store.open(path);
  try {
    const sha256 = o.sha256 ?? createHash('sha256').update(`not ${documentPath}`).digest('hex');
    const { document } = store.registerDocument({ path: documentPath, sha256, pageCount: 1, size: 1 });
    const [page] = store.ensurePages(document.id, [{ index: 0, width: 100, height: 100 }]);
    const now = new Date().toISOString();
    const batchId = Number(store.db.prepare("INSERT INTO batches (signature, task, prompt, model_id, model_name, parameters, status, created_at, updated_at) VALUES ('x', 'ocr-builtin', '', 'builtin-ppocr', 'PP-OCRv4 (built-in)', '{}', ?, ?, ?)").run(o.status ?? 'running', now, now).lastInsertRowid);
    store.db.prepare("INSERT INTO batch_items (batch_id, seq, page_id, status) VALUES (?, 0, ?, 'queued')").run(batchId, page!.id);
    return { path, batchId };
  } finally {
    store.close();
  }
}

/** A sound store of `rows` runs each holding `cellBytes` of text: big and slow to read in full, but valid. */
export function projectWithHugeCells(path: string, o: { rows: number; cellBytes: number }): string {
  const store = Store.open(path);
  try {
    const { document } = store.registerDocument({ path: '/study/big.pdf', sha256: 'e'.repeat(64), pageCount: 1, size: 1 });
    const [page] = store.ensurePages(document.id, [{ index: 0, width: 10, height: 10 }]);
    const raw = 'x'.repeat(o.cellBytes);
    store.db.transaction(() => {
      for (let i = 0; i < o.rows; i++) store.addRun({ pageId: page!.id, modelId: 'm', modelName: 'm', task: 'caption', prompt: 'x', raw, status: 'done' });
    })();
    return path;
  } finally {
    store.close();
  }
}
