// A project file from someone else is hostile until checked. SQLite runs SQL stored in the file itself: a view
// (a `documents` view with a never-ending recursive query hangs the first count), a trigger (runs on our writes),
// a virtual table (calls into a module), a generated column or an index on an expression. So before a project is
// used, its schema must be exactly one Paliscope writes — the tables and indexes its migrations make for the
// schema version the file declares, statement for statement — and nothing else. Reading `sqlite_master` runs none of
// that SQL, so the check itself is safe.
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from '../../models/store/migrations';
import { AppFailure } from '../ipc/dispatcher';

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

const SCHEMA_SQL = 'SELECT type, name, tbl_name, sql FROM sqlite_master';
// SQLite's own statistics tables (ANALYZE, PRAGMA optimize) only steer the planner.
const SQLITE_STATS = /^sqlite_stat[1-4]$/;

/** The statement as SQLite keeps it, whitespace folded (migrations are indented; SQLite keeps the text as written). */
const key = (r: SchemaRow): string => `${r.type} ${r.name} on ${r.tbl_name}: ${(r.sql ?? '').replace(/\s+/g, ' ').trim()}`;

const expected = new Map<number, Set<string>>();

/** The schema Paliscope's migrations make for `version`, built once in memory. */
function expectedSchema(version: number): Set<string> {
  let keys = expected.get(version);
  if (keys) return keys;
  const db = new Database(':memory:');
  try {
    for (const m of MIGRATIONS) if (m.version <= version) m.up(db);
    keys = new Set((db.prepare(SCHEMA_SQL).all() as SchemaRow[]).map(key));
  } finally {
    db.close();
  }
  expected.set(version, keys);
  return keys;
}

/**
 * Refuses a database whose schema is not exactly Paliscope's for its `user_version` (`label` names the file in the
 * message): views, triggers and virtual tables by name, then any table or index that differs or is missing.
 * Also turns `trusted_schema` off on this connection, so SQL functions with side effects never run from the schema.
 */
export function checkProjectSchema(db: Database.Database, label: string): void {
  db.pragma('trusted_schema = OFF');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) return; // refused elsewhere, with the "newer Paliscope" message
  const rows = (db.prepare(SCHEMA_SQL).all() as SchemaRow[]).filter((r) => !SQLITE_STATS.test(r.name));
  const refuse = (reason: string): never => {
    throw new AppFailure('UNSUPPORTED_FORMAT', `${label} is not a Paliscope project that is safe to open: ${reason}`);
  };
  for (const r of rows) {
    if (r.type !== 'table' && r.type !== 'index') refuse(`it holds a ${r.type} "${r.name}" (a project holds only tables and indexes)`);
    if (r.type === 'table' && /^\s*create\s+virtual\s+table/i.test(r.sql ?? '')) refuse(`it holds a virtual table "${r.name}"`);
  }
  if (version === 0 && rows.length > 0) refuse('it is an SQLite database with other tables');
  const want = expectedSchema(version);
  const have = new Set(rows.map(key));
  const extra = [...have].find((k) => !want.has(k));
  if (extra) refuse(`its ${extra.split(':')[0]} is not one Paliscope makes for schema version ${version}`);
  const missing = [...want].find((k) => !have.has(k));
  if (missing) refuse(`its ${missing.split(':')[0]} is missing`);
}
