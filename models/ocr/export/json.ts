// JSON export: exactly { pages: [ { width, height, lines: [ { text, confidence, box, words } ] } ] }.
import type { OcrPage, Quad } from '../types';

const r2 = (v: number) => Math.round(v * 100) / 100;
const r4 = (v: number) => Math.round(v * 10000) / 10000;
const box = (q: Quad) => q.map(([x, y]) => [r2(x), r2(y)]);

export function toJsonObject(pages: readonly OcrPage[]) {
  return {
    pages: pages.map((p) => ({
      width: p.width,
      height: p.height,
      lines: p.lines.map((l) => ({
        text: l.text,
        confidence: r4(l.confidence),
        box: box(l.box),
        words: l.words.map((w) => ({ text: w.text, confidence: r4(w.confidence), box: box(w.box) })),
      })),
    })),
  };
}

/** Indented JSON with each [x, y] point kept on one line, so boxes stay readable. */
export function toJson(pages: readonly OcrPage[]): string {
  const pretty = JSON.stringify(toJsonObject(pages), null, 2);
  return pretty.replace(/\[\s+(-?[\d.e+-]+),\s+(-?[\d.e+-]+)\s+\]/g, '[$1, $2]') + '\n';
}
