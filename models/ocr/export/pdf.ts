// Searchable PDF: each page image with an invisible text layer (rendering mode 3) where every word
// is placed on its box and horizontally scaled to its width, so selecting text highlights the
// words seen in the image and copy / pdftotext yield the recognised text.
import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
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
import { defaultPdfFonts } from './pdf-fonts';

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
  /**
   * TrueType/OpenType files for the text layer, tried in order for each character (default: the
   * bundled Noto Sans and Noto Sans SC, `defaultPdfFonts()`); `[]` uses Helvetica (Latin-1 only).
   */
  fonts?: readonly string[];
}


/**
 * The text layer's fonts. Each is embedded (as a subset) only when a character first needs it, so
 * an English document does not carry the CJK font. Characters no font has become '?', keeping one
 * glyph per recognised character.
 */
class TextFonts {
  readonly #doc: PDFDocument;
  readonly #files: readonly string[];
  readonly #loaded: ({ font: PDFFont; chars: Set<number> } | undefined)[] = [];
  #fallback: PDFFont | undefined;

  constructor(doc: PDFDocument, files: readonly string[]) {
    this.#doc = doc;
    this.#files = files;
  }

  async #font(i: number): Promise<{ font: PDFFont; chars: Set<number> }> {
    let entry = this.#loaded[i];
    if (!entry) {
      const file = this.#files[i]!;
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (err) {
        throw new Error(`PDF export: cannot read text-layer font ${file}: ${(err as Error).message}`);
      }
      let font: PDFFont;
      try {
        font = await this.#doc.embedFont(bytes, { subset: true });
      } catch (err) {
        throw new Error(`PDF export: ${file} is not a usable TrueType/OpenType font: ${(err as Error).message}`);
      }
      entry = { font, chars: new Set(font.getCharacterSet()) };
      this.#loaded[i] = entry;
    }
    return entry;
  }

  /** Splits text into runs, each with the first font that has all of its characters. */
  async runs(text: string): Promise<{ font: PDFFont; text: string }[]> {
    const out: { font: PDFFont; text: string }[] = [];
    for (const ch of Array.from(text)) {
      const cp = ch.codePointAt(0)!;
      let font: PDFFont | undefined;
      let shown = ch;
      for (let i = 0; i < this.#files.length && !font; i++) {
        const f = await this.#font(i);
        if (f.chars.has(cp)) font = f.font;
      }
      if (!font) {
        // No font file has it (or none is configured): Helvetica or the first font, as '?' when
        // that cannot show it either.
        font = this.#files.length ? (await this.#font(0)).font : await this.#helvetica();
        if (this.#files.length || !new Set(font.getCharacterSet()).has(cp)) shown = '?';
      }
      const last = out[out.length - 1];
      if (last && last.font === font) last.text += shown;
      else out.push({ font, text: shown });
    }
    return out;
  }

  async #helvetica(): Promise<PDFFont> {
    this.#fallback ??= await this.#doc.embedFont(StandardFonts.Helvetica);
    return this.#fallback;
  }
}

async function wordOperators(fonts: TextFonts, fontName: (font: PDFFont) => PDFName, page: OcrPage, scale: number): Promise<PDFOperator[]> {
  const ops: PDFOperator[] = [];
  const H = page.height;
  const toPdf = ([x, y]: [number, number]): [number, number] => [x * scale, (H - y) * scale];
  for (const line of page.lines) {
    for (const [wi, word] of line.words.entries()) {
      const [tl, , br, bl] = word.box.map(toPdf) as [[number, number], [number, number], [number, number], [number, number]];
      const dx = br[0] - bl[0], dy = br[1] - bl[1];
      const len = Math.hypot(dx, dy);
      const height = Math.hypot(tl[0] - bl[0], tl[1] - bl[1]);
      if (len < 0.5 || height < 0.5 || !word.text) continue;
      // A trailing space (except after the line's last word) lets text extraction see word breaks.
      const runs = await fonts.runs(wi < line.words.length - 1 ? `${word.text} ` : word.text);
      // The word's first font sets the size (its ascent + descent fill the box height, as text
      // extraction computes word boxes) and the baseline (its descent above the box bottom).
      const lead = runs[0]!.font;
      const size = height / Math.max(lead.heightAtSize(1), 1e-6);
      const descent = lead.heightAtSize(size) - lead.heightAtSize(size, { descender: false });
      // The word (without its trailing space) is scaled horizontally to fill its box.
      const width = (r: { font: PDFFont; text: string }, k: number) => r.font.widthOfTextAtSize(k === runs.length - 1 && wi < line.words.length - 1 ? r.text.slice(0, -1) : r.text, size);
      const natural = runs.reduce((sum, r, k) => sum + width(r, k), 0);
      if (natural <= 0) continue;
      const hs = len / natural;
      const cos = dx / len, sin = dy / len;
      // The baseline sits `descent` above the box bottom, along the box's normal.
      let ox = bl[0] - sin * descent;
      let oy = bl[1] + cos * descent;
      runs.forEach((r) => {
        ops.push(setFontAndSize(fontName(r.font), size), setTextMatrix(hs * cos, hs * sin, -sin, cos, ox, oy), showText(r.font.encodeText(r.text)));
        const advance = r.font.widthOfTextAtSize(r.text, size) * hs;
        ox += advance * cos;
        oy += advance * sin;
      });
    }
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
  doc.registerFontkit(fontkit);
  const fonts = new TextFonts(doc, opts.fonts ?? defaultPdfFonts());
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
      // One resource name per font used on this page.
      const names = new Map<PDFFont, PDFName>();
      const fontName = (font: PDFFont) => {
        let name = names.get(font);
        if (!name) names.set(font, (name = pdfPage.node.newFontDictionary(`OcrText${names.size}`, font.ref)));
        return name;
      };
      const words = await wordOperators(fonts, fontName, page, scale);
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
