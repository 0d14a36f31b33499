// The built-in OCR (PP-OCR, models/ocr) as a region source: the page's lines grouped into text blocks. The OCR engine
// already orders lines into layout blocks; the blocks are rebuilt here from its lines by the same layout code, so the
// text-layer and OCR sources give the same kind of regions.
import type { OcrEngine, OcrPage } from '../../ocr/types';
import { boxFromEdges } from '../geometry';
import { textBlocks } from './text-blocks';
import type { PageContext, RegionSourceProvider, TextLine } from './types';

export function linesOfOcrPage(page: OcrPage): TextLine[] {
  const lines: TextLine[] = [];
  for (const l of page.lines) {
    const xs = l.box.map((p) => p[0]), ys = l.box.map((p) => p[1]);
    const box = boxFromEdges([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], page);
    if (box && l.text.trim()) lines.push({ text: l.text, box, confidence: l.confidence });
  }
  return lines;
}

/** Text blocks from the built-in OCR; `onPage` receives the whole OCR page (the runner keeps it as the page's run). */
export function ocrSource(engine: OcrEngine, onPage?: (page: PageContext, ocr: OcrPage) => void): RegionSourceProvider {
  return {
    name: 'ocr',
    async propose(page) {
      const ocr = await engine.recognize(await page.pixels(), { signal: page.signal });
      onPage?.(page, ocr);
      return textBlocks(linesOfOcrPage(ocr), page, 'ocr');
    },
  };
}
