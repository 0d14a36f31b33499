// Turns an OCR page into overlay shapes and search hits. The OCR may have run on a resized copy of
// the page, so every point is scaled from the result's pixel size to the page's.
import type { OcrPage } from '../../../preload/contract';
import { confidenceTone, formatConfidence, MID_CONFIDENCE } from './confidence';
import type { OverlayShape, Point } from './overlay-shapes';
import { boundsOf, type Rect } from './viewport-math';

export const lineShapeId = (line: number): string => `line-${line}`;

export function lineIndexOf(shapeId: string): number | null {
  const m = /^line-(\d+)$/.exec(shapeId);
  return m ? Number(m[1]) : null;
}

function scaler(ocr: OcrPage, page: { width: number; height: number }): (q: readonly Point[]) => Point[] {
  const sx = page.width / ocr.width;
  const sy = page.height / ocr.height;
  return (q) => q.map(([x, y]) => [x * sx, y * sy] as const);
}

/** Line boxes coloured by confidence, plus a fill on each word the model was unsure of. */
export function ocrShapes(ocr: OcrPage, page: { width: number; height: number }): OverlayShape[] {
  const scale = scaler(ocr, page);
  const shapes: OverlayShape[] = [];
  ocr.lines.forEach((line, i) => {
    line.words.forEach((word, j) => {
      if (word.confidence < MID_CONFIDENCE) {
        shapes.push({ id: `word-${i}-${j}`, points: scale(word.box), tone: 'weak-word' });
      }
    });
    shapes.push({
      id: lineShapeId(i),
      points: scale(line.box),
      tone: confidenceTone(line.confidence),
      label: `${line.text}\n${formatConfidence(line.confidence)} confidence`,
      interactive: true,
    });
  });
  return shapes;
}

export interface SearchHits {
  /** Lines containing the query, in reading order. */
  lines: number[];
  shapes: OverlayShape[];
}

/** Case-insensitive search; marks matching words, or the whole line when the match spans words. */
export function searchOcr(ocr: OcrPage, page: { width: number; height: number }, query: string): SearchHits {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return { lines: [], shapes: [] };
  const scale = scaler(ocr, page);
  const lines: number[] = [];
  const shapes: OverlayShape[] = [];
  ocr.lines.forEach((line, i) => {
    if (!line.text.toLocaleLowerCase().includes(q)) return;
    lines.push(i);
    const before = shapes.length;
    line.words.forEach((w, j) => {
      if (w.text.toLocaleLowerCase().includes(q)) shapes.push({ id: `hit-${i}-${j}`, points: scale(w.box), tone: 'hit' });
    });
    if (shapes.length === before) shapes.push({ id: `hit-${i}`, points: scale(line.box), tone: 'hit' });
  });
  return { lines, shapes };
}

/** A line's bounding box in page pixels (for panning it into view). */
export function lineBounds(ocr: OcrPage, page: { width: number; height: number }, line: number): Rect | null {
  const l = ocr.lines[line];
  return l ? boundsOf(scaler(ocr, page)(l.box)) : null;
}

export function pageText(ocr: OcrPage): string {
  return ocr.lines.map((l) => l.text).join('\n');
}

export interface HitPage {
  page: number;
  /** Lines on that page containing the query, in reading order. */
  lines: number[];
}

/**
 * Where "next hit" goes from the selected line (or the page start): the next hit line on this page,
 * else the first hit of the next page that has one, wrapping around the document. Backwards with
 * step −1. Null when nothing matches anywhere.
 */
export function nextHit(hitPages: readonly HitPage[], pageCount: number, at: { page: number; line: number | null }, step: 1 | -1): { page: number; line: number } | null {
  const here = hitPages.find((h) => h.page === at.page)?.lines ?? [];
  const from = at.line ?? (step === 1 ? -1 : Infinity);
  const onPage = step === 1 ? here.find((l) => l > from) : here.findLast((l) => l < from);
  if (onPage !== undefined) return { page: at.page, line: onPage };
  for (let k = 1; k <= pageCount; k++) {
    const page = (((at.page + step * k) % pageCount) + pageCount) % pageCount;
    const lines = hitPages.find((h) => h.page === page)?.lines;
    if (lines && lines.length > 0) return { page, line: step === 1 ? lines[0]! : lines[lines.length - 1]! };
  }
  return null;
}
