/**
 * DocumentLoader: opens files, owns the PDF worker and the memory-bounded
 * caches, and turns every low-level failure into a DocumentError naming the
 * file. One loader serves many documents; a failure in one never affects the
 * others or the loader itself.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ByteLruCache } from './cache';
import { DocumentError, throwIfAborted, type DocumentErrorCode } from './errors';
import { InThreadPdfBackend, PdfBackendError, WorkerPdfBackend, defaultWorkerUrl, type PdfBackend } from './pdf-client';
import { decodeRaster, decodeRasterDownscaled, previewFromRaw, probeRaster, resizeRaw, RasterError, type BmpDecoder, type EncodedPreview, type RasterFormat } from './raster';
import { readFileShared, toShared } from './shared-bytes';
import { openDicomSource } from './dicom';
import { DicomError, type DicomFailure } from '../dicom';
import { sniffFormat } from './sniff';
import type { DisplayWindow, DocumentFormat, DocumentSource, LoadedDocument, OpenOptions, PageInfo, PagePreview, RawImage } from './types';

export interface DocumentLoaderOptions {
  /**
   * Location of the compiled PDF worker. Defaults to a pdf-worker.{js,ts}
   * sibling of this module. Under electron-vite pass the emitted file, e.g.
   * `import pdfWorker from '../models/documents/pdf-worker?modulePath'` and
   * `new DocumentLoader({ workerUrl: pdfWorker })`.
   */
  workerUrl?: URL | string;
  /** Render PDFs and decode BMPs on the calling thread instead of the worker.
   *  Blocks that thread while working: for tests and comparisons only. */
  inThreadPdf?: boolean;
  /** Budget for cached full-resolution pages (default 512 MiB). */
  pageCacheBytes?: number;
  /** Budget for cached encoded previews/thumbnails (default 64 MiB). */
  previewCacheBytes?: number;
  /** Files larger than this are refused with TOO_LARGE (default 1 GiB). */
  maxFileBytes?: number;
  /** Pages with more pixels than this are refused with TOO_LARGE (default 300 Mpx). */
  maxPixels?: number;
}

export const DEFAULT_PDF_DPI = 150;
/** Long side of the reduced copy kept for previews of very large pages. */
const PROXY_SIDE = 2048;
const MAX_PDF_DPI = 1200;

const DICOM_CODES: Record<DicomFailure, DocumentErrorCode> = {
  NOT_DICOM: 'UNSUPPORTED_FORMAT',
  UNSUPPORTED: 'UNSUPPORTED_FORMAT',
  NO_PIXEL_DATA: 'UNSUPPORTED_FORMAT',
  TRUNCATED: 'CORRUPT_FILE',
  CORRUPT: 'CORRUPT_FILE',
  TOO_LARGE: 'TOO_LARGE',
};

/** Cache-key part for a display window; '' for the default. */
const windowKey = (w: DisplayWindow | undefined): string => (w ? `:w${w.center}/${w.width}${w.invert ? 'i' : ''}` : '');

/** Present a failure from any layer as a DocumentError about `file`. */
function toDocumentError(file: string, e: unknown): unknown {
  if (e instanceof DocumentError) return e;
  if (e instanceof DicomError) return new DocumentError(DICOM_CODES[e.failure], file, e.message, { cause: e });
  if (e instanceof Error && e.name === 'AbortError') return e;
  if (e instanceof RasterError) return new DocumentError(e.failure, file, e.message, { cause: e });
  if (e instanceof PdfBackendError) {
    const code: DocumentErrorCode =
      e.failure === 'INTERNAL' || e.failure === 'NO_DOCUMENT' || e.failure === 'BAD_BMP' ? 'CORRUPT_FILE' : e.failure;
    if (e.failure === 'BAD_BMP') return new DocumentError(code, file, `the BMP is invalid: ${e.message}`, { cause: e });
    return new DocumentError(code, file, e.message, { cause: e });
  }
  return new DocumentError('CORRUPT_FILE', file, e instanceof Error ? e.message : String(e), { cause: e });
}

