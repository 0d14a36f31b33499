// `paliscope export`: a project's results as JSON Lines, CSV, COCO JSON or plain text files.
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CliCommand, processIo, type CliIo } from '../cli-command';
import { onlyReviewed, toCoco, toCsv, toJsonl, toTextFiles } from './export';
import { Store } from './store';
import type { ResultRow } from './types';

const FORMATS = ['jsonl', 'csv', 'coco', 'txt'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: paliscope export --project FILE --format FORMAT [options]

Writes the results kept in a project (see \`paliscope batch\`).

formats:
  jsonl   every run, one JSON object per line (raw output, parsed result, review, corrected value)
  csv     one summary row per run
  coco    COCO JSON of detect / segment results (boxes; masks where results have them)
  txt     one text file per document and task, for ocr, ocr-builtin, caption and answer

options:
  --project FILE   the project file (required)
  --format FORMAT  ${FORMATS.join(', ')}
  --only reviewed  only accepted and corrected results
  --task TASK      only this task;  --model ID  only this model id
  --out DIR        folder to write into (default: the current folder; created if missing)
  -h, --help       show this help

COCO and txt take one result per page (a reviewed one first) and leave rejected results out;
a correction replaces the model's result everywhere.
`;

/** Written through a temporary name, so an interrupted export never leaves a truncated file under the real name. */
async function put(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cmd = new CliCommand('paliscope export', USAGE, io);
  const parsed = cmd.parse({
    args: argv,
    options: {
      project: { type: 'string' }, format: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' },
      task: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const a = parsed.values;
  if (!a.project) return cmd.usageError('--project is required');
  if (!a.format) return cmd.usageError('--format is required');
  if (!(FORMATS as readonly string[]).includes(a.format)) return cmd.usageError(`--format ${a.format}: expected one of ${FORMATS.join(', ')}`);
  if (a.only !== undefined && a.only !== 'reviewed') return cmd.usageError(`--only ${a.only}: the only choice is "reviewed"`);
  const format = a.format as Format;
  const projectPath = resolve(a.project);
  if (!existsSync(projectPath)) return cmd.fail(`${a.project}: no such project file`);

  let store: Store | undefined;
  try {
    store = Store.open(projectPath, { mustExist: true });
    let rows: ResultRow[] = store.results({ task: a.task, modelId: a.model });
    if (a.only) rows = onlyReviewed(rows);
    const outDir = resolve(a.out ?? '.');
    await mkdir(outDir, { recursive: true });
    const stem = basename(projectPath).replace(/\.paliscope$/i, '');
    const written: { path: string; results: number }[] = [];
    if (format === 'jsonl') {
      const path = join(outDir, `${stem}.jsonl`);
      await put(path, toJsonl(rows));
      written.push({ path, results: rows.length });
    } else if (format === 'csv') {
      const path = join(outDir, `${stem}.csv`);
      await put(path, toCsv(rows));
      written.push({ path, results: rows.length });
    } else if (format === 'coco') {
      const coco = toCoco(rows, `Paliscope export of ${basename(projectPath)}`);
      const path = join(outDir, `${stem}.coco.json`);
      await put(path, JSON.stringify(coco, null, 1) + '\n');
      written.push({ path, results: new Set(coco.annotations.map((x) => x.run_id)).size });
    } else {
      for (const f of toTextFiles(rows)) {
        const path = join(outDir, f.name);
        await put(path, f.text);
        written.push({ path, results: f.results });
      }
    }
    for (const w of written) {
      store.recordExport({ format, onlyReviewed: !!a.only, path: w.path, results: w.results });
      io.stdout.write(`${w.path} (${w.results} result${w.results === 1 ? '' : 's'})\n`);
    }
    if (!written.length) io.stderr.write(`paliscope export: no ${format === 'txt' ? 'text ' : ''}results to export${a.only ? ' (none reviewed)' : ''}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`paliscope export: ${(e as Error).message}\n`);
    return 1;
  } finally {
    store?.close();
  }
}
