// Detection metrics for boxes (detect, segment's boxes, ocr-boxes' words): precision, recall and F1 at IoU 0.5 per
// page, and over a set of pages AP at IoU 0.5 and COCO's AP@[.5:.95]. Labels match case-insensitively (and with
// surrounding space and NFC differences ignored).
//
// Matching follows COCO's evaluation (cocoeval.py): per label, predictions in order of decreasing score each take the
// unmatched truth box of highest IoU at or above the threshold. PaliGemma gives no score per box, so a box without
// one scores 1 and ties keep the model's output order; AP then measures the single operating point the model chose,
// integrated with COCO's 101-point interpolated precision.

export type Box = readonly [number, number, number, number];
export interface EvalBox { label: string; box: Box; score?: number }

export const labelKey = (label: string): string => (typeof label === 'string' ? label.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase() : '');

/** Intersection over union of two [x0, y0, x1, y1] boxes; 0 when either has no area (or a coordinate is not a number). */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const area = (r: Box) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  const union = area(a) + area(b) - inter;
  return union > 0 ? Math.min(1, inter / union) : 0;
}

/** Only boxes with four finite coordinates and a positive area are scored; the rest are dropped with a note. */
export function validBoxes(list: readonly EvalBox[], which: string, notes: string[]): EvalBox[] {
  const ok = list.filter((o) => {
    const b = o?.box;
    return Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v)) && b[2] > b[0] && b[3] > b[1];
  });
  if (ok.length < list.length) notes.push(`${list.length - ok.length} ${which} box(es) without four finite coordinates and an area were left out`);
  return ok;
}

/** Indices of predictions in COCO's order: score descending, ties in output order. */
function byScore(preds: readonly EvalBox[]): number[] {
  return preds.map((_, i) => i).sort((i, j) => (preds[j]!.score ?? 1) - (preds[i]!.score ?? 1) || i - j);
}

/**
 * COCO's greedy matching on one page at one IoU threshold: for each prediction (by score) the same-label truth box of
 * highest IoU ≥ threshold not yet taken. Returns, per prediction, the truth index it matched or -1, and the IoU.
 * `anyLabel` matches boxes whatever their labels (a comparison looking for relabelled boxes); `skip` leaves out
 * predictions and truth boxes already paired (true at their index).
 */
export function matchPage(
  truth: readonly EvalBox[], preds: readonly EvalBox[], threshold: number,
  opts: { anyLabel?: boolean; skip?: { truth: readonly boolean[]; preds: readonly boolean[] } } = {},
): { match: number[]; iou: number[] } {
  const taken = Uint8Array.from(truth, (_, j) => (opts.skip?.truth[j] ? 1 : 0));
  const match = new Array<number>(preds.length).fill(-1);
  const ious = new Array<number>(preds.length).fill(0);
  const tKeys = truth.map((t) => labelKey(t.label));
  for (const i of byScore(preds)) {
    if (opts.skip?.preds[i]) continue;
    const key = labelKey(preds[i]!.label);
    let best = -1, bestIou = threshold;
    for (let j = 0; j < truth.length; j++) {
      if (taken[j] || (!opts.anyLabel && tKeys[j] !== key)) continue;
      const v = iou(truth[j]!.box, preds[i]!.box);
      // ≥ the threshold (COCO compares with "<" to reject), and a strictly better IoU to replace a candidate.
      if (v >= bestIou && (best < 0 || v > bestIou)) { best = j; bestIou = v; }
    }
    if (best >= 0) { taken[best] = 1; match[i] = best; ious[i] = bestIou; }
  }
  return { match, iou: ious };
}

/** The IoU at which two boxes are taken for the same object, on a page and in a side-by-side comparison. */
export const MATCH_IOU = 0.5;

/** One pair of a comparison of two results' boxes: indices into each (null: the box has no partner). */
export interface BoxPair { a: number | null; b: number | null; iou: number; sameLabel: boolean }

/**
 * The boxes of two results paired for a side-by-side comparison (Review's compare, a page opened from Evaluate): first
 * the same-label pairs, by the matching the metrics use (matchPage at IoU ≥ `threshold`, B's boxes in order as
 * predictions), then, among the boxes left, pairs whose labels differ (a box the correction relabelled). Pairs come
 * in A's order, then A's boxes without a partner, then B's.
 */
export function pairBoxes(a: readonly EvalBox[], b: readonly EvalBox[], threshold = MATCH_IOU): BoxPair[] {
  const same = matchPage(a, b, threshold);
  const pairedA = new Array<boolean>(a.length).fill(false);
  for (const j of same.match) if (j >= 0) pairedA[j] = true;
  const other = matchPage(a, b, threshold, { anyLabel: true, skip: { truth: pairedA, preds: same.match.map((j) => j >= 0) } });
  const pairs: BoxPair[] = [];
  const unpairedB: BoxPair[] = [];
  b.forEach((_, j) => {
    const byLabel = same.match[j]! >= 0;
    const i = byLabel ? same.match[j]! : other.match[j]!;
    if (i < 0) return void unpairedB.push({ a: null, b: j, iou: 0, sameLabel: false });
    pairedA[i] = true;
    pairs.push({ a: i, b: j, iou: byLabel ? same.iou[j]! : other.iou[j]!, sameLabel: byLabel || labelKey(a[i]!.label) === labelKey(b[j]!.label) });
  });
  pairs.sort((p, q) => p.a! - q.a!);
  a.forEach((_, i) => { if (!pairedA[i]) pairs.push({ a: i, b: null, iou: 0, sameLabel: false }); });
  return [...pairs, ...unpairedB];
}

export interface PageDetection {
  precision: number | null;
  recall: number | null;
  f1: number;
  /** Mean IoU of the matched pairs (null when none matched). */
  matchedIou: number | null;
}

