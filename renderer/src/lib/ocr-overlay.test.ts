import { describe, expect, it } from 'vitest';
import type { OcrPage } from '../../../preload/contract';
import { lineIndexOf, lineShapeId, nextHit, ocrShapes, searchOcr } from './ocr-overlay';
import { parseDebugOverlay } from './debug-overlay';

const quad = (x: number, y: number, w: number, h: number): [[number, number], [number, number], [number, number], [number, number]] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

// OCR ran on a half-size copy of a 2000×1000 page.
const ocr: OcrPage = {
  width: 1000,
  height: 500,
  timings: {},
  lines: [
    {
      text: 'Parish register',
      confidence: 0.95,
      box: quad(10, 10, 200, 20),
      block: 0,
      words: [
        { text: 'Parish', confidence: 0.97, box: quad(10, 10, 80, 20) },
        { text: 'register', confidence: 0.5, box: quad(100, 10, 110, 20) },
      ],
    },
    { text: 'baptisms 1780', confidence: 0.6, box: quad(10, 40, 200, 20), block: 0, words: [] },
  ],
};
const page = { width: 2000, height: 1000 };

describe('OCR overlay shapes', () => {
  it('scales boxes to the page and colours lines by confidence', () => {
    const shapes = ocrShapes(ocr, page);
    const line0 = shapes.find((s) => s.id === lineShapeId(0))!;
    expect(line0.points[0]).toEqual([20, 20]);
    expect(line0.points[2]).toEqual([420, 60]);
    expect(line0.tone).toBe('high');
    expect(shapes.find((s) => s.id === lineShapeId(1))!.tone).toBe('low');
    // The unsure word gets its own mark.
    expect(shapes.filter((s) => s.tone === 'weak-word').map((s) => s.id)).toEqual(['word-0-1']);
    expect(lineIndexOf('line-1')).toBe(1);
    expect(lineIndexOf('word-0-1')).toBeNull();
  });

  it('finds words case-insensitively, and whole lines when a match spans words', () => {
    expect(searchOcr(ocr, page, 'REGISTER').shapes.map((s) => s.id)).toEqual(['hit-0-1']);
    const spanning = searchOcr(ocr, page, 'ms 17');
    expect(spanning.lines).toEqual([1]);
    expect(spanning.shapes.map((s) => s.id)).toEqual(['hit-1']);
    expect(searchOcr(ocr, page, '  ').lines).toEqual([]);
  });

  it('reads the test-only debug rectangle, and nothing malformed', () => {
    expect(parseDebugOverlay('?debugOverlay=1,2,3,4')).toEqual({ x: 1, y: 2, width: 3, height: 4 });
    expect(parseDebugOverlay('?debugOverlay=1,2,3')).toBeNull();
    expect(parseDebugOverlay('?debugOverlay=1,2,0,4')).toBeNull();
    expect(parseDebugOverlay('?token=x')).toBeNull();
  });
});

describe('next search hit', () => {
  const hits = [
    { page: 0, lines: [2, 5] },
    { page: 3, lines: [1] },
  ];
  it('walks this page, then the next page with hits, then wraps', () => {
    expect(nextHit(hits, 5, { page: 0, line: null }, 1)).toEqual({ page: 0, line: 2 });
    expect(nextHit(hits, 5, { page: 0, line: 2 }, 1)).toEqual({ page: 0, line: 5 });
    expect(nextHit(hits, 5, { page: 0, line: 5 }, 1)).toEqual({ page: 3, line: 1 });
    expect(nextHit(hits, 5, { page: 3, line: 1 }, 1)).toEqual({ page: 0, line: 2 });
  });
  it('goes backwards to the previous page\'s last hit', () => {
    expect(nextHit(hits, 5, { page: 0, line: 2 }, -1)).toEqual({ page: 3, line: 1 });
    expect(nextHit(hits, 5, { page: 3, line: 1 }, -1)).toEqual({ page: 0, line: 5 });
  });
  it('wraps onto the same page when it is the only one with hits', () => {
    expect(nextHit([{ page: 1, lines: [4] }], 3, { page: 1, line: 4 }, 1)).toEqual({ page: 1, line: 4 });
    expect(nextHit([], 3, { page: 1, line: null }, 1)).toBeNull();
  });
});
