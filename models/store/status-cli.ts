// `paliscope status out-*.paliscope`: pages done, failed and left in the batches of project files, summed across
// them, while the shards of a cluster batch run. Files are opened read-only (SQLite's WAL lets them be read while a
// shard writes), never migrated or created.
import { existsSync } from 'node:fs';
import { CliCommand, processIo, type CliIo } from '../cli-command';
import Database from 'better-sqlite3';

const USAGE = `usage: paliscope status <project files...>

Sums the pages of the batches in the given project files (e.g. the shards of a cluster batch, out-*.paliscope):
done, failed, running and left to run. The files may be in use.

options:
  --json       print the counts as JSON
  -h, --help   show this help

Exit code: 0 every page done, 1 a file could not be read or some page failed, 3 pages still to run.
`;

export interface PageCounts { total: number; done: number; failed: number; running: number; left: number }

const zero = (): PageCounts => ({ total: 0, done: 0, failed: 0, running: 0, left: 0 });

/** Counts of a project file's batch pages; throws a message naming the file when it is not a readable project. */
export function projectPageCounts(path: string): PageCounts {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new Error(`${path}: cannot open it (${(e as Error).message})`, { cause: e });
  }
  try {
    db.pragma('busy_timeout = 5000');
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batch_items'").get();
    // A shard that has only just started may not have written its schema yet: nothing to count.
    if (!has) {
      if ((db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number }).n === 0) return zero();
      throw new Error('not a Paliscope project (no batch_items table)');
    }
    const c = zero();
    for (const r of db.prepare('SELECT status, count(*) AS n FROM batch_items GROUP BY status').all() as { status: string; n: number }[]) {
      c.total += r.n;
      if (r.status === 'done') c.done += r.n;
      else if (r.status === 'failed') c.failed += r.n;
      else if (r.status === 'running') c.running += r.n;
      else c.left += r.n;
    }
    return c;
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(`${path}: ${/file is not a database/.test(msg) ? 'not a Paliscope project (not an SQLite file)' : msg}`, { cause: e });
  } finally {
    db.close();
  }
}

const line = (c: PageCounts) => `${c.done} of ${c.total} pages done, ${c.failed} failed, ${c.running} running, ${c.left} left`;

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cmd = new CliCommand('paliscope status', USAGE, io);
  const parsed = cmd.parse({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (typeof parsed === 'number') return parsed;
  const { values: a, positionals: files } = parsed;
  if (!files.length) return cmd.usageError('no project files');
  const total = zero();
  const per: Record<string, PageCounts | { error: string }> = {};
  let unreadable = 0;
  for (const f of files) {
    try {
      const c = projectPageCounts(f);
      per[f] = c;
      for (const k of Object.keys(total) as (keyof PageCounts)[]) total[k] += c[k];
      if (!a.json) io.stdout.write(`${f}: ${line(c)}\n`);
    } catch (e) {
      unreadable++;
      per[f] = { error: (e as Error).message };
      io.stderr.write(`paliscope status: ${(e as Error).message}\n`);
    }
  }
  if (a.json) io.stdout.write(`${JSON.stringify({ files: per, total }, null, 2)}\n`);
  else io.stdout.write(`total (${files.length - unreadable} file${files.length - unreadable === 1 ? '' : 's'}): ${line(total)}\n`);
  if (unreadable || total.failed) return 1;
  return total.running + total.left ? 3 : 0;
}
