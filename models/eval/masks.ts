// Segmentation: IoU of two masks in COCO's uncompressed run-length encoding (column-major runs over the whole page,
// starting with a run of zeros: what Paliscope stores and COCO files hold), and the page's mIoU.
import { MATCH_IOU, matchPage, validBoxes, type EvalBox } from './boxes';

export interface Rle { size: readonly [number, number]; counts: readonly number[] }
export interface EvalObject extends EvalBox { mask?: Rle | null }

/** Why an RLE cannot be used, or null when it is sound (non-negative integer runs adding up to height × width). */
export function rleProblem(r: Rle | null | undefined): string | null {
  if (!r || !Array.isArray(r.size) || !Array.isArray(r.counts)) return 'no mask';
  const [h, w] = r.size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) return 'the mask has no valid size';
  let sum = 0;
  for (const c of r.counts) {
    if (!Number.isInteger(c) || c < 0) return 'the mask has a run that is not a non-negative integer';
    sum += c;
  }
  return sum === h * w ? null : `the mask's runs cover ${sum} pixels, not ${h}×${w}`;
}

export function rleArea(r: Rle): number {
  let a = 0;
  for (let i = 1; i < r.counts.length; i += 2) a += r.counts[i]!;
  return a;
}

/** Pixels set in both masks, by walking the two run lists together (no bitmap: a page mask can be 100 MB as pixels). */
export function rleIntersection(a: Rle, b: Rle): number {
  let i = 0, j = 0, ra = a.counts[0] ?? 0, rb = b.counts[0] ?? 0, inter = 0;
  while (i < a.counts.length && j < b.counts.length) {
    const step = Math.min(ra, rb);
    if (i % 2 === 1 && j % 2 === 1) inter += step;
    ra -= step; rb -= step;
    if (ra === 0) ra = a.counts[++i] ?? 0;
    if (rb === 0) rb = b.counts[++j] ?? 0;
  }
  return inter;
}

/** Mask IoU, or null (with the reason in `notes`) when either mask is unusable or their sizes differ. */
export function maskIou(a: Rle | null | undefined, b: Rle | null | undefined, notes: string[] = []): number | null {
  const pa = rleProblem(a), pb = rleProblem(b);
  if (pa || pb) { notes.push(`truth: ${pa ?? 'ok'}; prediction: ${pb ?? 'ok'}`); return null; }
  if (a!.size[0] !== b!.size[0] || a!.size[1] !== b!.size[1]) { notes.push(`mask sizes differ (${a!.size.join('×')} and ${b!.size.join('×')})`); return null; }
  const inter = rleIntersection(a!, b!);
  const union = rleArea(a!) + rleArea(b!) - inter;
  return union > 0 ? inter / union : 1;
}

export interface PageSegmentation {
  /** Mean mask IoU of the matched objects (null when none matched). */
  maskIou: number | null;
  /** Sum of matched IoUs over (truth objects + unmatched predictions): a missed or invented object counts as IoU 0. */
  mIoU: number;
  /** Each truth object's IoU with its match (0 when unmatched), in truth order. */
  perObject: number[];
}

/**
 * Objects are paired as detection pairs them (same label, box IoU ≥ 0.5); a pair's IoU is its masks' IoU, or its
 * boxes' IoU when either has no usable mask (said in the notes).
 */
export function pageSegmentation(truth: readonly EvalObject[], preds: readonly EvalObject[], notes: string[] = []): PageSegmentation {
  const t = validBoxes(truth, 'truth', notes) as EvalObject[], p = validBoxes(preds, 'predicted', notes) as EvalObject[];
  if (t.length === 0 && p.length === 0) return { maskIou: null, mIoU: 1, perObject: [] };
  const { match, iou: boxIous } = matchPage(t, p, MATCH_IOU);
  const perObject = new Array<number>(t.length).fill(0);
  let fallback = 0;
  const matched: number[] = [];
  match.forEach((ti, pi) => {
    if (ti < 0) return;
    const m = t[ti]!.mask && p[pi]!.mask ? maskIou(t[ti]!.mask, p[pi]!.mask, notes) : null;
    if (m === null) fallback++;
    perObject[ti] = m ?? boxIous[pi]!;
    matched.push(perObject[ti]!);
  });
  if (fallback) notes.push(`${fallback} matched object(s) without two usable masks were scored by box IoU`);
  const unmatchedPreds = match.filter((m) => m < 0).length;
  const sum = matched.reduce((a, b) => a + b, 0);
  return { maskIou: matched.length ? sum / matched.length : null, mIoU: sum / (t.length + unmatchedPreds), perObject };
}
