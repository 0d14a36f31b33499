// Turns the objects main parsed from a detect / segment / text-with-boxes run into overlay shapes. Main parsed them on the
// image the model was given (parsed.width × parsed.height); the page may be shown at another pixel size,
// so boxes are scaled to the page's, as OCR boxes are.
import type { RunParsed } from '../../../preload/contract';
import { rectPoints, type OverlayShape } from './overlay-shapes';

export const objectShapeId = (index: number): string => `object-${index}`;

export function objectIndexOf(shapeId: string | null): number | null {
  const m = shapeId ? /^object-(\d+)$/.exec(shapeId) : null;
  return m ? Number(m[1]) : null;
}

/** One labelled rectangle per parsed object, in page pixels. */
export function runShapes(parsed: RunParsed | undefined | null, page: { width: number; height: number }): OverlayShape[] {
  if (parsed?.kind !== 'boxes') return [];
  const noun = parsed.task === 'ocr-boxes' ? 'word' : 'object';
  const sx = page.width / parsed.width;
  const sy = page.height / parsed.height;
  return parsed.objects.map((o, i) => {
    const [x0, y0, x1, y1] = o.box;
    const name = o.label || `${noun} ${i + 1}`;
    return {
      id: objectShapeId(i),
      points: rectPoints(x0 * sx, y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy),
      tone: 'object',
      caption: name,
      label: `${name}\n${parsed.task} · ${Math.round((x1 - x0) * sx)}×${Math.round((y1 - y0) * sy)} px`,
      interactive: true,
    };
  });
}

/** A box as people read it: whole page pixels, x0,y0 → x1,y1. */
export function formatBox(box: readonly [number, number, number, number]): string {
  const [x0, y0, x1, y1] = box.map((v) => Math.round(v));
  return `${x0},${y0} → ${x1},${y1}`;
}
