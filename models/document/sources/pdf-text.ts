// Region sources read from the PDF itself: its text layer ('pdf-text': born-digital pages read exactly, with boxes,
// no model) and its image objects ('pdf-image': the pictures placed on the page, as figure regions). Both read the
// file through PDFium (models/documents/pdf-engine.ts), the engine that renders the pages, so boxes fall on the
// rendered pixels exactly. Text is read on the calling thread: it takes milliseconds a page, no rendering.
import { readFile, stat } from 'node:fs/promises';
import { PdfEngine, type PdfPageText, type PixelBox } from '../../documents/pdf-engine';
import { sniffFormat } from '../../documents/sniff';
import { boxFromEdges, area } from '../geometry';
import { textBlocks } from './text-blocks';
import type { PageContext, ProposedRegion, RegionSourceProvider, TextLine } from './types';

/** Files larger than this are not read for their text layer (the loader has its own, larger, bound for rendering). */
const MAX_PDF_BYTES = 512 * 1024 * 1024;
/** An image covering more than this share of the page is the page itself (a scan), not a figure on it. */
const SCAN_SHARE = 0.6;
/** Images smaller than this share of the page (rules, logos, bullets) are not figures. */
const MIN_FIGURE_SHARE = 0.005;

let engine: Promise<PdfEngine> | null = null;
const sharedEngine = (): Promise<PdfEngine> => (engine ??= PdfEngine.create());

/** Lines from a page's characters: PDFium marks line ends with (generated) line breaks; a jump back left ends one too. */
export function linesFromChars(chars: PdfPageText['chars']): { text: string; edges: PixelBox }[] {
  const lines: { text: string; edges: PixelBox }[] = [];
  let text = '';
  let edges: PixelBox | null = null;
  const flush = () => {
    if (edges && text.trim()) lines.push({ text: text.replace(/\s+/g, ' ').trim(), edges });
    text = '';
    edges = null;
  };
  for (const c of chars) {
    if (c.text === '\n' || c.text === '\r') { flush(); continue; }
    // Spaces and other blank glyphs may have an empty box: they carry no position.
    const box = c.box && c.box[2] > c.box[0] && c.box[3] > c.box[1] && c.text.trim() ? c.box : null;
    if (box && edges) {
      const h = edges[3] - edges[1];
      const overlaps = box[3] > edges[1] && box[1] < edges[3];
      // Text drawn elsewhere without a line break between: a line below or above, a jump back left, or a far jump
      // right (a column beside this one on the same baseline).
      if (!overlaps || box[0] < edges[0] - h || box[0] > edges[2] + 3 * h) flush();
    }
    text += c.text;
    if (box) edges = edges ? [Math.min(edges[0], box[0]), Math.min(edges[1], box[1]), Math.max(edges[2], box[2]), Math.max(edges[3], box[3])] : [...box];
  }
  flush();
  return lines;
}

/** Opens PDFs for their text layer, one at a time (a document is read page after page). */
class PdfReader {
  #open: { path: string; docId: number } | null = null;

  async pageText(path: string, given: Uint8Array | undefined, index: number, width: number, height: number): Promise<PdfPageText | null> {
    const pdf = await sharedEngine();
    if (this.#open?.path !== path) {
      this.close(pdf);
      const size = given ? given.byteLength : (await stat(path)).size;
      if (size > MAX_PDF_BYTES) throw new Error(`${path}: ${size} bytes is more than the ${MAX_PDF_BYTES} a PDF text layer is read from`);
      const bytes = given ?? new Uint8Array(await readFile(path));
      if (sniffFormat(bytes) !== 'pdf') return null;
      this.#open = { path, docId: pdf.open(bytes, undefined).docId };
    }
    return pdf.pageText(this.#open!.docId, index, width, height);
  }

  close(pdf?: PdfEngine): void {
    if (this.#open && pdf) pdf.close(this.#open.docId);
    this.#open = null;
  }

  async closeAll(): Promise<void> {
    if (this.#open) this.close(await sharedEngine());
  }
}

/** Cache of the last page read, so the text and image sources of one page read it once. */
function cachedReader() {
  const reader = new PdfReader();
  let last: { key: string; value: Promise<PdfPageText | null> } | null = null;
  return {
    read(page: PageContext): Promise<PdfPageText | null> {
      const key = `${page.path}\u0000${page.index}`;
      if (last?.key !== key) {
        // Non-PDF inputs (images) have no text layer: checked by magic bytes, not by the extension.
        last = { key, value: reader.pageText(page.path, page.bytes, page.index, page.width, page.height) };
      }
      return last.value;
    },
    close: () => reader.closeAll(),
  };
}

export type PdfReaderHandle = ReturnType<typeof cachedReader>;

export function createPdfReader(): PdfReaderHandle {
  return cachedReader();
}

/** The page's text layer as text blocks (none for an image file, or a PDF page with no text: a scan). */
export function pdfTextSource(reader: PdfReaderHandle = cachedReader()): RegionSourceProvider {
  return {
    name: 'pdf-text',
    async propose(page) {
      const content = await reader.read(page);
      if (!content) return [];
      const lines: TextLine[] = [];
      for (const l of linesFromChars(content.chars)) {
        const box = boxFromEdges(l.edges, page);
        if (box) lines.push({ text: l.text, box });
      }
      return textBlocks(lines, page, 'pdf-text');
    },
    close: () => reader.close(),
  };
}

/** The page's placed pictures as figure regions (a full-page picture is a scan, not a figure). */
export function pdfImageSource(reader: PdfReaderHandle = cachedReader()): RegionSourceProvider {
  return {
    name: 'pdf-image',
    async propose(page) {
      const content = await reader.read(page);
      if (!content) return [];
      const pageArea = page.width * page.height;
      const out: ProposedRegion[] = [];
      for (const e of content.images) {
        const box = boxFromEdges(e, page);
        if (!box) continue;
        const share = area(box) / pageArea;
        if (share > SCAN_SHARE || share < MIN_FIGURE_SHARE) continue;
        out.push({ type: 'figure', box, source: 'pdf-image' });
      }
      return out;
    },
    close: () => reader.close(),
  };
}
