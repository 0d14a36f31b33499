// `paliscope merge a.paliscope b.paliscope … --into all.paliscope`: the shards of a cluster batch (or any projects)
// into one project, idempotently (see merge.ts). Every source is checked before anything is written, so one file of
// an incompatible schema, or not a project at all, refuses the whole merge by name.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addCounts, describeMerge, emptyMergeCounts, mergeInto, openMergeSource } from './merge';
import { Store } from './store';

const USAGE = `usage: paliscope merge <project files...> --into FILE

Merges project files — the shards of a batch run on a cluster, or results made on other machines — into one
project: documents by content hash, their pages, runs, reviews with their history, and batches (the shards of one
batch become one batch). Merging the same file again adds nothing, so it is safe to merge while shards finish.

options:
  --into FILE   the project to merge into (created if missing)
  --json        print the counts as JSON
  -h, --help    show this help

Exit code: 0 merged, 1 a file was refused (named, with the reason; nothing merged) or failed, 2 bad arguments.
`;

interface Io { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

export async function run(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { into: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    io.stderr.write(`paliscope merge: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: a, positionals } = args;
  if (a.help) { io.stdout.write(USAGE); return 0; }
  const usageError = (m: string) => { io.stderr.write(`paliscope merge: ${m}\n\n${USAGE}`); return 2; };
  if (!a.into) return usageError('--into FILE is required');
  if (!positionals.length) return usageError('no project files to merge');
  const into = resolve(a.into);
  const sources = [...new Set(positionals.map((p) => resolve(p)))].filter((p) => p !== into);
  if (!sources.length) return usageError('the only file given is the --into project itself');

  // Check them all first: refuse everything rather than merge half of a set.
  const refused: string[] = [];
  for (const p of sources) {
    try {
      openMergeSource(p).close();
    } catch (e) {
      refused.push((e as Error).message);
    }
  }
  if (refused.length) {
    for (const r of refused) io.stderr.write(`paliscope merge: ${r}\n`);
    io.stderr.write(`paliscope merge: nothing merged\n`);
    return 1;
  }
  let store: Store | undefined;
  try {
    store = Store.open(into);
    let total = emptyMergeCounts();
    const per: Record<string, ReturnType<typeof emptyMergeCounts>> = {};
    const t0 = performance.now();
    for (const p of sources) {
      const counts = await mergeInto(store, p);
      per[p] = counts;
      total = addCounts(total, counts);
      if (!a.json) io.stdout.write(`${p}: ${describeMerge(counts)}\n`);
    }
    const ms = Math.round(performance.now() - t0);
    if (a.json) io.stdout.write(`${JSON.stringify({ into, sources: per, total, ms }, null, 2)}\n`);
    else io.stdout.write(`merged ${sources.length} file${sources.length === 1 ? '' : 's'} into ${into} in ${(ms / 1000).toFixed(1)}s: ${total.runs.added} runs added, ${total.runs.seen - total.runs.added} already there\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`paliscope merge: ${(e as Error).message}\n`);
    return 1;
  } finally {
    store?.close();
  }
}