/** Precision, recall and F1 at IoU ≥ 0.5 on one page. Undefined ratios (nothing predicted, nothing to find) are null. */
export function pageDetection(truth: readonly EvalBox[], preds: readonly EvalBox[], notes: string[] = []): PageDetection {
  const t = validBoxes(truth, 'truth', notes), p = validBoxes(preds, 'predicted', notes);
  if (t.length === 0 && p.length === 0) {
    notes.push('no box in the truth and none predicted');
    return { precision: null, recall: null, f1: 1, matchedIou: null };
  }
  const { match, iou: ious } = matchPage(t, p, MATCH_IOU);
  const tp = match.filter((m) => m >= 0).length;
  const precision = p.length ? tp / p.length : null;
  const recall = t.length ? tp / t.length : null;
  const f1 = t.length + p.length ? (2 * tp) / (t.length + p.length) : 1;
  if (!p.length) notes.push('no box predicted');
  if (!t.length) notes.push('no box in the truth: every predicted box is a false positive');
  const matched = ious.filter((_, i) => match[i]! >= 0);
  return { precision, recall, f1, matchedIou: matched.length ? matched.reduce((a, b) => a + b, 0) / matched.length : null };
}

export const COCO_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100);

/** One page's predictions matched at every COCO threshold, computed once so resampling pages costs no re-matching. */
export interface PageHits {
  truthPerLabel: Map<string, number>;
  hits: { label: string; score: number; tp: boolean[] }[];
}

export function pageHits(truth: readonly EvalBox[], preds: readonly EvalBox[]): PageHits {
  const t = validBoxes(truth, 'truth', []), p = validBoxes(preds, 'predicted', []);
  const truthPerLabel = new Map<string, number>();
  for (const b of t) truthPerLabel.set(labelKey(b.label), (truthPerLabel.get(labelKey(b.label)) ?? 0) + 1);
  const matches = COCO_THRESHOLDS.map((th) => matchPage(t, p, th).match);
  return { truthPerLabel, hits: p.map((b, i) => ({ label: labelKey(b.label), score: b.score ?? 1, tp: matches.map((m) => m[i]! >= 0) })) };
}

/**
 * Average precision over pages at the threshold COCO_THRESHOLDS[ti], averaged over the labels present in the truth
 * (COCO leaves a label with no truth box out). Null when no page has a truth box.
 */
export function apOfHits(pages: readonly PageHits[], ti: number): number | null {
  const perLabel = new Map<string, { hits: { score: number; tp: boolean; order: number }[]; truth: number }>();
  const entry = (k: string) => {
    let e = perLabel.get(k);
    if (!e) perLabel.set(k, (e = { hits: [], truth: 0 }));
    return e;
  };
  let order = 0;
  for (const page of pages) {
    for (const [k, n] of page.truthPerLabel) entry(k).truth += n;
    for (const h of page.hits) entry(h.label).hits.push({ score: h.score, tp: h.tp[ti]!, order: order++ });
  }
  const aps: number[] = [];
  for (const { hits, truth } of perLabel.values()) {
    if (truth === 0) continue;
    // Boxes without scores (PaliGemma's) all tie: they are already in output order, and sorting is the costly part.
    if (hits.some((h) => h.score !== hits[0]!.score)) hits.sort((a, b) => b.score - a.score || a.order - b.order);
    aps.push(interpolatedAp(hits.map((h) => h.tp), truth));
  }
  return aps.length ? aps.reduce((a, b) => a + b, 0) / aps.length : null;
}

export function averagePrecision(pages: readonly { truth: readonly EvalBox[]; preds: readonly EvalBox[] }[], threshold: number): number | null {
  const ti = COCO_THRESHOLDS.indexOf(threshold);
  if (ti < 0) throw new RangeError(`IoU threshold ${threshold} is not one of COCO's (${COCO_THRESHOLDS.join(', ')})`);
  return apOfHits(pages.map((p) => pageHits(p.truth, p.preds)), ti);
}

/** COCO's 101-point interpolated AP of a ranked list of hits against `truth` positives. */
export function interpolatedAp(ranked: readonly boolean[], truth: number): number {
  const precision: number[] = [], recall: number[] = [];
  let tp = 0;
  ranked.forEach((hit, i) => {
    if (hit) tp++;
    precision.push(tp / (i + 1));
    recall.push(tp / truth);
  });
  // The precision envelope: at each rank the best precision at any later rank.
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let sum = 0;
  for (let r = 0; r <= 100; r++) {
    // numpy's linspace(0, 1, 101) is i · 0.01 in doubles; the same values here, so a boundary case rounds as in COCO.
    const target = r * 0.01;
    // First rank whose recall reaches the target (recall is non-decreasing): searchsorted(side='left'), as COCO.
    let lo = 0, hi = recall.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (recall[mid]! < target) lo = mid + 1; else hi = mid; }
    sum += lo < precision.length ? precision[lo]! : 0;
  }
  return sum / 101;
}

/** AP at IoU 0.5 and the mean over IoU 0.50:0.05:0.95 (COCO's "AP"). */
export function cocoApOfHits(pages: readonly PageHits[]): { ap50: number | null; ap: number | null } {
  const per = COCO_THRESHOLDS.map((_, ti) => apOfHits(pages, ti));
  const ap50 = per[0] ?? null;
  if (per.some((v) => v === null)) return { ap50, ap: null };
  return { ap50, ap: (per as number[]).reduce((a, b) => a + b, 0) / per.length };
}

export const cocoAp = (pages: readonly { truth: readonly EvalBox[]; preds: readonly EvalBox[] }[]) => cocoApOfHits(pages.map((p) => pageHits(p.truth, p.preds)));
