// OCR over a document's pages: main renders each page at full resolution, the engine host reads
// it, results stream back page by page. Results are kept so exports can use them.
import type { OcrChunk, OcrPage } from '../../preload/contract';
import type { RawImage } from '../../models/documents';
import { AppFailure } from '../ipc/dispatcher';
import type { StreamContext } from '../ipc/dispatcher';
import type { EngineClient } from '../engine/client';
import type { DocumentService } from './documents';
import { toText, toJson, toHocr, toAlto, toSearchablePdf } from '../../models/ocr/export';

export type OcrExportFormat = 'txt' | 'json' | 'hocr' | 'alto' | 'pdf';
const EXPORTS: Record<OcrExportFormat, { extension: string; mime: string }> = {
  txt: { extension: 'txt', mime: 'text/plain;charset=utf-8' },
  json: { extension: 'json', mime: 'application/json' },
  hocr: { extension: 'hocr.html', mime: 'application/xhtml+xml' },
  alto: { extension: 'alto.xml', mime: 'application/xml' },
  pdf: { extension: 'pdf', mime: 'application/pdf' },
};
/** Page images of scans carry no trustworthy resolution; 300 DPI is what scanners default to. */
const IMAGE_DPI = 300;

export class OcrService {
  readonly #documents: DocumentService;
  readonly #engine: EngineClient;
  readonly #results = new Map<string, Map<number, OcrPage>>();

  readonly #threads: () => number | undefined;

  readonly #recognizer: () => string | null;
  readonly #recognizerFailed: (dir: string, reason: string) => void;

  /**
   * `threads` and `recognizer` (a chosen recognizer folder, null for the built-in one): the Settings values, read for
   * each page so a change applies from the next page on. `recognizerFailed`: the chosen folder could not be used (the
   * page was read with the built-in recognizer).
   */
  constructor(deps: {
    documents: DocumentService; engine: EngineClient; threads?: () => number | undefined;
    recognizer?: () => string | null; recognizerFailed?: (dir: string, reason: string) => void;
  }) {
    this.#documents = deps.documents;
    this.#engine = deps.engine;
    this.#threads = deps.threads ?? (() => undefined);
    this.#recognizer = deps.recognizer ?? (() => null);
    this.#recognizerFailed = deps.recognizerFailed ?? (() => undefined);
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
      const result = await this.readPage(image, {
        signal: ctx.signal,
        onProgress: (stage, d, total) => ctx.send({ type: 'progress', page, stage, done: d, total }),
        onFallback: (message) => ctx.send({ type: 'recognizer-fallback', page, message }),
      });
      this.#resultsFor(input.documentId).set(page, result);
      ctx.send({ type: 'page', page, result });
      done++;
    }
    return { pages: done };
  }

  /** The recognizer folder chosen in Settings now (null: the built-in one). A batch records it when it starts. */
  chosenRecognizer(): string | null {
    return this.#recognizer();
  }

  /**
   * Reads one rendered page in the engine host with the Settings' threads. `recognizer`: the folder to read with
   * (default: the one chosen in Settings). When the Settings' folder cannot be used the page is read with the built-in
   * recognizer and Settings is told; `strict` (a batch that recorded its recognizer) fails the page instead, naming the
   * folder and the reason, so no result is kept under a recognizer that did not read it.
   */
  async readPage(image: RawImage, opts: {
    signal: AbortSignal; recognizer?: string | null; strict?: boolean;
    onProgress?: (stage: string, done: number, total: number) => void;
    /** Told (with the reason) when the Settings' recognizer failed and the page was read with the built-in one. */
    onFallback?: (message: string) => void;
  }): Promise<OcrPage> {
    const threads = this.#threads();
    const recognizer = opts.recognizer === undefined ? this.#recognizer() : opts.recognizer;
    const { recognizerProblem, ...result } = await this.#engine.request('ocr.recognize', { image, ...(threads ? { prefs: { threads } } : {}), ...(recognizer ? { recognizer } : {}) }, {
      signal: opts.signal,
      ...(opts.onProgress ? {
        onProgress: (p: unknown) => {
          const { stage, done, total } = p as { stage: string; done: number; total: number };
          opts.onProgress!(stage, done, total);
        },
      } : {}),
    });
    if (recognizer && recognizerProblem !== undefined) {
      if (opts.strict) throw new AppFailure('CORRUPT_FILE', `the OCR recognizer in ${recognizer} could not be used: ${recognizerProblem}`);
      this.#recognizerFailed(recognizer, recognizerProblem);
      opts.onFallback?.(`The OCR recognizer in ${recognizer} could not be used (${recognizerProblem}); the page was read with the built-in recognizer.`);
    }
    return result;
  }

  /** The document's OCR results as a file, pages in order; only pages that have been read. */
  async export(documentId: string, format: OcrExportFormat): Promise<{ fileName: string; mime: string; bytes: Uint8Array }> {
    const doc = this.#documents.get(documentId);
    const read = [...this.results(documentId).entries()].sort(([a], [b]) => a - b);
    if (read.length === 0) throw new AppFailure('NOT_FOUND', `${doc.name}: no page has been read yet; run OCR before exporting`);
    const pages = read.map(([, page]) => page);
    const stem = doc.name.replace(/\.[^.]+$/, '');
    const { extension, mime } = EXPORTS[format];
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    let bytes: Uint8Array;
    if (format === 'txt') bytes = text(toText(pages));
    else if (format === 'json') bytes = text(toJson(pages));
    else if (format === 'hocr') bytes = text(toHocr(pages, { title: doc.name }));
    else if (format === 'alto') bytes = text(toAlto(pages, { fileName: doc.name, processingDateTime: new Date().toISOString() }));
    else {
      const inputs = [];
      for (const [index, page] of read) inputs.push({ page, image: await doc.renderPage(index) });
      bytes = await toSearchablePdf(inputs, { dpi: doc.format === 'pdf' ? this.#documents.pdfDpi : IMAGE_DPI, title: stem });
    }
    return { fileName: `${stem}.${extension}`, mime, bytes };
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
