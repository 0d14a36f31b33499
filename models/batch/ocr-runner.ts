// A Runner for task 'ocr-builtin': Paliscope's built-in PP-OCR engine, in this process. The raw output is the page's
// plain text; the parsed result is the engine's page (lines, words, quads, confidences) as the OCR exports take it.
import { createOcrEngine } from '../ocr/engine';
import type { EngineOptions, OcrEngine } from '../ocr/types';
import { ocrPageResult } from './ocr-result';
import type { RawImage } from '../documents';
import type { PageSource } from './page-source';
import type { PageResult, Runner } from './runner';

export async function createOcrRunner(o: EngineOptions & { pages: PageSource }): Promise<Runner<RawImage> & { engine: OcrEngine }> {
  const { pages, ...engineOptions } = o;
  const engine = await createOcrEngine(engineOptions);
  return {
    engine,
    preparePage: (req, signal) => pages.render(req.documentPath, req.page, signal),
    async runPage(req, signal): Promise<PageResult> {
      return ocrPageResult(await engine.recognize(req.prepared!, { signal }));
    },
    close: () => pages.close(),
  };
}
