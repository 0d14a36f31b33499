// The store's schema as numbered migrations. `PRAGMA user_version` holds the number of the last one applied; opening
// a store applies the missing ones in order, each in its own transaction, so a store written by an older Paliscope
// is brought up to date and a crash mid-migration leaves it at the previous version, never half-migrated.
//
// Never edit a migration once it has shipped: add a new one. Migration 1 is the schema as first released; the test
// (migrations.test.ts) rebuilds a version-1 store from its own copy of that SQL and checks it migrates.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  /** Runs inside a transaction; SQL only where possible, code only for data that SQL cannot move. */
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, pages, runs, reviews, batches',
    up(db) {
      db.exec(`
        CREATE TABLE documents (
          id          INTEGER PRIMARY KEY,
          path        TEXT NOT NULL,
          sha256      TEXT NOT NULL UNIQUE,
          page_count  INTEGER NOT NULL,
          size        INTEGER NOT NULL,
          added_at    TEXT NOT NULL
        );
        CREATE INDEX documents_path ON documents(path);
        CREATE TABLE pages (
          id          INTEGER PRIMARY KEY,
          document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
          page_index  INTEGER NOT NULL,
          width       INTEGER,
          height      INTEGER,
          UNIQUE (document_id, page_index)
        );
        CREATE TABLE runs (
          id          INTEGER PRIMARY KEY,
          page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
          model_id    TEXT NOT NULL,
          model_name  TEXT NOT NULL,
          task        TEXT NOT NULL,
          prompt      TEXT NOT NULL,
          parameters  TEXT NOT NULL DEFAULT '{}',
          provider    TEXT,
          timings     TEXT,
          raw         TEXT NOT NULL DEFAULT '',
          parsed      TEXT,
          status      TEXT NOT NULL CHECK (status IN ('done', 'error', 'cancelled')),
          error       TEXT,
          created_at  TEXT NOT NULL
        );
        CREATE INDEX runs_page ON runs(page_id);
        CREATE TABLE reviews (
          run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          status      TEXT NOT NULL CHECK (status IN ('accepted', 'corrected', 'rejected')),
          value       TEXT,
          note        TEXT,
          updated_at  TEXT NOT NULL
        );
        CREATE TABLE batches (
          id          INTEGER PRIMARY KEY,
          signature   TEXT NOT NULL,
          task        TEXT NOT NULL,
          prompt      TEXT NOT NULL,
          model_id    TEXT NOT NULL,
          model_name  TEXT NOT NULL,
          parameters  TEXT NOT NULL DEFAULT '{}',
          status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'cancelled', 'done')),
          created_at  TEXT NOT NULL,
          updated_at  TEXT NOT NULL
        );
        CREATE INDEX batches_signature ON batches(signature);
        CREATE TABLE batch_items (
          id          INTEGER PRIMARY KEY,
          batch_id    INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
          seq         INTEGER NOT NULL,
          page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
          status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
          attempts    INTEGER NOT NULL DEFAULT 0,
          run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
          error       TEXT,
          UNIQUE (batch_id, page_id)
        );
        CREATE INDEX batch_items_queue ON batch_items(batch_id, status, seq);
      `);
    },
  },
  {
    version: 2,
    name: 'review history, exports, file mtimes, token log-probabilities and confidence, edited-file links',
    up(db) {
      db.exec(`
        ALTER TABLE documents ADD COLUMN mtime_ms REAL;
        ALTER TABLE documents ADD COLUMN replaced_by INTEGER REFERENCES documents(id) ON DELETE SET NULL;
        ALTER TABLE runs ADD COLUMN logprobs TEXT;
        -- One number per run for "lowest confidence first" (see Store: exp of the mean token log-probability, or the
        -- built-in OCR's mean line confidence). Version-1 runs had no log-probabilities; OCR ones keep theirs.
        ALTER TABLE runs ADD COLUMN confidence REAL;
        UPDATE runs SET confidence = json_extract(parsed, '$.meanConfidence') WHERE json_type(parsed, '$.meanConfidence') IN ('real', 'integer');
        CREATE INDEX runs_confidence ON runs(confidence);
        ALTER TABLE batch_items ADD COLUMN started_at TEXT;
        ALTER TABLE batch_items ADD COLUMN finished_at TEXT;
        CREATE TABLE review_history (
          id          INTEGER PRIMARY KEY,
          run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          -- The state after this change; NULL status = no review (an undo back to unreviewed).
          status      TEXT CHECK (status IS NULL OR status IN ('accepted', 'corrected', 'rejected')),
          value       TEXT,
          note        TEXT,
          -- The state before it, so an undo needs no replay.
          prev_status TEXT CHECK (prev_status IS NULL OR prev_status IN ('accepted', 'corrected', 'rejected')),
          prev_value  TEXT,
          prev_note   TEXT,
          -- Set on an undo entry: the entry it reverted.
          undo_of     INTEGER REFERENCES review_history(id),
          at          TEXT NOT NULL
        );
        CREATE INDEX review_history_run ON review_history(run_id, id);
        CREATE TABLE exports (
          id            INTEGER PRIMARY KEY,
          format        TEXT NOT NULL,
          only_reviewed INTEGER NOT NULL,
          path          TEXT NOT NULL,
          results       INTEGER NOT NULL,
          at            TEXT NOT NULL
        );
        -- Reviews made before history existed become its first entries, so undo works on them too.
        INSERT INTO review_history (run_id, status, value, note, at)
          SELECT run_id, status, value, note, updated_at FROM reviews ORDER BY updated_at, run_id;
      `);
    },
  },
  {
    version: 3,
    name: 'every stored result carries its kind; token ids and texts of a run',
    up(db) {
      db.exec(`
        -- Before version 3, \`paliscope batch\` stored PaliGemma results without the \`kind\` every reader needs
        -- (fixtures/v2-cli.sql is such a store): text tasks as {task, text, warnings}, box tasks as {task, objects,
        -- warnings} with boxes in page pixels. Add the kind, and for boxes the page size they are in.
        UPDATE runs SET parsed = json_set(parsed, '$.kind', 'text')
          WHERE task IN ('caption', 'describe', 'answer', 'ocr') AND json_valid(parsed) AND json_type(parsed) = 'object'
            AND json_type(parsed, '$.kind') IS NULL AND json_type(parsed, '$.text') = 'text';
        UPDATE runs SET parsed = (
            SELECT json_set(runs.parsed, '$.kind', 'boxes', '$.task', runs.task, '$.width', p.width, '$.height', p.height)
            FROM pages p WHERE p.id = runs.page_id)
          WHERE task IN ('detect', 'segment', 'ocr-boxes') AND json_valid(parsed) AND json_type(parsed) = 'object'
            AND json_type(parsed, '$.kind') IS NULL AND json_type(parsed, '$.objects') = 'array'
            AND (SELECT p.width > 0 AND p.height > 0 FROM pages p WHERE p.id = runs.page_id);
        -- Each generated token's id and text ({"ids": [...], "pieces": [...]}, aligned with logprobs): the output
        -- shaded by confidence, from the store alone.
        ALTER TABLE runs ADD COLUMN tokens TEXT;
      `);
    },
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** Brings the database to SCHEMA_VERSION; returns the versions applied. Refuses a store from a newer Paliscope. */
export function migrate(db: Database.Database, label: string): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`${label}: written by a newer Paliscope (schema version ${current}; this one knows up to ${SCHEMA_VERSION}); update Paliscope to open it`);
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    // IMMEDIATE: take the write lock first, so two processes opening an old store do not both migrate it.
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
