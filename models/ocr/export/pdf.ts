// Searchable PDF: each page image with an invisible text layer (rendering mode 3) where every word
// is placed on its box and horizontally scaled to its width, so selecting text highlights the
// words seen in the image and copy / pdftotext yield the recognised text.
import {
  PDFDocument,
  StandardFonts,
  TextRenderingMode,
  beginText,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  type PDFFont,
  type PDFName,
  type PDFOperator,
} from 'pdf-lib';
import sharp from 'sharp';
import type { OcrPage, RawImage } from '../types';

export interface PdfPageInput {
  page: OcrPage;
  image: RawImage;
}

export interface PdfOptions {
  /** Resolution the page images were scanned/rendered at: sets the PDF page size. */
  dpi?: number;
  /** 'jpeg' keeps files small (default); 'png' is lossless. */
  imageFormat?: 'jpeg' | 'png';
  jpegQuality?: number;
  title?: string;
}

/** Helvetica's ascent and descent (per em), used to put the baseline inside the word box. */
const DESCENT = 0.207;
const ASCENT = 0.718;

/**
 * The standard Helvetica font (WinAnsi) cannot encode every character; those are replaced by '?'
 * so the text layer keeps one glyph per recognised character. Embedding a Unicode TrueType font
 * would need @pdf-lib/fontkit and a bundled font file.
 */
function encodable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return Array.from(text)
    .map((ch) => (supported.has(ch.codePointAt(0)!) ? ch : '?'))
    .join('');
}

function wordOperators(font: PDFFont, fontName: PDFName, page: OcrPage, scale: number): PDFOperator[] {
  const ops: PDFOperator[] = [];
  const H = page.height;
  const toPdf = ([x, y]: [number, number]): [number, number] => [x * scale, (H - y) * scale];
  for (const line of page.lines) {
    line.words.forEach((word, wi) => {
      const [tl, , br, bl] = word.box.map(toPdf) as [[number, number], [number, number], [number, number], [number, number]];
      const dx = br[0] - bl[0], dy = br[1] - bl[1];
      const len = Math.hypot(dx, dy);
      const height = Math.hypot(tl[0] - bl[0], tl[1] - bl[1]);
      const text = encodable(font, word.text);
      if (len < 0.5 || height < 0.5 || !text) return;
      const size = height / (ASCENT + DESCENT);
      const natural = font.widthOfTextAtSize(text, size);
      if (natural <= 0) return;
      const hs = len / natural;
      const cos = dx / len, sin = dy / len;
      // Baseline sits DESCENT × size above the box bottom, along the box's normal.
      const ox = bl[0] - sin * DESCENT * size;
      const oy = bl[1] + cos * DESCENT * size;
      // A trailing space (except after the line's last word) lets text extraction see word breaks.
      const shown = wi < line.words.length - 1 ? `${text} ` : text;
      ops.push(setFontAndSize(fontName, size), setTextMatrix(hs * cos, hs * sin, -sin, cos, ox, oy), showText(font.encodeText(shown)));
    });
  }
  return ops;
}

export interface SearchablePdfBuilder {
  /** Adds one page; the image is encoded right away so callers can drop the raw pixels. */
  addPage(page: OcrPage, image: RawImage): Promise<void>;
  save(): Promise<Uint8Array>;
}

export async function createSearchablePdf(opts: PdfOptions = {}): Promise<SearchablePdfBuilder> {
  const dpi = opts.dpi ?? 150;
  const scale = 72 / dpi;
  const doc = await PDFDocument.create();
  doc.setProducer('Paliscope');
  doc.setCreator('Paliscope OCR (PP-OCRv4)');
  if (opts.title) doc.setTitle(opts.title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  return {
    async addPage(page, image) {
      if (image.width !== page.width || image.height !== page.height) {
        throw new Error(`PDF export: image ${image.width}×${image.height} does not match OCR page ${page.width}×${page.height}`);
      }
      const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
      const embedded =
        opts.imageFormat === 'png'
          ? await doc.embedPng(await raw.png().toBuffer())
          : await doc.embedJpg(await raw.jpeg({ quality: opts.jpegQuality ?? 85 }).toBuffer());
      const w = page.width * scale, h = page.height * scale;
      const pdfPage = doc.addPage([w, h]);
      pdfPage.drawImage(embedded, { x: 0, y: 0, width: w, height: h });
      const fontName = pdfPage.node.newFontDictionary('OcrText', font.ref);
      const words = wordOperators(font, fontName, page, scale);
      if (words.length) {
        pdfPage.pushOperators(pushGraphicsState(), beginText(), setTextRenderingMode(TextRenderingMode.Invisible), ...words, endText(), popGraphicsState());
      }
    },
    save: () => doc.save(),
  };
}

export async function toSearchablePdf(inputs: readonly PdfPageInput[], opts: PdfOptions = {}): Promise<Uint8Array> {
  const builder = await createSearchablePdf(opts);
  for (const { page, image } of inputs) await builder.addPage(page, image);
  return builder.save();
}
