// The reviewed truth as the files each field uses, in one zip: per result, the formats of its kind (a table as XLSX,
// CSV and HTML; a molecule as SDF and SMILES; a score as **kern, MusicXML and MIDI; boxes as COCO JSON; reports and
// captions as Markdown or text), the built-in OCR per document as ALTO, hOCR and text, and results.jsonl with
// everything. A result that cannot be written in a format (an invalid SMILES has no SDF) is listed in README.txt
// with the reason instead of failing the export.
import { basename } from 'node:path';
import { zipSync } from 'fflate';
import type { RunExportFormat } from '../../preload/contract';
import type { RunRecord } from '../../preload/contract';
import { bestPerPage, effectiveValue, toJsonl } from '../../models/store/export';
import type { ResultRow } from '../../models/store/types';
import { toAlto, toHocr, toText } from '../../models/ocr/export';
import type { OcrPage } from '../../models/ocr/types';
import { exportParsed, type ExportParsed } from '../files/run-export';
import { assertEntriesContained, safeName } from '../files/export-names';
import { asOcrPage, asRunParsed } from './review-values';

/** What each kind of result is written as in the bundle (JSON is in results.jsonl already). */
const BUNDLE_FORMATS: Record<NonNullable<RunRecord['parsed']>['kind'], readonly RunExportFormat[]> = {
  boxes: ['coco', 'txt'],
  text: ['txt'],
  report: ['md'],
  verdict: ['txt'],
  table: ['xlsx', 'csv', 'html'],
  molecule: ['sdf', 'smi'],
  music: ['krn', 'musicxml', 'mid'],
};

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const safe = (s: string): string => safeName(s, 'result');

export async function reviewedBundle(rows: ResultRow[], title: string, write: ExportParsed = exportParsed): Promise<{ bytes: Uint8Array; results: number; files: string[] }> {
  const files: Record<string, Uint8Array> = {};
  const skipped: string[] = [];
  const put = (path: string, bytes: Uint8Array): void => {
    let p = path;
    for (let n = 2; files[p]; n++) p = path.replace(/(\.[^./]+)+$/, (ext) => `-${n}${ext}`);
    files[p] = bytes;
  };
  const best = bestPerPage(rows);
  const ocrByDocument = new Map<string, { name: string; pages: Array<{ index: number; page: OcrPage }> }>();

  for (const r of best) {
    const documentName = basename(r.document.path);
    const folder = safe(documentName.replace(/\.[^.]+$/, ''));
    const where = `${documentName} page ${r.page.index + 1} (${r.run.task}, ${r.run.modelName})`;
    const value = effectiveValue(r);
    const ocr = asOcrPage(value);
    if (ocr) {
      const entry = ocrByDocument.get(r.document.sha256) ?? { name: documentName, pages: [] };
      entry.pages.push({ index: r.page.index, page: ocr as unknown as OcrPage });
      ocrByDocument.set(r.document.sha256, entry);
      continue;
    }
    const parsed = asRunParsed(value);
    if (!parsed) {
      skipped.push(`${where}: no parsed result to write`);
      continue;
    }
    const from = { documentName, page: r.page.index, task: r.run.task as RunRecord['prompt']['task'], prompt: r.run.prompt, model: r.run.modelName, source: 'model' as const, raw: r.run.raw };
    for (const format of BUNDLE_FORMATS[parsed.kind]) {
      try {
        const f = await write(parsed, from, format);
        // In the document's folder the file is named by page, task and model.
        put(`${folder}/p${r.page.index + 1}-${safe(from.task)}-${safe(r.run.modelName)}.${f.extension}`, f.bytes);
      } catch (e) {
        skipped.push(`${where}: no ${format}: ${(e as Error).message}`);
      }
    }
  }

  // The built-in OCR: one ALTO, hOCR and text file per document, pages in order.
  for (const { name, pages } of ocrByDocument.values()) {
    const ordered = pages.sort((a, b) => a.index - b.index).map((p) => p.page);
    const stem = safe(name.replace(/\.[^.]+$/, ''));
    try {
      put(`${stem}/${stem}.alto.xml`, utf8(toAlto(ordered, { fileName: name })));
      put(`${stem}/${stem}.hocr.html`, utf8(toHocr(ordered, { title: name })));
      put(`${stem}/${stem}.txt`, utf8(toText(ordered)));
    } catch (e) {
      skipped.push(`${name}: the OCR text could not be written as ALTO/hOCR: ${(e as Error).message}`);
    }
  }

  put('results.jsonl', utf8(toJsonl(best)));
  const readme = [
    title,
    '',
    `${best.length} results (one per page, task and model; rejected results left out), ${Object.keys(files).length - 1} files besides results.jsonl.`,
    'Each folder is one document. results.jsonl holds every result with its raw output, parsed value and review.',
    ...(skipped.length ? ['', 'Not written:', ...skipped.map((s) => `- ${s}`)] : []),
    '',
  ].join('\n');
  put('README.txt', utf8(readme));
  assertEntriesContained(Object.keys(files));
  return { bytes: zipSync(files, { level: 6 }), results: best.length, files: Object.keys(files) };
}