async function guard<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toDocumentError(file, e);
  }
}

/** Resolve with `p` unless `signal` aborts first; the work itself may finish
 *  in the background (PDFium and libvips calls cannot be interrupted). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

let nextDocumentKey = 1;

/** A folder holding a DICOMDIR stands for that DICOMDIR; any other path is returned as it is. */
async function dicomdirOfFolder(path: string): Promise<string> {
  try {
    if (!(await stat(path)).isDirectory()) return path;
  } catch {
    return path; // readSource reports the missing file
  }
  const dicomdir = join(path, 'DICOMDIR');
  try {
    if ((await stat(dicomdir)).isFile()) return dicomdir;
  } catch {
    // fall through
  }
  throw new DocumentError('UNSUPPORTED_FORMAT', path, 'is a folder without a DICOMDIR (only DICOM media folders open as documents)');
}

export class DocumentLoader {
  private readonly pageCache: ByteLruCache<RawImage>;
  private readonly previewCache: ByteLruCache<EncodedPreview>;
  private pdfBackend: PdfBackend | null = null;
  private readonly open = new Set<LoadedDocument>();
  private readonly maxFileBytes: number;
  private readonly maxPixels: number;

  constructor(private readonly options: DocumentLoaderOptions = {}) {
    this.pageCache = new ByteLruCache(options.pageCacheBytes ?? 512 * 2 ** 20);
    this.previewCache = new ByteLruCache(options.previewCacheBytes ?? 64 * 2 ** 20);
    this.maxFileBytes = options.maxFileBytes ?? 2 ** 30;
    this.maxPixels = options.maxPixels ?? 300_000_000;
  }

  /** Number of documents opened and not yet closed. */
  get openCount(): number {
    return this.open.size;
  }

  /** The worker backend (PDF rendering and BMP decoding), created on first
   *  use so opening PNG/JPEG/… never starts a worker. */
  get pdf(): PdfBackend {
    if (!this.pdfBackend) {
      if (this.options.inThreadPdf) {
        this.pdfBackend = new InThreadPdfBackend();
      } else {
        const url = this.options.workerUrl ?? defaultWorkerUrl();
        if (!url) throw new Error('PDF worker script not found next to the document loader; pass DocumentLoaderOptions.workerUrl');
        this.pdfBackend = new WorkerPdfBackend(url);
      }
    }
    return this.pdfBackend;
  }

  async openDocument(source: DocumentSource, opts: OpenOptions = {}): Promise<LoadedDocument> {
    // A DICOM media folder opens through the DICOMDIR at its root.
    const file = 'path' in source ? await dicomdirOfFolder(source.path) : source.name;
    const name = 'path' in source ? basename(source.path) : source.name;
    throwIfAborted(opts.signal);
    const bytes = 'path' in source ? await this.readSource(file) : source.bytes;
    throwIfAborted(opts.signal);
    if (bytes.length === 0) throw new DocumentError('EMPTY_FILE', file, 'the file is empty (0 bytes)');
    if (bytes.length > this.maxFileBytes) {
      throw new DocumentError('TOO_LARGE', file, `the file is ${bytes.length} bytes, more than the ${this.maxFileBytes}-byte limit`);
    }
    const format = sniffFormat(bytes);
    if (!format) {
      throw new DocumentError('UNSUPPORTED_FORMAT', file, 'the content is not a PNG, JPEG, WebP, BMP, GIF, TIFF, PDF or DICOM file');
    }
    const opening = guard(file, () =>
      format === 'pdf' ? this.openPdf(file, name, bytes, opts) : format === 'dicom' ? this.openDicom(file, name, bytes, 'path' in source) : this.openRaster(file, name, format, bytes),
    );
    const doc = await abortable(opening, opts.signal).catch((e: unknown) => {
      // Abandoned by an abort: release the document if it opens after all.
      if (opts.signal?.aborted) opening.then((d) => d.close(), () => {});
      throw e;
    });
    this.open.add(doc);
    return doc;
  }

