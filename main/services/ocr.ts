// OCR over a document's pages: main renders each page at full resolution, the engine host reads
// it, results stream back page by page. Results are kept so exports can use them.
import type { OcrChunk, OcrPage } from '../../preload/contract';
import { AppFailure } from '../ipc/dispatcher';
import type { StreamContext } from '../ipc/dispatcher';
import type { EngineClient } from '../engine/client';
import type { DocumentService } from './documents';

export class OcrService {
  readonly #documents: DocumentService;
  readonly #engine: EngineClient;
  readonly #results = new Map<string, Map<number, OcrPage>>();

  constructor(deps: { documents: DocumentService; engine: EngineClient }) {
    this.#documents = deps.documents;
    this.#engine = deps.engine;
  }

  async run(input: { documentId: string; pages?: number[] | undefined }, ctx: StreamContext<OcrChunk>): Promise<{ pages: number }> {
    const doc = this.#documents.get(input.documentId);
    const pages = input.pages ?? doc.pages.map((p) => p.index);
    for (const page of pages) {
      if (page >= doc.pages.length) throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; OCR was asked for page ${page + 1}`);
    }
    let done = 0;
    for (const page of pages) {
      if (ctx.signal.aborted) throw new AppFailure('CANCELLED', 'OCR was cancelled');
      ctx.send({ type: 'progress', page, stage: 'render', done: 0, total: 1 });
      const image = await doc.renderPage(page, { signal: ctx.signal });
      const result = await this.#engine.request('ocr.recognize', { image }, {
        signal: ctx.signal,
        onProgress: (p) => {
          const { stage, done: d, total } = p as { stage: string; done: number; total: number };
          ctx.send({ type: 'progress', page, stage, done: d, total });
        },
      });
      this.#resultsFor(input.documentId).set(page, result);
      ctx.send({ type: 'page', page, result });
      done++;
    }
    return { pages: done };
  }

  results(documentId: string): ReadonlyMap<number, OcrPage> {
    return this.#results.get(documentId) ?? new Map();
  }

  forget(documentId: string): void {
    this.#results.delete(documentId);
  }

  #resultsFor(documentId: string): Map<number, OcrPage> {
    let m = this.#results.get(documentId);
    if (!m) this.#results.set(documentId, (m = new Map()));
    return m;
  }
}
