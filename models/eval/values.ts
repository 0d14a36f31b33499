// Stored results (and imported truth) as the values metrics compare. A project file is someone else's file: every
// shape is checked here, and anything unexpected becomes `{ kind: 'unusable', reason }`, which the scorer turns into
// the worst score with that reason, never an exception.
//
// Accepted shapes: the parsed results the app keeps (`kind`: text, report, verdict, boxes, table, molecule, music), the
// built-in OCR's page (`lines`), and the older CLI values without `kind` ({task, text} and {task, objects}).
import type { EvalObject, Rle } from './masks';
import type { EvalCell, EvalTable } from './tables';
import type { EvalMolecule } from './molecules';

export type EvalValue =
  | { kind: 'text'; text: string }
  | { kind: 'boxes'; objects: EvalObject[] }
  | { kind: 'table'; table: EvalTable }
  | { kind: 'molecule'; molecule: EvalMolecule }
  | { kind: 'music'; kern: string; valid: boolean }
  | { kind: 'verdict'; answer: boolean | null; text: string }
  | { kind: 'unusable'; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const MAX_ITEMS = 20_000;

function objects(list: unknown): EvalObject[] | null {
  if (!Array.isArray(list)) return null;
  return list.slice(0, MAX_ITEMS).filter(isObj).map((o) => {
    const box = Array.isArray(o.box) ? o.box.slice(0, 4).map((v) => num(v) ?? NaN) : [NaN, NaN, NaN, NaN];
    const mask = isObj(o.mask) && isObj(o.mask.rle) ? (o.mask.rle as unknown as Rle) : isObj(o.rle) ? (o.rle as unknown as Rle) : null;
    const score = num(o.score);
    return { label: str(o.label), box: box as unknown as EvalObject['box'], mask, ...(score === null ? {} : { score }) };
  });
}

function table(t: unknown): EvalTable | null {
  if (!isObj(t) || !Array.isArray(t.cells)) return null;
  const rows = num(t.rows), cols = num(t.cols);
  if (rows === null || cols === null || rows < 0 || cols < 0 || rows > MAX_ITEMS || cols > MAX_ITEMS) return null;
  const cells: EvalCell[] = [];
  for (const c of t.cells.slice(0, MAX_ITEMS)) {
    if (!isObj(c)) continue;
    const row = num(c.row), col = num(c.col);
    if (row === null || col === null || row < 0 || col < 0 || row >= rows) continue;
    const span = (v: unknown) => Math.max(1, Math.min(MAX_ITEMS, Math.floor(num(v) ?? 1)));
    cells.push({ row: Math.floor(row), col: Math.floor(col), rowspan: span(c.rowspan), colspan: span(c.colspan), header: c.header === true, text: str(c.text), html: typeof c.html === 'string' ? c.html : escapeText(str(c.text)) });
  }
  return { rows: Math.floor(rows), cols: Math.floor(cols), cells };
}

const escapeText = (s: string) => s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

function molecule(m: unknown): EvalMolecule | null {
  if (!isObj(m)) return null;
  return { input: str(m.input), valid: m.valid === true && typeof m.canonical === 'string', canonical: typeof m.canonical === 'string' ? m.canonical : null, inchikey: typeof m.inchikey === 'string' ? m.inchikey : null, error: typeof m.error === 'string' ? m.error : null };
}

/** A stored value (a run's parsed result or a review's correction) as an evaluation value. */
export function toEvalValue(v: unknown): EvalValue {
  if (!isObj(v)) return { kind: 'unusable', reason: v === null || v === undefined ? 'there is no parsed result' : 'the result is not an object' };
  switch (v.kind) {
    case 'text': case 'report':
      return typeof v.text === 'string' ? { kind: 'text', text: v.text } : { kind: 'unusable', reason: 'a text result without text' };
    case 'verdict':
      return { kind: 'verdict', answer: typeof v.answer === 'boolean' ? v.answer : null, text: str(v.text) };
    case 'boxes': {
      const o = objects(v.objects);
      return o ? { kind: 'boxes', objects: o } : { kind: 'unusable', reason: 'a boxes result without a list of objects' };
    }
    case 'table': {
      const t = table(v.table);
      return t ? { kind: 'table', table: t } : { kind: 'unusable', reason: 'a table result without a readable grid' };
    }
    case 'molecule': {
      const m = molecule(v.molecule);
      return m ? { kind: 'molecule', molecule: m } : { kind: 'unusable', reason: 'a molecule result without its analysis' };
    }
    case 'music':
      return isObj(v.music) && typeof v.music.kern === 'string' ? { kind: 'music', kern: v.music.kern, valid: v.music.valid === true } : { kind: 'unusable', reason: 'a music result without **kern' };
    case undefined:
      break;
    default:
      return { kind: 'unusable', reason: `an unknown kind of result (${String(v.kind).slice(0, 40)})` };
  }
  // Values without `kind`: the built-in OCR's page, and the CLI's older text and boxes values.
  if (Array.isArray(v.lines)) {
    const lines = v.lines.slice(0, MAX_ITEMS).filter(isObj).map((l) => str(l.text));
    return { kind: 'text', text: lines.join('\n') };
  }
  if (typeof v.text === 'string') {
    if (v.task === 'vsr') return { kind: 'verdict', answer: typeof v.answer === 'boolean' ? v.answer : null, text: v.text };
    return { kind: 'text', text: v.text };
  }
  const o = objects(v.objects);
  if (o) return { kind: 'boxes', objects: o };
  return { kind: 'unusable', reason: 'a result of a shape Paliscope does not know' };
}
