// A run's parsed result as a file. The formats of each kind of result are the task table's (models/tasks/table.ts); the writers
// for each task live with their parsers in models/paligemma/tasks, and this module only routes and names files.
import { RESULT_KINDS } from '../../models/tasks/table';
import type { RunExportFormat } from '../../preload/contract';
import type { RunRecord } from '../../preload/contract';
import { AppFailure } from '../ipc/dispatcher';
import { safeName } from './export-names';
import type { TableExportFormat } from '../../models/paligemma/tasks/table/export-table';
import type { MoleculeExportFormat } from '../../models/paligemma/tasks/molecule/export';
import type { MusicExportFormat } from '../../models/paligemma/tasks/music/export';

export interface ExportedFile {
  fileName: string;
  /** The file name's extension (without the dot), e.g. "coco.json", for callers that name the file otherwise. */
  extension: string;
  mime: string;
  bytes: Uint8Array;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export { safeName };

/** A file name from the document's name, the page (0-based) and the task, safe on every platform (both come from the project). */
export function exportFileName(documentName: string, page: number, task: string, extension: string): string {
  return `${safeName(documentName.replace(/\.[^.]+$/, ''), 'document')}-p${page + 1}-${safeName(task, 'task')}.${extension}`;
}

/** Refuses a format the result's kind does not have, naming the ones it has. */
function checkFormat(kind: NonNullable<RunRecord['parsed']>['kind'], task: string, format: RunExportFormat): void {
  const allowed: readonly RunExportFormat[] = RESULT_KINDS[kind].exports;
  if (!allowed.includes(format)) throw new AppFailure('BAD_INPUT', `a ${task} result exports as ${allowed.join(', ')}, not ${format}`);
}

/** What a file of a result says about where it came from (the JSON export carries it whole). */
export interface ResultSource {
  documentName: string;
  /** 0-based page. */
  page: number;
  task: RunRecord['prompt']['task'];
  prompt: string;
  model: string;
  source: RunRecord['source'];
  raw: string;
  /** DICOM pages: the header fields as the export may carry them (de-identified unless identifiers are kept), the window. */
  study?: StudyFacts;
}

export interface StudyFacts {
  fields: { label: string; value: string }[];
  window: { center: number; width: number; invert?: boolean } | null;
  /** The de-identification method applied, or null when the person chose to keep identifiers. */
  deidentified: string | null;
}

/** The study facts as Markdown, for a report export. */
function studyMarkdown(study: StudyFacts): string {
  const cell = (v: string): string => v.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const rows = study.fields.filter((f) => f.value !== '').map((f) => `| ${cell(f.label)} | ${cell(f.value)} |`);
  const lines = ['## Study', '', '| Field | Value |', '|---|---|', ...rows];
  if (study.window) lines.push('', `Window: width ${study.window.width}, level ${study.window.center}${study.window.invert ? ', inverted' : ''}.`);
  lines.push('', study.deidentified ? `De-identified: ${study.deidentified}.` : 'Patient identifiers kept at the user\'s request.');
  return lines.join('\n');
}

export type ExportParsed = (parsed: NonNullable<RunRecord['parsed']>, from: ResultSource, format: RunExportFormat) => Promise<ExportedFile>;

/** A run's result as a file; `write` is where the writers run (the engine host in the app, in-process in tests). */
export async function exportRun(run: RunRecord, documentName: string, format: RunExportFormat, write: ExportParsed = exportParsed, study?: StudyFacts): Promise<ExportedFile> {
  if (!run.parsed) throw new AppFailure('BAD_INPUT', 'this run has no parsed result to export (it produced no output)');
  // Checked here too, so a wrong request is refused without a trip to the engine host.
  checkFormat(run.parsed.kind, run.prompt.task, format);
  const from: ResultSource = { documentName, page: run.page, task: run.prompt.task, prompt: run.promptText, model: run.model.name, source: run.source, raw: run.text, ...(study ? { study } : {}) };
  return write(run.parsed, from, format);
}

/** A parsed result (a run's, or a reviewed correction of it) as a file in one of the formats its kind has. */
export async function exportParsed(parsed: NonNullable<RunRecord['parsed']>, from: ResultSource, format: RunExportFormat): Promise<ExportedFile> {
  checkFormat(parsed.kind, from.task, format);
  const file = (extension: string, mime: string, bytes: Uint8Array): ExportedFile => ({ fileName: exportFileName(from.documentName, from.page, from.task, extension), extension, mime, bytes });
  if (format === 'json') {
    const body = { document: from.documentName, page: from.page + 1, task: from.task, prompt: from.prompt, model: from.model, source: from.source, raw: from.raw, parsed, ...(from.study ? { study: from.study } : {}) };
    return file('json', 'application/json', utf8(JSON.stringify(body, null, 2) + '\n'));
  }
  switch (parsed.kind) {
    case 'boxes':
      if (format === 'coco') return file('coco.json', 'application/json', utf8(JSON.stringify(toCoco(parsed, from.documentName, from.page), null, 2) + '\n'));
      return file('txt', 'text/plain', utf8(parsed.objects.map((o) => `${o.box.map((v) => Math.round(v)).join('\t')}\t${o.label}`).join('\n') + '\n'));
    case 'text':
      return format === 'md' ? file('md', 'text/markdown', utf8(`${parsed.text}\n`)) : file('txt', 'text/plain', utf8(`${parsed.text}\n`));
    case 'report': {
      if (format === 'txt') return file('txt', 'text/plain', utf8(`${parsed.text}\n`));
      const md = parsed.sections.map((s) => (s.heading ? `## ${s.heading}\n\n${s.text}` : s.text)).join('\n\n');
      return file('md', 'text/markdown', utf8(`${md}\n${from.study ? `\n${studyMarkdown(from.study)}\n` : ''}`));
    }
    case 'verdict':
      return file('txt', 'text/plain', utf8(`${parsed.answer === null ? 'unparsed' : String(parsed.answer)}\t${parsed.text}\n`));
    case 'table': {
      // The writers are loaded on first use, where they run (the engine host in the app).
      const { exportTable } = await import('../../models/paligemma/tasks/table/export-table');
      const t = await exportTable(parsed.table, format as TableExportFormat);
      return file(t.extension, t.mime, t.bytes);
    }
    case 'molecule': {
      // An invalid SMILES has nothing to write but itself; the writer says why.
      try {
        const { exportMolecule } = await import('../../models/paligemma/tasks/molecule/export');
        const m = exportMolecule(parsed.molecule, format as MoleculeExportFormat, `${from.documentName} page ${from.page + 1}`);
        return file(m.extension, m.mime, m.bytes);
      } catch (e) {
        throw new AppFailure('BAD_INPUT', (e as Error).message);
      }
    }
    case 'music': {
      try {
        const { exportMusic } = await import('../../models/paligemma/tasks/music/export');
        const m = await exportMusic(parsed.music, format as MusicExportFormat);
        return file(m.extension, m.mime, m.bytes);
      } catch (e) {
        throw new AppFailure('BAD_INPUT', (e as Error).message);
      }
    }
  }
}

type Boxes = Extract<NonNullable<RunRecord['parsed']>, { kind: 'boxes' }>;

/**
 * COCO object-detection JSON (images, annotations, categories) for one page: bbox is [x, y, width, height] in image
 * pixels, category ids number the labels in order of first appearance.
 */
export function toCoco(parsed: Boxes, documentName: string, page: number): object {
  const categories: { id: number; name: string }[] = [];
  const idOf = (name: string): number => {
    let c = categories.find((x) => x.name === name);
    if (!c) categories.push((c = { id: categories.length + 1, name }));
    return c.id;
  };
  const annotations = parsed.objects.map((o, i) => {
    const [x0, y0, x1, y1] = o.box;
    const w = x1 - x0;
    const h = y1 - y0;
    return { id: i + 1, image_id: 1, category_id: idOf(o.label || 'object'), bbox: [x0, y0, w, h], area: w * h, iscrowd: 0 };
  });
  return {
    images: [{ id: 1, file_name: `${documentName}#page=${page + 1}`, width: parsed.width, height: parsed.height }],
    annotations,
    categories,
  };
}
