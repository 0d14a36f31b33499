/**
 * Synchronous PDFium operations on a WASM instance. This is the only module that
 * touches PDFium; it runs inside the PDF worker (pdf-worker.ts) and, in tests,
 * in-thread. It knows nothing about messages or files: callers pass bytes and
 * get plain data back, and failures surface as PdfEngineError codes.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PDFiumModule } from '@hyzyla/pdfium';

export type PdfFailure = 'PASSWORD_REQUIRED' | 'WRONG_PASSWORD' | 'CORRUPT_FILE' | 'UNSUPPORTED_FORMAT' | 'TOO_LARGE' | 'NO_DOCUMENT';

export class PdfEngineError extends Error {
  constructor(
    readonly failure: PdfFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PdfEngineError';
  }
}

/** The subset of the Emscripten module we call. The package's own typings omit
 *  FPDF_GetPageSizeByIndex and HEAPF64, which we need to read sizes without
 *  loading every page. */
interface Pdfium {
  _FPDF_InitLibraryWithConfig(config: unknown): void;
  _FPDF_LoadMemDocument(ptr: number, size: number, password: number): number;
  _FPDF_GetLastError(): number;
  _FPDF_GetPageCount(doc: number): number;
  _FPDF_GetPageSizeByIndex(doc: number, index: number, widthPtr: number, heightPtr: number): number;
  _FPDF_LoadPage(doc: number, index: number): number;
  _FPDF_ClosePage(page: number): void;
  _FPDF_CloseDocument(doc: number): void;
  _FPDFBitmap_CreateEx(width: number, height: number, format: number, ptr: number, stride: number): number;
  _FPDFBitmap_FillRect(bitmap: number, left: number, top: number, width: number, height: number, color: number): void;
  _FPDF_RenderPageBitmap(bitmap: number, page: number, x: number, y: number, w: number, h: number, rotate: number, flags: number): void;
  _FPDFBitmap_Destroy(bitmap: number): void;
  _FPDFText_LoadPage(page: number): number;
  _FPDFText_ClosePage(textPage: number): void;
  _FPDFText_CountChars(textPage: number): number;
  _FPDFText_GetUnicode(textPage: number, index: number): number;
  _FPDFText_GetCharBox(textPage: number, index: number, left: number, right: number, bottom: number, top: number): number;
  _FPDFText_IsGenerated(textPage: number, index: number): number;
  _FPDF_PageToDevice(page: number, x: number, y: number, w: number, h: number, rotate: number, pageX: number, pageY: number, devX: number, devY: number): number;
  _FPDFPage_CountObjects(page: number): number;
  _FPDFPage_GetObject(page: number, index: number): number;
  _FPDFPageObj_GetType(obj: number): number;
  _FPDFPageObj_GetBounds(obj: number, left: number, bottom: number, right: number, top: number): number;
  wasmExports: { malloc(size: number): number; free(ptr: number): void };
  HEAPU8: Uint8Array;
  HEAPF64: Float64Array;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
}

// Values from fpdfview.h.
const FPDF_ERR_FORMAT = 3;
const FPDF_ERR_PASSWORD = 4;
const FPDF_ERR_SECURITY = 5;
const FPDFBitmap_BGRA = 4;
const FPDF_ANNOT = 0x01;
const FPDF_LCD_TEXT = 0x02;
const FPDF_REVERSE_BYTE_ORDER = 0x10;
const FPDF_PAGEOBJ_IMAGE = 3;
/** Device coordinates come back as integers: mapping onto a page this many times larger keeps sub-pixel precision. */
const DEVICE_OVERSAMPLE = 16;
/** A text layer beyond this many characters is read only this far (a page of text holds a few thousand). */
export const MAX_TEXT_CHARS = 200_000;
/** Image objects beyond this many are not listed (a page of figures holds a handful). */
export const MAX_IMAGE_OBJECTS = 2_000;

/** Renders beyond this many pixels are refused rather than risking WASM OOM
 *  (the WASM heap is capped at 4 GiB and a BGRA bitmap costs 4 bytes/pixel). */
export const MAX_PDF_RENDER_PIXELS = 200_000_000;

/** A box in pixels of the page rendered at width×height: left, top, right, bottom. */
export type PixelBox = [number, number, number, number];

/** One character of a page's text layer; `box` is null for the spaces and line breaks PDFium infers between runs. */
export interface PdfTextChar {
  text: string;
  box: PixelBox | null;
}

/** What a page's content says of itself: its text layer and where its images are, in rendered pixels. */
export interface PdfPageText {
  chars: PdfTextChar[];
  images: PixelBox[];
  /** The text layer was longer than MAX_TEXT_CHARS and was cut there. */
  truncated: boolean;
}

export interface PdfPageSize {
  /** Page size in PDF points (1/72 inch), after /Rotate is applied. */
  widthPt: number;
  heightPt: number;
}

