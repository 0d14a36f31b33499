// One page's scores: a prediction against the truth for one task. Never throws: a prediction that is missing, of
// another kind or unreadable is scored as an empty result of the truth's kind (the worst score) and the note says why;
// a truth that cannot be used gives no scores, with the reason.
import { pageDetection } from './boxes';
import { pageSegmentation } from './masks';
import { moleculeScores } from './molecules';
import { musicScores } from './music';
import { cellExactMatch, teds } from './tables';
import { exactMatch, rougeL, textErrors } from './text';
import type { EvalValue } from './values';

export type Scores = Record<string, number | null>;
export interface PageScore { scores: Scores; notes: string[] }

/** The kind of value a task's truth must be. */
export function expectedKind(task: string): EvalValue['kind'] {
  switch (task) {
    case 'detect': case 'segment': case 'ocr-boxes': return 'boxes';
    case 'table': return 'table';
    case 'molecule': return 'molecule';
    case 'music': return 'music';
    case 'vsr': return 'verdict';
    default: return 'text';
  }
}

function emptyOf(kind: EvalValue['kind']): EvalValue {
  switch (kind) {
    case 'boxes': return { kind, objects: [] };
    case 'table': return { kind, table: { rows: 0, cols: 0, cells: [] } };
    case 'molecule': return { kind, molecule: { input: '', valid: false, canonical: null, inchikey: null, error: 'no molecule' } };
    case 'music': return { kind, kern: '', valid: false };
    case 'verdict': return { kind, answer: null, text: '' };
    default: return { kind: 'text', text: '' };
  }
}

export function scorePage(task: string, truth: EvalValue, prediction: EvalValue): PageScore {
  const notes: string[] = [];
  const want = expectedKind(task);
  if (truth.kind !== want) {
    return { scores: {}, notes: [truth.kind === 'unusable' ? `the truth cannot be used: ${truth.reason}` : `the truth is a ${truth.kind} result, not a ${want} result for ${task}`] };
  }
  let pred = prediction;
  if (pred.kind !== want) {
    notes.push(pred.kind === 'unusable' ? `the prediction cannot be used (${pred.reason}); scored as empty` : `the prediction is a ${pred.kind} result, not ${want}; scored as empty`);
    pred = emptyOf(want);
  }
  try {
    return { scores: scoreSameKind(task, truth, pred, notes), notes };
  } catch (err) {
    // Only a bug could get here (every metric checks its input); the page is reported, not the evaluation lost.
    return { scores: {}, notes: [...notes, `the page could not be scored: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

function scoreSameKind(task: string, truth: EvalValue, pred: EvalValue, notes: string[]): Scores {
  if (truth.kind === 'text' && pred.kind === 'text') {
    if (task === 'ocr') return { ...textErrors(truth.text, pred.text, notes) };
    return { rougeL: rougeL(truth.text, pred.text), exact: exactMatch(truth.text, pred.text) };
  }
  if (truth.kind === 'boxes' && pred.kind === 'boxes') {
    const d = pageDetection(truth.objects, pred.objects, notes);
    if (task !== 'segment') return { ...d };
    const s = pageSegmentation(truth.objects, pred.objects, notes);
    return { mIoU: s.mIoU, maskIou: s.maskIou, f1: d.f1, precision: d.precision, recall: d.recall };
  }
  if (truth.kind === 'table' && pred.kind === 'table') {
    return { teds: teds(truth.table, pred.table, {}, notes), tedsStruct: teds(truth.table, pred.table, { structureOnly: true }, notes), cellExact: cellExactMatch(truth.table, pred.table) };
  }
  if (truth.kind === 'molecule' && pred.kind === 'molecule') return { ...moleculeScores(truth.molecule, pred.molecule, notes) };
  if (truth.kind === 'music' && pred.kind === 'music') {
    if (!pred.valid && pred.kern) notes.push('Verovio did not accept the predicted score; its tokens are compared all the same');
    return { ...musicScores(truth.kern, pred.kern, notes) };
  }
  if (truth.kind === 'verdict' && pred.kind === 'verdict') {
    if (truth.answer === null) { notes.push('the truth is neither true nor false'); return { accuracy: null }; }
    if (pred.answer === null) notes.push(`the prediction "${pred.text.slice(0, 40)}" is neither true nor false`);
    return { accuracy: pred.answer === truth.answer ? 1 : 0 };
  }
  return {};
}
