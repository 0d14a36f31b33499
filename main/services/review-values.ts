// What a review does to a result's value: builds the corrected parsed result from a correction (validated for the
// result's kind), summarises a value in one line, and compares two values (words, boxes, table cells). Pure functions,
// except that SMILES and **kern are checked through `analyze` — in the app the engine host's 'tasks.analyze', so main
// never loads RDKit or Verovio (as for runs).
import { diffWords } from 'diff';
import { RunParsed, type OcrReviewLine, type ReviewComparison, type ReviewCorrection, type SmilesCheck } from '../../preload/contract';
import type { Analyze } from './runs';
import { escapeHtml } from '../../models/paligemma/tasks/table/inline-html';
import { AppFailure } from '../ipc/dispatcher';
import { MATCH_IOU, pairBoxes } from '../../models/eval/boxes';

type Parsed = RunParsed;
type BoxesParsed = Extract<Parsed, { kind: 'boxes' }>;
type TableParsedValue = Extract<Parsed, { kind: 'table' }>;

/** A stored value as the contract's RunParsed, or null (a result of another shape, e.g. the built-in OCR's lines). */
export function asRunParsed(v: unknown): Parsed | null {
  if (!v || typeof v !== 'object') return null;
  const r = RunParsed.safeParse(v);
  return r.success ? r.data : null;
}

/** The built-in OCR's page as the store keeps it (models/batch/ocr-runner.ts): lines with quads and confidences. */
interface OcrPageValue {
  task: 'ocr-builtin';
  lines: { text: string; confidence?: number; box: OcrReviewLine['box']; words?: unknown[] }[];
  meanConfidence?: number | null;
  [k: string]: unknown;
}

const isQuad = (b: unknown): b is OcrReviewLine['box'] =>
  Array.isArray(b) && b.length === 4 && b.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n)));

/** A stored built-in OCR page, or null when the value is something else. */
export function asOcrPage(v: unknown): OcrPageValue | null {
  const p = v as OcrPageValue | null;
  if (!p || typeof p !== 'object' || !Array.isArray(p.lines)) return null;
  return p.lines.every((l) => l && typeof l.text === 'string' && isQuad(l.box)) ? p : null;
}

/** The lines of a built-in OCR page for the review view. */
export function ocrLinesOf(v: unknown): OcrReviewLine[] | null {
  const p = asOcrPage(v);
  if (!p) return null;
  return p.lines.map((l) => ({ text: l.text, confidence: typeof l.confidence === 'number' && Number.isFinite(l.confidence) ? Math.min(1, Math.max(0, l.confidence)) : null, box: l.box }));
}

/** The editable text of a text-like result, or null when the result is not text. */
export function textOf(v: Parsed | null): string | null {
  if (!v) return null;
  if (v.kind === 'text' || v.kind === 'report' || v.kind === 'verdict') return v.text;
  return null;
}

/** One line for the results list. Model text: the renderer shows it as text only. */
export function summarize(v: unknown): string {
  const p = asRunParsed(v);
  let s = '';
  if (p) {
    switch (p.kind) {
      case 'text': case 'report': case 'verdict': s = p.text; break;
      case 'boxes': s = `${p.objects.length} box${p.objects.length === 1 ? '' : 'es'}: ${p.objects.map((o) => o.label).join(', ')}`; break;
      case 'table': s = `table ${p.table.rows}×${p.table.cols}: ${p.table.cells.slice(0, 6).map((c) => c.text).join(' | ')}`; break;
      case 'molecule': s = p.molecule.valid ? (p.molecule.canonical ?? p.molecule.input) : `invalid SMILES ${p.molecule.input}`; break;
      case 'music': s = p.music.valid ? `score, ${p.music.notes.length} notes` : `invalid score${p.music.error ? ` (line ${p.music.error.line})` : ''}`; break;
    }
  } else if (v && typeof v === 'object' && Array.isArray((v as { lines?: unknown }).lines)) {
    s = ((v as { lines: { text?: unknown }[] }).lines).map((l) => (typeof l.text === 'string' ? l.text : '')).join(' / ');
  }
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > 300 ? `${s.slice(0, 299)}…` : s;
}