interface OpenDoc {
  handle: number;
  dataPtr: number;
}

/** Locate pdfium.wasm through Node resolution rather than the package's own
 *  import.meta.url lookup, which breaks once the package is bundled. */
async function loadWasmBinary(): Promise<ArrayBuffer> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@hyzyla/pdfium/pdfium.wasm');
  const buf = await readFile(path);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export class PdfEngine {
  private nextId = 1;
  private readonly docs = new Map<number, OpenDoc>();

  private constructor(private readonly m: Pdfium) {}

  static async create(): Promise<PdfEngine> {
    const wasmBinary = await loadWasmBinary();
    const m = (await PDFiumModule({ wasmBinary, locateFile: () => '' })) as unknown as Pdfium;
    // Same config object @hyzyla/pdfium passes; PDFium reads only `version`.
    m._FPDF_InitLibraryWithConfig({ version: 2, m_pIsolate: null, m_pUserFontPaths: null, m_v8EmbedderSlot: 0, m_pPlatform: null });
    return new PdfEngine(m);
  }

  /** Parse the document and read every page size; no page content is decoded. */
  open(bytes: Uint8Array, password: string | undefined): { docId: number; pages: PdfPageSize[] } {
    const m = this.m;
    const dataPtr = m.wasmExports.malloc(bytes.length);
    if (!dataPtr) throw new PdfEngineError('TOO_LARGE', `not enough memory to load ${bytes.length} bytes`);
    m.HEAPU8.set(bytes, dataPtr);
    let pwPtr = 0;
    if (password) {
      const pw = new TextEncoder().encode(password);
      pwPtr = m.wasmExports.malloc(pw.length + 1);
      m.HEAPU8.set(pw, pwPtr);
      m.HEAPU8[pwPtr + pw.length] = 0;
    }
    const handle = m._FPDF_LoadMemDocument(dataPtr, bytes.length, pwPtr);
    if (pwPtr) m.wasmExports.free(pwPtr);
    if (!handle) {
      const err = m._FPDF_GetLastError();
      m.wasmExports.free(dataPtr);
      if (err === FPDF_ERR_PASSWORD) {
        throw password
          ? new PdfEngineError('WRONG_PASSWORD', 'the password is incorrect')
          : new PdfEngineError('PASSWORD_REQUIRED', 'the PDF is encrypted and needs a password');
      }
      if (err === FPDF_ERR_SECURITY) throw new PdfEngineError('UNSUPPORTED_FORMAT', 'the PDF uses an unsupported security handler');
      if (err === FPDF_ERR_FORMAT) throw new PdfEngineError('CORRUPT_FILE', 'the PDF is damaged and could not be repaired');
      throw new PdfEngineError('CORRUPT_FILE', `PDFium could not load the PDF (error ${err})`);
    }
    const count = m._FPDF_GetPageCount(handle);
    const pages: PdfPageSize[] = [];
    const sizePtr = m.wasmExports.malloc(16);
    try {
      for (let i = 0; i < count; i++) {
        if (!m._FPDF_GetPageSizeByIndex(handle, i, sizePtr, sizePtr + 8)) {
          throw new PdfEngineError('CORRUPT_FILE', `page ${i + 1} has no readable size`);
        }
        // Read after the call: a heap growth inside PDFium replaces HEAPF64.
        const widthPt = m.HEAPF64[sizePtr / 8]!;
        const heightPt = m.HEAPF64[sizePtr / 8 + 1]!;
        if (!(widthPt > 0 && heightPt > 0)) throw new PdfEngineError('CORRUPT_FILE', `page ${i + 1} has an invalid size`);
        pages.push({ widthPt, heightPt });
      }
    } catch (e) {
      m._FPDF_CloseDocument(handle);
      m.wasmExports.free(dataPtr);
      throw e;
    } finally {
      m.wasmExports.free(sizePtr);
    }
    if (count <= 0) {
      m._FPDF_CloseDocument(handle);
      m.wasmExports.free(dataPtr);
      throw new PdfEngineError('CORRUPT_FILE', 'the PDF has no pages');
    }
    const docId = this.nextId++;
    this.docs.set(docId, { handle, dataPtr });
    return { docId, pages };
  }

  /** Render one page to RGB at exactly width×height pixels on a white background. */
  render(docId: number, index: number, width: number, height: number): Uint8Array {
    const doc = this.docs.get(docId);
    if (!doc) throw new PdfEngineError('NO_DOCUMENT', 'the document is closed');
    if (width * height > MAX_PDF_RENDER_PIXELS) {
      throw new PdfEngineError('TOO_LARGE', `a ${width}×${height} render exceeds ${MAX_PDF_RENDER_PIXELS} pixels; use a lower DPI`);
    }
    const m = this.m;
    const page = m._FPDF_LoadPage(doc.handle, index);
    if (!page) throw new PdfEngineError('CORRUPT_FILE', `page ${index + 1} could not be loaded`);
    const stride = width * 4;
    const ptr = m.wasmExports.malloc(stride * height);
    if (!ptr) {
      m._FPDF_ClosePage(page);
      throw new PdfEngineError('TOO_LARGE', `not enough memory for a ${width}×${height} render`);
    }
    let bitmap = 0;
    try {
      bitmap = m._FPDFBitmap_CreateEx(width, height, FPDFBitmap_BGRA, ptr, stride);
      m._FPDFBitmap_FillRect(bitmap, 0, 0, width, height, 0xffffffff);
      // REVERSE_BYTE_ORDER makes PDFium write RGBA instead of BGRA.
      m._FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, FPDF_ANNOT | FPDF_LCD_TEXT | FPDF_REVERSE_BYTE_ORDER);
      const rgba = m.HEAPU8.subarray(ptr, ptr + stride * height);
      const rgb = new Uint8Array(width * height * 3);
      for (let s = 0, d = 0; d < rgb.length; s += 4, d += 3) {
        rgb[d] = rgba[s]!;
        rgb[d + 1] = rgba[s + 1]!;
        rgb[d + 2] = rgba[s + 2]!;
      }
      return rgb;
    } finally {
      if (bitmap) m._FPDFBitmap_Destroy(bitmap);
      m.wasmExports.free(ptr);
      m._FPDF_ClosePage(page);
    }
  }

  /**
   * The page's text layer, character by character, and its image objects, with boxes in pixels of the page rendered
   * at width×height (the /Rotate of the page applied, as render() does).
   */
  pageText(docId: number, index: number, width: number, height: number): PdfPageText {
    const doc = this.docs.get(docId);
    if (!doc) throw new PdfEngineError('NO_DOCUMENT', 'the document is closed');
    const m = this.m;
    const page = m._FPDF_LoadPage(doc.handle, index);
    if (!page) throw new PdfEngineError('CORRUPT_FILE', `page ${index + 1} could not be loaded`);
    const scratch = m.wasmExports.malloc(48);
    const textPage = m._FPDFText_LoadPage(page);
    try {
      const k = DEVICE_OVERSAMPLE;
      // PDF user space (origin bottom-left, y up) → pixels of the rendered page (origin top-left).
      const toPixel = (x: number, y: number): [number, number] => {
        m._FPDF_PageToDevice(page, 0, 0, width * k, height * k, 0, x, y, scratch + 32, scratch + 36);
        return [m.HEAP32[(scratch + 32) / 4]! / k, m.HEAP32[(scratch + 36) / 4]! / k];
      };
      const boxOf = (l: number, b: number, r: number, t: number): PixelBox => {
        const [x0, y0] = toPixel(l, t);
        const [x1, y1] = toPixel(r, b);
        return [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
      };
      const chars: PdfTextChar[] = [];
      const count = textPage ? m._FPDFText_CountChars(textPage) : 0;
      const n = Math.min(Math.max(0, count), MAX_TEXT_CHARS);
      for (let i = 0; i < n; i++) {
        const code = m._FPDFText_GetUnicode(textPage, i);
        const text = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
        let box: PixelBox | null = null;
        if (!m._FPDFText_IsGenerated(textPage, i) && m._FPDFText_GetCharBox(textPage, i, scratch, scratch + 8, scratch + 16, scratch + 24)) {
          const f = scratch / 8;
          const [l, r, b, t] = [m.HEAPF64[f]!, m.HEAPF64[f + 1]!, m.HEAPF64[f + 2]!, m.HEAPF64[f + 3]!];
          if (r > l || t > b) box = boxOf(l, b, r, t);
        }
        chars.push({ text, box });
      }
      const images: PixelBox[] = [];
      const objects = Math.min(m._FPDFPage_CountObjects(page), 100_000);
      for (let i = 0; i < objects && images.length < MAX_IMAGE_OBJECTS; i++) {
        const obj = m._FPDFPage_GetObject(page, i);
        if (!obj || m._FPDFPageObj_GetType(obj) !== FPDF_PAGEOBJ_IMAGE) continue;
        if (!m._FPDFPageObj_GetBounds(obj, scratch, scratch + 4, scratch + 8, scratch + 12)) continue;
        const f = scratch / 4;
        images.push(boxOf(m.HEAPF32[f]!, m.HEAPF32[f + 1]!, m.HEAPF32[f + 2]!, m.HEAPF32[f + 3]!));
      }
      return { chars, images, truncated: count > n };
    } finally {
      if (textPage) m._FPDFText_ClosePage(textPage);
      m.wasmExports.free(scratch);
      m._FPDF_ClosePage(page);
    }
  }

  close(docId: number): void {
    const doc = this.docs.get(docId);
    if (!doc) return;
    this.docs.delete(docId);
    this.m._FPDF_CloseDocument(doc.handle);
    this.m.wasmExports.free(doc.dataPtr);
  }
}
