// Train / validation / test splits by document, so no page of a document is in two splits (pages of one document
// share layout, fonts and often text: splitting pages would leak), stratified by task, reproducible from a seed.
//
// Documents are visited in an order fixed by the seed (SHA-256 of seed and content hash, so adding a document does
// not reshuffle the others), and each goes to the split that most lacks examples of the tasks it holds, relative to
// the asked proportions (ties: the split furthest below its share of all examples). Greedy, but with many documents
// per task it lands within a document of the target.
import { createHash } from 'node:crypto';

export const SPLITS = ['train', 'validation', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export interface SplitRatios { train: number; validation: number; test: number }

/** "80/10/10" → ratios; throws naming the input when it is not three whole percentages summing to 100. */
export function parseSplit(s: string): SplitRatios {
  const parts = s.split('/').map((p) => p.trim());
  if (parts.length !== 3 || !parts.every((p) => /^\d{1,3}$/.test(p))) throw new Error(`--split ${s}: expected three whole percentages like 80/10/10 (train/validation/test)`);
  const [train, validation, test] = parts.map(Number) as [number, number, number];
  if (train + validation + test !== 100) throw new Error(`--split ${s}: the percentages add up to ${train + validation + test}, not 100`);
  if (train === 0) throw new Error(`--split ${s}: the train split cannot be empty`);
  return { train: train / 100, validation: validation / 100, test: test / 100 };
}

export interface SplitItem { document: string; task: string }

/** The split of each document (by its content hash). */
export function assignSplits(items: readonly SplitItem[], ratios: SplitRatios, seed: number): Map<string, Split> {
  const perDoc = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  for (const it of items) {
    const m = perDoc.get(it.document) ?? new Map<string, number>();
    m.set(it.task, (m.get(it.task) ?? 0) + 1);
    perDoc.set(it.document, m);
    totals.set(it.task, (totals.get(it.task) ?? 0) + 1);
  }
  const key = (doc: string) => createHash('sha256').update(`${seed}\0${doc}`).digest('hex');
  const order = [...perDoc.keys()].map((d) => ({ d, k: key(d) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.d);
  const have = new Map<Split, Map<string, number>>(SPLITS.map((s) => [s, new Map()]));
  const haveAll = new Map<Split, number>(SPLITS.map((s) => [s, 0]));
  const all = items.length;
  const out = new Map<string, Split>();
  for (const doc of order) {
    const tasks = perDoc.get(doc)!;
    let best: Split = 'train', bestScore = -Infinity, bestOverall = -Infinity;
    for (const s of SPLITS) {
      if (ratios[s] === 0) continue;
      // How far below its target this split is for the document's tasks, each task weighted by the document's
      // share of it, and measured in documents' worth of examples so a small task counts as much as a large one.
      let score = 0;
      for (const [task, n] of tasks) {
        const total = totals.get(task)!;
        const lack = ratios[s] * total - (have.get(s)!.get(task) ?? 0);
        score += (lack / total) * n;
      }
      // Ties (a document whose tasks no other document holds) go to the split furthest below its share of everything.
      const overall = (ratios[s] * all - haveAll.get(s)!) / all;
      if (score > bestScore + 1e-12 || (Math.abs(score - bestScore) <= 1e-12 && overall > bestOverall + 1e-12)) { bestScore = score; bestOverall = overall; best = s; }
    }
    out.set(doc, best);
    for (const [task, n] of tasks) {
      have.get(best)!.set(task, (have.get(best)!.get(task) ?? 0) + n);
      haveAll.set(best, haveAll.get(best)! + n);
    }
  }
  return out;
}