/** RDKit's verdict on a SMILES, for the editor as the person types. */
export async function checkSmiles(analyze: Analyze, smiles: string): Promise<SmilesCheck> {
  if (!smiles.trim()) return { valid: false, canonical: null, formula: null, error: 'the SMILES is empty' };
  const m = await analyzeMolecule(analyze, smiles);
  return { valid: m.valid, canonical: m.canonical, formula: m.formula, error: m.valid ? null : (m.error ?? 'RDKit did not accept this SMILES') };
}

/** Verovio's check and engraving of **kern typed in the editor (the same analysis a music run's output gets). */
export async function checkKern(analyze: Analyze, kern: string): Promise<Extract<Parsed, { kind: 'music' }>['music']> {
  const r = await analyze('music', kern, {});
  if (r.kind !== 'music') throw new Error('the music analysis returned another kind of result');
  return r.music;
}

/** RDKit's analysis of a SMILES (the molecule task's parser: special tokens and surrounding space removed). */
async function analyzeMolecule(analyze: Analyze, smiles: string): Promise<Extract<Parsed, { kind: 'molecule' }>['molecule']> {
  const r = await analyze('molecule', smiles, {});
  if (r.kind !== 'molecule') throw new Error('the molecule analysis returned another kind of result');
  return r.molecule;
}

const bad = (runId: number, why: string) => new AppFailure('BAD_INPUT', `correction of result ${runId}: ${why}`);

/**
 * The corrected parsed result a correction makes of `parsed` (the model's result), or a BAD_INPUT failure naming the
 * reason: the correction must fit the result's kind, boxes must lie inside the page, table cells must exist, and a
 * SMILES must be one RDKit accepts (the correction keeps RDKit's canonical form).
 */
