// `paliscope merge a.paliscope b.paliscope … --into all.paliscope`: the shards of a cluster batch (or any projects)
// into one project, idempotently (see merge.ts). Every source is checked before anything is written, so one file of
// an incompatible schema, or not a project at all, refuses the whole merge by name.
import { resolve } from 'node:path';
import { CliCommand, processIo, type CliIo } from '../cli-command';
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

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cmd = new CliCommand('paliscope merge', USAGE, io);
  const parsed = cmd.parse({ args: argv, allowPositionals: true, options: { into: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (typeof parsed === 'number') return parsed;
  const { values: a, positionals } = parsed;
  if (!a.into) return cmd.usageError('--into FILE is required');
  if (!positionals.length) return cmd.usageError('no project files to merge');
  const into = resolve(a.into);
  const sources = [...new Set(positionals.map((p) => resolve(p)))].filter((p) => p !== into);
  if (!sources.length) return cmd.usageError('the only file given is the --into project itself');

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
