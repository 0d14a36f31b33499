// `paliscope dataset`: a project's reviewed results as PaliGemma fine-tuning data (README.md beside this file).
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CliCommand, processIo, type CliIo } from '../cli-command';
import { Store } from '../store/store';
import { RESOLUTIONS, buildDataset, type DatasetProgress, type Resolution, type ReviewKind } from './build';
import { parseSplit } from './split';
import { DATASET_TASKS, isDatasetTask, type DatasetTask } from './values';

const USAGE = `usage: paliscope dataset --project FILE --out DIR [options]

Writes every accepted or corrected result of a project as a PaliGemma fine-tuning example: the image the
model saw, the prompt it was asked (prefix) and the reviewed result in PaliGemma's output format (suffix).
JSON Lines per split, a Hugging Face imagefolder (hf/), schema.json and a dataset card (README.md).

options:
  --project FILE        the project file (required)
  --out DIR             a new or empty folder (required)
  --tasks LIST          only these tasks, comma-separated (default: all of ${DATASET_TASKS.join(', ')})
  --split T/V/T         train/validation/test percentages, by document (default 80/10/10)
  --only LIST           accepted, corrected or both (default accepted,corrected)
  --resolution N        squash images to N×N as the model sees them: ${RESOLUTIONS.join(', ')} (default: keep their size)
  --seed N              seed of the split (default 0); the same seed gives the same splits
  --vae FILE            vae-oid.npz, needed for segment results (their masks are encoded with its encoder)
  -h, --help            show this help
`;

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cmd = new CliCommand('paliscope dataset', USAGE, io);
  const parsed = cmd.parse({
    args: argv,
    options: {
      project: { type: 'string' }, out: { type: 'string' }, tasks: { type: 'string' }, split: { type: 'string' }, only: { type: 'string' },
      resolution: { type: 'string' }, seed: { type: 'string' }, vae: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const a = parsed.values;
  if (!a.project) return cmd.usageError('--project is required');
  if (!a.out) return cmd.usageError('--out is required');
  let tasks: DatasetTask[] | undefined;
  if (a.tasks !== undefined) {
    const list = a.tasks.split(',').map((t) => t.trim()).filter(Boolean);
    const bad = list.filter((t) => !isDatasetTask(t));
    if (!list.length || bad.length) return cmd.usageError(`--tasks ${a.tasks}: ${bad.length ? `unknown task ${bad.join(', ')}` : 'empty'}; expected some of ${DATASET_TASKS.join(', ')}`);
    tasks = list as DatasetTask[];
  }
  let only: ReviewKind[] | undefined;
  if (a.only !== undefined) {
    const list = a.only.split(',').map((t) => t.trim()).filter(Boolean);
    if (!list.length || list.some((t) => t !== 'accepted' && t !== 'corrected')) return cmd.usageError(`--only ${a.only}: expected accepted, corrected or accepted,corrected`);
    only = list as ReviewKind[];
  }
  let split;
  try { split = a.split !== undefined ? parseSplit(a.split) : undefined; } catch (e) { return cmd.usageError((e as Error).message.replace(/^--split [^:]*: /, `--split ${a.split}: `)); }
  let resolution: Resolution | undefined;
  if (a.resolution !== undefined) {
    const n = Number(a.resolution);
    if (!(RESOLUTIONS as readonly number[]).includes(n)) return cmd.usageError(`--resolution ${a.resolution}: expected ${RESOLUTIONS.join(', ')}`);
    resolution = n as Resolution;
  }
  let seed: number | undefined;
  if (a.seed !== undefined) {
    if (!/^\d{1,9}$/.test(a.seed)) return cmd.usageError(`--seed ${a.seed}: expected a whole number`);
    seed = Number(a.seed);
  }
  const projectPath = resolve(a.project);
  if (!existsSync(projectPath)) return cmd.fail(`${a.project}: no such project file`);
  if (a.vae && !existsSync(a.vae)) return cmd.fail(`--vae ${a.vae}: no such file`);

  let store: Store | undefined;
  const stages: Record<DatasetProgress['stage'], string> = { reading: 'reading reviews', images: 'rendering images', writing: 'writing files', done: 'done' };
  let last = '';
  // Ctrl-C stops the export and removes its half-written folder instead of leaving it behind.
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    store = Store.open(projectPath, { mustExist: true, readonly: true });
    const summary = await buildDataset({
      store, projectName: basename(projectPath).replace(/\.paliscope$/i, ''), outDir: a.out, tasks, split, only, resolution, seed, vaePath: a.vae ?? null, signal: abort.signal,
      onProgress: (p) => {
        const line = `${stages[p.stage]}${p.total > 1 ? ` ${p.done}/${p.total}` : ''}`;
        if (p.stage !== last.split(' ')[0] || p.done % 50 === 0) io.stderr.write(`${line}\n`);
        last = p.stage;
      },
    });
    for (const [task, c] of Object.entries(summary.counts).sort()) io.stdout.write(`${task.padEnd(10)} train ${c.train}  validation ${c.validation}  test ${c.test}\n`);
    io.stdout.write(`${summary.examples} example${summary.examples === 1 ? '' : 's'}, ${summary.images} image${summary.images === 1 ? '' : 's'} in ${summary.outDir}\n`);
    if (summary.skipped.length) {
      io.stderr.write(`${summary.skipped.length} reviewed result${summary.skipped.length === 1 ? '' : 's'} left out (reasons in the dataset card):\n`);
      for (const s of summary.skipped.slice(0, 20)) io.stderr.write(`  result ${s.runId} (${s.task}): ${s.reason}\n`);
      if (summary.skipped.length > 20) io.stderr.write(`  … and ${summary.skipped.length - 20} more\n`);
    }
    if (!summary.examples) io.stderr.write('paliscope dataset: no reviewed results to export (review some in the app first)\n');
    return 0;
  } catch (e) {
    io.stderr.write(`paliscope dataset: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    store?.close();
  }
}