export async function correctedValue(
  analyze: Analyze, runId: number, task: string, stored: unknown, c: ReviewCorrection, page: { width: number; height: number } | null,
): Promise<unknown> {
  const ocr = asOcrPage(stored);
  if (ocr) return correctedOcrPage(runId, ocr, c);
  const parsed = asRunParsed(stored);
  switch (c.kind) {
    case 'text': {
      if (parsed && parsed.kind !== 'text' && parsed.kind !== 'report' && parsed.kind !== 'verdict') throw bad(runId, `a ${parsed.kind} result is not corrected as text`);
      if (!parsed && !['ocr', 'caption', 'describe', 'answer'].includes(task)) throw bad(runId, `a ${task} result is not corrected as text`);
      const text = c.text.replace(/\r\n?/g, '\n');
      if (!parsed) return { kind: 'text', task: task as 'ocr', text, warnings: [] };
      if (parsed.kind === 'report') return { kind: 'report', text, sections: [{ heading: null, text }], warnings: [] };
      if (parsed.kind === 'verdict') {
        const answer = /^\s*(true|yes)\b/i.test(text) ? true : /^\s*(false|no)\b/i.test(text) ? false : null;
        return { kind: 'verdict', text, answer, warnings: [] };
      }
      return { ...parsed, text, warnings: [] } as Parsed;
    }
    case 'boxes': {
      if (parsed && parsed.kind !== 'boxes') throw bad(runId, `a ${parsed.kind} result is not corrected as boxes`);
      const width = (parsed as BoxesParsed | null)?.width ?? page?.width;
      const height = (parsed as BoxesParsed | null)?.height ?? page?.height;
      if (!width || !height) throw bad(runId, 'the page size is unknown, so boxes cannot be checked');
      c.objects.forEach((o, i) => {
        const [x0, y0, x1, y1] = o.box;
        const name = `box ${i + 1} (${o.label || 'no label'})`;
        if (![x0, y0, x1, y1].every(Number.isFinite)) throw bad(runId, `${name} has a coordinate that is not a number`);
        if (!(x1 > x0 && y1 > y0)) throw bad(runId, `${name} is empty: [${o.box.join(', ')}]`);
        if (x0 < 0 || y0 < 0 || x1 > width || y1 > height) throw bad(runId, `${name} [${o.box.map((v) => Math.round(v)).join(', ')}] goes outside the page (${width}×${height})`);
      });
      const kept = new Map<string, BoxesParsed['objects'][number]>();
      for (const o of (parsed as BoxesParsed | null)?.objects ?? []) kept.set(`${o.label}|${o.box.join(',')}`, o);
      return {
        kind: 'boxes', task: (parsed as BoxesParsed | null)?.task ?? 'detect', width, height, warnings: [],
        // An object left as the model drew it keeps its mask; a moved or new one has only its box.
        objects: c.objects.map((o) => kept.get(`${o.label}|${o.box.join(',')}`) ?? { label: o.label, box: [...o.box] as [number, number, number, number] }),
      };
    }
    case 'table': {
      if (!parsed || parsed.kind !== 'table') throw bad(runId, `a ${parsed?.kind ?? task} result is not corrected as a table`);
      const byPos = new Map(parsed.table.cells.map((cell, i) => [`${cell.row},${cell.col}`, i]));
      const cells = parsed.table.cells.map((cell) => ({ ...cell }));
      for (const e of c.cells) {
        const i = byPos.get(`${e.row},${e.col}`);
        if (i === undefined) throw bad(runId, `the table has no cell at row ${e.row + 1}, column ${e.col + 1}`);
        // Corrected text is plain: the inline markup of the model's cell is dropped when its text is changed.
        if (cells[i]!.text !== e.text) cells[i] = { ...cells[i]!, text: e.text, html: escapeHtml(e.text) };
      }
      return { kind: 'table', table: { ...parsed.table, cells, warnings: [] }, warnings: [] } satisfies TableParsedValue;
    }
    case 'music': {
      if (parsed && parsed.kind !== 'music') throw bad(runId, `a ${parsed.kind} result is not corrected as a score`);
      if (!parsed && task !== 'music') throw bad(runId, `a ${task} result is not corrected as a score`);
      const music = await checkKern(analyze, c.kern);
      if (!music.valid) {
        const e = music.error;
        // Verovio's messages often start with the line already ("line 7: 3 fields but 2 spines").
        const where = e ? (/^line \d/i.test(e.message) ? `: ${e.message}` : ` at line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`) : ' (invalid **kern)';
        throw bad(runId, `Verovio refused the score${where}`);
      }
      return { kind: 'music', music, warnings: music.warnings };
    }
    case 'molecule': {
      if (parsed && parsed.kind !== 'molecule') throw bad(runId, `a ${parsed.kind} result is not corrected as a SMILES`);
      if (!parsed && task !== 'molecule') throw bad(runId, `a ${task} result is not corrected as a SMILES`);
      const m = await analyzeMolecule(analyze, c.smiles);
      if (!m.valid) throw bad(runId, `RDKit refused the SMILES "${c.smiles}": ${m.error ?? 'invalid'}`);
      return { kind: 'molecule', molecule: m, warnings: [] };
    }
  }
}

/**
 * The built-in OCR corrected line by line: each line keeps its place on the page and takes its corrected text (its
 * word boxes are dropped when the text changed, as they no longer match); a line emptied is dropped. The number of
 * lines must stay the same, or which line moved where would be a guess.
 */
function correctedOcrPage(runId: number, page: OcrPageValue, c: ReviewCorrection): OcrPageValue {
  if (c.kind !== 'text') throw bad(runId, `the built-in OCR's result is corrected as text, line by line, not as ${c.kind}`);
  const texts = c.text.replace(/\r\n?/g, '\n').split('\n');
  if (page.lines.length === 0 && c.text.trim() === '') return { ...page, lines: [] };
  if (texts.length !== page.lines.length) {
    throw bad(runId, `the OCR found ${page.lines.length} line${page.lines.length === 1 ? '' : 's'} on the page and the correction has ${texts.length}; correct each line in its place (empty a line to drop it)`);
  }
  const lines = page.lines.flatMap((l, i) => {
    const text = texts[i]!;
    if (!text.trim()) return [];
    return [text === l.text ? l : { ...l, text, words: [] }];
  });
  return { ...page, lines };
}

