import { describe, expect, it } from 'vitest';
import { averagePrecision, cocoAp, iou, pageDetection, pairBoxes, type EvalBox } from './boxes';
import { maskIou, pageSegmentation, rleIntersection } from './masks';

const b = (label: string, box: [number, number, number, number], score?: number): EvalBox => ({ label, box, ...(score === undefined ? {} : { score }) });

// A small COCO-style case worked out by hand (see the comments in the test).
const PAGES = [
  { truth: [b('cat', [0, 0, 10, 10]), b('cat', [20, 20, 30, 30])], preds: [b('cat', [0, 0, 10, 10], 0.9), b('cat', [50, 50, 60, 60], 0.8), b('Cat ', [20, 20, 30, 31], 0.6)] },
  { truth: [b('cat', [0, 0, 10, 10])], preds: [b('cat', [5, 5, 15, 15], 0.7)] },
];

describe('detection', () => {
  it('IoU', () => {
    expect(iou([0, 0, 10, 10], [5, 5, 15, 15])).toBeCloseTo(25 / 175, 12);
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    // No area, inverted or not numbers: no overlap, never NaN or negative.
    expect(iou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
    expect(iou([10, 10, 0, 0], [0, 0, 10, 10])).toBe(0);
    expect(iou([NaN, 0, 10, 10], [0, 0, 10, 10])).toBe(0);
  });
  it('pairs two results\' boxes for a comparison: same label first, then relabelled boxes, then the rest', () => {
    // B's second box is A's first exactly; B's first overlaps it too but with another label, so it waits.
    expect(pairBoxes([b('a', [0, 0, 10, 10])], [b('b', [1, 0, 11, 10]), b('A ', [0, 0, 10, 10])]))
      .toEqual([{ a: 0, b: 1, iou: 1, sameLabel: true }, { a: null, b: 0, iou: 0, sameLabel: false }]);
    // A box the correction relabelled is still paired (its label differs); a box moved away is not.
    expect(pairBoxes([b('stamp', [0, 0, 10, 10]), b('x', [50, 50, 60, 60])], [b('seal', [0, 0, 10, 11]), b('x', [80, 80, 90, 90])]))
      .toEqual([{ a: 0, b: 0, iou: 100 / 110, sameLabel: false }, { a: 1, b: null, iou: 0, sameLabel: false }, { a: null, b: 1, iou: 0, sameLabel: false }]);
    expect(pairBoxes([], [])).toEqual([]);
  });
  it('per-page precision, recall and F1 at IoU 0.5, labels case-insensitive', () => {
    // page 1: 2 of 3 predictions match (the third's label "Cat " matches "cat"), both truth boxes found.
    const d = pageDetection(PAGES[0]!.truth, PAGES[0]!.preds);
    expect(d.precision).toBeCloseTo(2 / 3, 12);
    expect(d.recall).toBe(1);
    expect(d.f1).toBeCloseTo(0.8, 12);
    expect(pageDetection([b('dog', [0, 0, 10, 10])], [b('cat', [0, 0, 10, 10])]).f1).toBe(0);
  });
  it('AP by hand: ranks TP FP FP TP over 3 truth boxes', () => {
    // precision 1, .5, .33, .5 at recall 1/3, 1/3, 1/3, 2/3; envelope 1, .5, .5, .5. COCO's 101 recall points:
    // 0.00–0.33 → 1 (34 points), 0.34–0.66 → 0.5 (33 points), 0.67–1 → 0: (34 + 16.5) / 101 = 0.5.
    expect(averagePrecision(PAGES, 0.5)).toBeCloseTo(0.5, 12);
    // At IoU 0.95 the third prediction (IoU 100/110 = 0.909) misses: TP FP FP FP → 34 / 101.
    expect(averagePrecision(PAGES, 0.95)).toBeCloseTo(34 / 101, 12);
    // Thresholds .50 … .90 (nine) keep it; only .95 loses it.
    expect(cocoAp(PAGES).ap).toBeCloseTo((9 * 0.5 + 34 / 101) / 10, 12);
  });
  it('no truth and no prediction, and hostile boxes', () => {
    expect(pageDetection([], []).f1).toBe(1);
    const notes: string[] = [];
    const d = pageDetection([b('a', [0, 0, 10, 10])], [{ label: 'a', box: [NaN, 0, 1, 1] }, { label: 'a', box: [5, 5, 1, 1] }, { label: null as unknown as string, box: [0, 0, 10, 10] }], notes);
    expect(d.recall).toBe(0);
    expect(notes.join(' ')).toMatch(/2 predicted box\(es\)/);
    expect(averagePrecision([{ truth: [], preds: [b('a', [0, 0, 1, 1])] }], 0.5)).toBeNull();
  });
});

describe('masks', () => {
  it('intersects run-length masks (column-major, zeros first)', () => {
    // 2×2 page: A = pixels 0,1 (counts 0,2,2); B = pixels 1,2 (counts 1,2,1): intersection 1, union 3.
    const A = { size: [2, 2] as const, counts: [0, 2, 2] }, B = { size: [2, 2] as const, counts: [1, 2, 1] };
    expect(rleIntersection(A, B)).toBe(1);
    expect(maskIou(A, B)).toBeCloseTo(1 / 3, 12);
    const notes: string[] = [];
    expect(maskIou(A, { size: [2, 2], counts: [1, 1] }, notes)).toBeNull();
    expect(notes[0]).toMatch(/cover 2 pixels/);
  });
  it('mIoU counts missed and invented objects as 0, and falls back to boxes without masks', () => {
    const m = (counts: number[]) => ({ size: [10, 10] as const, counts });
    const truth = [{ label: 'x', box: [0, 0, 5, 10] as const, mask: m([0, 50, 50]) }, { label: 'y', box: [5, 0, 10, 10] as const, mask: m([50, 50]) }];
    const preds = [{ label: 'x', box: [0, 0, 5, 10] as const, mask: m([0, 25, 75]) }, { label: 'z', box: [5, 0, 10, 10] as const }];
    const notes: string[] = [];
    const s = pageSegmentation(truth, preds, notes);
    // x ↔ x: masks 25 of 50 → 0.5; y missed; z invented: 0.5 / (2 truth + 1 unmatched prediction).
    expect(s.maskIou).toBe(0.5);
    expect(s.mIoU).toBeCloseTo(0.5 / 3, 12);
    expect(s.perObject).toEqual([0.5, 0]);
    const s2 = pageSegmentation(truth, [{ label: 'y', box: [5, 0, 10, 10] }], notes);
    expect(s2.perObject).toEqual([0, 1]);
    expect(notes.join(' ')).toMatch(/scored by box IoU/);
  });
});