  private async readSource(path: string): Promise<Uint8Array> {
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new DocumentError('NOT_FOUND', path, 'is not a regular file');
      if (s.size > this.maxFileBytes) {
        throw new DocumentError('TOO_LARGE', path, `the file is ${s.size} bytes, more than the ${this.maxFileBytes}-byte limit`);
      }
      return await readFileShared(path);
    } catch (e) {
      if (e instanceof DocumentError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new DocumentError('NOT_FOUND', path, 'the file does not exist', { cause: e });
      throw new DocumentError('NOT_FOUND', path, `the file could not be read (${code ?? String(e)})`, { cause: e });
    }
  }

  private async openRaster(file: string, name: string, format: RasterFormat, bytes: Uint8Array): Promise<LoadedDocument> {
    const sizes = await probeRaster(format, bytes, this.maxPixels);
    const pages = sizes.map((s, index) => ({ index, ...s }));
    // BMP is decoded on the worker, possibly many times (render, previews):
    // share the bytes once rather than copying them for every request.
    const data = format === 'bmp' && !this.options.inThreadPdf ? toShared(bytes) : bytes;
    const bmp: BmpDecoder = (b) => this.pdf.decodeBmp(b);
    return this.makeDocument(file, name, format, pages, {
      render: (index) => decodeRaster(format, data, index, bmp),
      downscaled: (index, maxSide) => decodeRasterDownscaled(format, data, index, maxSide, bmp),
      close: async () => {},
    });
  }

  private async openDicom(file: string, name: string, bytes: Uint8Array, fromPath: boolean): Promise<LoadedDocument> {
    const maxPixels = this.maxPixels;
    const src = await openDicomSource(file, bytes, { fromPath, maxBytes: this.maxFileBytes, limits: { maxFramePixels: Math.min(maxPixels, 100_000_000) } });
    const doc = this.makeDocument(file, name, 'dicom', src.pages, {
      render: (index, window) => src.render(index, window),
      downscaled: async (index, maxSide, window) => {
        const full = await src.render(index, window);
        return full.width <= maxSide && full.height <= maxSide ? full : resizeRaw(full, maxSide);
      },
      close: async () => {},
    });
    doc.dicom = { ...src.info, pageInfo: (index) => guard(file, () => src.pageInfo(index)) };
    return doc;
  }

  private async openPdf(file: string, name: string, bytes: Uint8Array, opts: OpenOptions): Promise<LoadedDocument> {
    const dpi = opts.pdfDpi ?? DEFAULT_PDF_DPI;
    if (!(dpi > 0 && dpi <= MAX_PDF_DPI)) throw new DocumentError('TOO_LARGE', file, `a PDF DPI of ${dpi} is outside 1–${MAX_PDF_DPI}`);
    const backend = this.pdf;
    const { docId, pages: sizes } = await backend.open(bytes, opts.password);
    const px = (pt: number, scale: number): number => Math.max(1, Math.round(((pt * dpi) / 72) * scale));
    const pages = sizes.map((s, index) => ({ index, width: px(s.widthPt, 1), height: px(s.heightPt, 1) }));
    const rgb = (data: Uint8Array, width: number, height: number): RawImage => ({ data, width, height, channels: 3 });
    return this.makeDocument(file, name, 'pdf', pages, {
      render: async (index) => {
        const p = pages[index]!;
        return rgb(await backend.render(docId, index, p.width, p.height), p.width, p.height);
      },
      // Render previews at preview size: far cheaper than full DPI plus a downscale.
      downscaled: async (index, maxSide) => {
        const p = pages[index]!;
        const scale = Math.min(1, maxSide / Math.max(p.width, p.height));
        const w = Math.max(1, Math.round(p.width * scale));
        const h = Math.max(1, Math.round(p.height * scale));
        return rgb(await backend.render(docId, index, w, h), w, h);
      },
      close: () => backend.close(docId),
    });
  }