// ---- comparison ----
// Boxes are paired by models/eval/boxes.ts (pairBoxes), the matching the detection metrics use, so Review and
// Evaluate never disagree on which boxes are the same object.

/** Word-level differences (whitespace kept with the words, so the pieces rebuild both texts). */
export function diffText(a: string, b: string): ReviewComparison['words'] {
  return diffWords(a, b).map((p) => ({ op: p.added ? 'added' : p.removed ? 'removed' : 'same', text: p.value }));
}

function cellTexts(v: TableParsedValue): Map<string, { row: number; col: number; text: string }> {
  return new Map(v.table.cells.map((c) => [`${c.row},${c.col}`, { row: c.row, col: c.col, text: c.text }]));
}

export function diffCells(a: TableParsedValue, b: TableParsedValue): ReviewComparison['cells'] {
  const ca = cellTexts(a), cb = cellTexts(b);
  const keys = new Set([...ca.keys(), ...cb.keys()]);
  const out: ReviewComparison['cells'] = [];
  for (const k of keys) {
    const x = ca.get(k), y = cb.get(k);
    const pos = (x ?? y)!;
    out.push({ row: pos.row, col: pos.col, a: x?.text ?? null, b: y?.text ?? null, same: !!x && !!y && x.text.trim() === y.text.trim() });
  }
  return out.sort((p, q) => p.row - q.row || p.col - q.col);
}

/** Compares the values in force of two runs on one page. */
export function compareValues(ids: { a: number; b: number }, rawA: unknown, rawB: unknown): ReviewComparison {
  const va = asRunParsed(rawA), vb = asRunParsed(rawB);
  const base = { ...ids, words: [], boxes: [], cells: [] };
  if (va?.kind === 'boxes' && vb?.kind === 'boxes') {
    const boxes = pairBoxes(va.objects, vb.objects);
    const matched = boxes.filter((p) => p.a !== null && p.b !== null);
    const relabelled = matched.filter((p) => !p.sameLabel).length;
    const onlyA = boxes.filter((p) => p.b === null).length, onlyB = boxes.filter((p) => p.a === null).length;
    return { ...base, kind: 'boxes', boxes, summary: `${matched.length} boxes matched (IoU ≥ ${MATCH_IOU})${relabelled ? `, ${relabelled} with another label` : ''}; ${onlyA} only in A, ${onlyB} only in B` };
  }
  if (va?.kind === 'table' && vb?.kind === 'table') {
    const cells = diffCells(va, vb);
    const differ = cells.filter((c) => !c.same).length;
    return { ...base, kind: 'table', cells, summary: `${differ} of ${cells.length} cells differ (A ${va.table.rows}×${va.table.cols}, B ${vb.table.rows}×${vb.table.cols})` };
  }
  const ta = textLike(va) ?? linesText(rawA), tb = textLike(vb) ?? linesText(rawB);
  if (ta !== null && tb !== null) {
    const words = diffText(ta, tb);
    const count = (op: string) => words.filter((w) => w.op === op).reduce((n, w) => n + (w.text.trim() ? w.text.trim().split(/\s+/).length : 0), 0);
    const removed = count('removed'), added = count('added');
    return { ...base, kind: 'text', words, summary: removed || added ? `${removed} word(s) only in A, ${added} only in B` : 'the texts are the same' };
  }
  return { ...base, kind: 'other', summary: `these results cannot be compared piece by piece (A: ${kindOf(va, rawA)}, B: ${kindOf(vb, rawB)})` };
}

const kindOf = (p: Parsed | null, raw: unknown): string => p?.kind ?? (asOcrPage(raw) ? 'ocr lines' : 'none');

function linesText(v: unknown): string | null {
  const p = asOcrPage(v);
  return p ? p.lines.map((l) => l.text).join('\n') : null;
}

function textLike(v: Parsed | null): string | null {
  if (!v) return null;
  if (v.kind === 'molecule') return v.molecule.canonical ?? v.molecule.input;
  return textOf(v);
}
