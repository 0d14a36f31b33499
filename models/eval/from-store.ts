// Truth and predictions from a project store. The truth of a page and task is a reviewed run: accepted (the model's
// result was right) or corrected (the correction). Every finished run on the same page and task is a prediction,
// the reviewed run included: it is scored against its own review (an accepted result scores perfectly, a corrected
// one by how far the correction moved it), so the model that produced the truth is measured like the others.
import type { Store } from '../store/store';
import type { ResultRow } from '../store/types';
import { evalTaskOf } from './metrics';
import type { Prediction, TruthItem } from './evaluate';
import { toEvalValue } from './values';

/** The time a run took (ms): `totalMs` of a PaliGemma run; the sum of the built-in OCR's stage times. */
export function runMs(timings: Record<string, unknown> | null): number | null {
  if (!timings || typeof timings !== 'object') return null;
  const total = timings.totalMs;
  if (typeof total === 'number' && Number.isFinite(total) && total >= 0) return total;
  const parts = Object.values(timings).filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  return parts.length ? parts.reduce((a, b) => a + b, 0) : null;
}

export interface StoreRows { truths: TruthItem[]; predictions: Prediction[]; rows: ResultRow[] }

/** Reads the finished runs of the store (one query) and splits them into truth and predictions. */
export function fromStore(store: Store, opts: { task?: string } = {}): StoreRows {
  let rows: ResultRow[];
  try {
    rows = store.results({ runStatus: 'done' });
  } catch (e) {
    throw new Error(`${store.path}: the results could not be read (${(e as Error).message})`, { cause: e });
  }
  const truths: TruthItem[] = [];
  const predictions: Prediction[] = [];
  // Reviews in the order they were made, so when one page and task has two reviewed runs the later review wins.
  const reviewed = rows.filter((r) => r.review && r.review.status !== 'rejected').sort((a, b) => a.review!.updatedAt.localeCompare(b.review!.updatedAt) || a.run.id - b.run.id);
  for (const r of reviewed) {
    const task = evalTaskOf(r.run.task);
    if (!task || (opts.task && task !== opts.task)) continue;
    const status = r.review!.status as 'accepted' | 'corrected';
    truths.push({
      documentId: r.document.id, documentPath: r.document.path, page: r.page.index, task, prompt: r.run.prompt,
      value: toEvalValue(status === 'corrected' ? r.review!.value : r.run.parsed), source: { runId: r.run.id, status },
    });
  }
  for (const r of rows) {
    const task = evalTaskOf(r.run.task);
    if (!task || (opts.task && task !== opts.task)) continue;
    predictions.push({
      documentId: r.document.id, documentPath: r.document.path, page: r.page.index, runId: r.run.id, modelId: r.run.modelId, modelName: r.run.modelName,
      task, prompt: r.run.prompt, value: toEvalValue(r.run.parsed), confidence: r.run.confidence, totalMs: runMs(r.run.timings),
    });
  }
  return { truths, predictions, rows };
}
