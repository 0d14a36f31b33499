// `paliscope eval`: a project's results scored against reviewed truth (or truth files), as a table, JSON or CSV.
import { existsSync } from 'node:fs';
import { CliCommand, processIo, type CliIo } from '../cli-command';
import { Store } from '../store/store';
import { evaluate, type EvalReport } from './evaluate';
import { toCsv, toJson, toMarkdown } from './format';
import { fromStore } from './from-store';
import { EVAL_TASKS } from './metrics';
import { byStem, truthFromFolder } from './truth-files';

const FORMATS = ['md', 'json', 'csv'] as const;

const USAGE = `usage: paliscope eval --project FILE [options]

Scores a project's results against the truth: its reviewed results (accepted or corrected), or files.

options:
  --project FILE    the project file (required; opened read-only)
  --truth reviewed  the project's reviews (default); or a folder of truth files:
                    <document stem>.txt (or <stem>.<page>.txt) text, ALTO/PAGE .xml, .html tables,
                    .krn scores, .smi SMILES lists ("SMILES stem[.page]"), COCO .json boxes
  --task TASK       only this task (${EVAL_TASKS.join(', ')})
  --model ID        only this model id (repeat for several)
  --format FORMAT   md (default: a table per task), json (everything), csv (one row per page and task)
  -h, --help        show this help

Every other finished run on a page and task with a truth is scored; the reviewed run itself is scored
against its review. Means come with a 95 % bootstrap interval over pages.
`;

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cmd = new CliCommand('paliscope eval', USAGE, io);
  const parsed = cmd.parse({
    args: argv,
    options: { project: { type: 'string' }, truth: { type: 'string' }, task: { type: 'string' }, model: { type: 'string', multiple: true }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (typeof parsed === 'number') return parsed;
  const a = parsed.values;
  const fail = (m: string, code = 2) => cmd.fail(m, code);
  if (!a.project) return cmd.usageError('--project is required');
  const format = (a.format ?? 'md') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) return fail(`--format must be one of ${FORMATS.join(', ')}, not "${a.format}"`);
  if (a.task && !EVAL_TASKS.includes(a.task)) return fail(`--task must be one of ${EVAL_TASKS.join(', ')}, not "${a.task}"`);
  if (!existsSync(a.project)) return fail(`${a.project}: no such project file`);

  let report: EvalReport;
  let store: Store | null = null;
  try {
    store = Store.open(a.project, { mustExist: true, readonly: true });
    const { truths: reviewed, predictions } = fromStore(store, { task: a.task });
    const truth = a.truth ?? 'reviewed';
    const opts = { tasks: a.task ? [a.task] : undefined, models: a.model };
    if (truth === 'reviewed') {
      report = await evaluate(reviewed, predictions, { truthLabel: 'reviewed results', ...opts });
    } else {
      const { truths, notes } = await truthFromFolder(truth, { task: a.task });
      if (!truths.length) return fail(`${truth}: no truth file found (${notes.length ? notes.join('; ') : 'expected .txt, .xml, .html, .krn, .smi or COCO .json files'})`);
      report = await evaluate(truths, predictions, { truthLabel: `files in ${truth}`, pageKey: byStem, ...opts });
      report.notes.unshift(...notes);
    }
  } catch (e) {
    return fail((e as Error).message, 1);
  } finally {
    store?.close();
  }
  io.stdout.write(format === 'json' ? toJson(report) : format === 'csv' ? toCsv(report) : toMarkdown(report));
  return 0;
}