  private makeDocument(
    file: string,
    name: string,
    format: DocumentFormat,
    pages: PageInfo[],
    impl: {
      render(index: number, window?: DisplayWindow): Promise<RawImage>;
      /** The page fitted inside maxSide×maxSide, never enlarged. */
      downscaled(index: number, maxSide: number, window?: DisplayWindow): Promise<RawImage>;
      close(): Promise<void>;
    },
  ): LoadedDocument {
    const key = `${nextDocumentKey++}:`;
    let closed = false;
    const inflight = new Map<string, Promise<unknown>>();
    const check = (index: number): void => {
      // NOT_FOUND rather than a new code: the app maps loader codes one to one.
      if (closed) throw new DocumentError('NOT_FOUND', file, 'the document has been closed');
      if (!Number.isInteger(index) || index < 0 || index >= pages.length) {
        throw new DocumentError('PAGE_OUT_OF_RANGE', file, `page index ${index} is outside 0–${pages.length - 1}`);
      }
    };
    // Concurrent requests for the same page share one decode.
    const once = <T>(k: string, fn: () => Promise<T>): Promise<T> => {
      const existing = inflight.get(k) as Promise<T> | undefined;
      if (existing) return existing;
      const p = fn().finally(() => inflight.delete(k));
      inflight.set(k, p);
      return p;
    };
    /** Pixels to make a maxSide preview from, cheapest first: a full render
     *  already in memory; for very large pages a cached PROXY_SIDE proxy, so
     *  a 12000×9000 scan is decoded once for all its thumbnails and previews;
     *  otherwise a fresh decode at preview size. */
    const previewSource = async (index: number, maxSide: number, window?: DisplayWindow): Promise<RawImage> => {
      const full = this.pageCache.get(`${key}page:${index}${windowKey(window)}`);
      if (full) return full;
      const page = pages[index]!;
      if (maxSide > PROXY_SIDE || Math.max(page.width, page.height) <= 2 * PROXY_SIDE) return impl.downscaled(index, maxSide, window);
      const pk = `${key}proxy:${index}${windowKey(window)}`;
      const cached = this.pageCache.get(pk);
      if (cached) return cached;
      return once(pk, async () => {
        const proxy = await impl.downscaled(index, PROXY_SIDE, window);
        if (!closed) this.pageCache.set(pk, proxy, proxy.data.byteLength);
        return proxy;
      });
    };
    const doc: LoadedDocument = {
      name,
      format,
      pages,
      renderPage: async (index, o) => {
        check(index);
        throwIfAborted(o?.signal);
        const ck = `${key}page:${index}${windowKey(o?.window)}`;
        const hit = this.pageCache.get(ck);
        if (hit) return hit;
        const work = once(ck, () =>
          guard(file, async () => {
            const img = await impl.render(index, o?.window);
            if (!closed) this.pageCache.set(ck, img, img.data.byteLength);
            return img;
          }),
        );
        return abortable(work, o?.signal);
      },
      pagePreview: async (index, o) => {
        check(index);
        throwIfAborted(o.signal);
        if (!(o.maxSide >= 1)) throw new RangeError(`maxSide must be at least 1, got ${o.maxSide}`);
        const out = o.format ?? 'webp';
        const maxSide = Math.round(o.maxSide);
        const ck = `${key}preview:${index}:${maxSide}:${out}${windowKey(o.window)}`;
        const hit = this.previewCache.get(ck);
        if (hit) return hit as PagePreview;
        const work = once(ck, () =>
          guard(file, async () => {
            const prev = await previewFromRaw(await previewSource(index, maxSide, o.window), maxSide, out);
            if (!closed) this.previewCache.set(ck, prev, prev.bytes.byteLength);
            return prev;
          }),
        );
        return abortable(work, o.signal);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        this.open.delete(doc);
        this.pageCache.deletePrefix(key);
        this.previewCache.deletePrefix(key);
        await impl.close().catch(() => {});
      },
    };
    return doc;
  }

  /** Close every document and stop the PDF worker. The loader can be reused
   *  afterwards; a new worker starts on the next PDF. */
  async dispose(): Promise<void> {
    await Promise.all([...this.open].map((d) => d.close()));
    const b = this.pdfBackend;
    this.pdfBackend = null;
    await b?.dispose();
  }
}
