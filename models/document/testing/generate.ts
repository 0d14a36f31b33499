// Generated documents of known structure for the document tests and the benchmark: a born-digital two-column page
// (header, title, four paragraphs, a figure with its caption, footer) with a real text layer; a page holding a table
// with a spanning header; and the same kind of page as a scan (rendered to pixels by PDFium, placed as one image, no
// text layer). Each page comes with its truth: the regions in reading order with their exact text and boxes in pixels
// at the loader's 150 DPI.
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { PdfEngine } from '../../documents/pdf-engine';
import type { Box, RegionType } from '../schema';
import { wrapToWidth } from '../../testing/pdf-wrap';

const PT_TO_PX = 150 / 72;
const W = 612, H = 792, MARGIN = 54, GUTTER = 22;
const COL_W = (W - 2 * MARGIN - GUTTER) / 2;
const BODY = 10, LEADING = 13, PARA_GAP = 12;

export interface TruthRegion {
  type: RegionType;
  /** Exact text (lines joined by one space); absent for a figure or a table. */
  text?: string;
  box: Box;
}

export interface TruthPage {
  /** Regions in reading order; headers and footers last (they are not read). */
  regions: TruthRegion[];
  /** true: the page is a picture with no text layer. */
  scanned: boolean;
}

const PARAGRAPHS = [
  'Alpha opens the left column with a sentence about archives and the patient work of reading old registers by hand.',
  'Bravo continues the left column below it, describing ledgers, parish books and the ink that fades from brown to gold.',
  'Charlie starts the right column and talks about tables of births whose columns no longer line up with the printed rules.',
  'Delta closes the right column under the figure, noting that a caption belongs to its picture and is read right after it.',
];
const SCAN_PARAGRAPHS = [
  'Echo is printed on a page that was scanned, so no text layer exists and the words must be read from the pixels.',
  'Foxtrot follows on the same scanned page in a single column of plain text set in a large and clear typeface.',
];

/** Draws lines top-down from `top` (points from the page top); returns the text's box in pixels and where it ended. */
function drawLines(page: PDFPage, lines: string[], font: PDFFont, size: number, leading: number, x: number, top: number): { box: Box; bottom: number } {
  let y = top;
  let right = x;
  for (const line of lines) {
    page.drawText(line, { x, y: H - y - size * 0.78, size, font, color: rgb(0.05, 0.05, 0.05) });
    right = Math.max(right, x + font.widthOfTextAtSize(line, size));
    y += leading;
  }
  const bottom = top + (lines.length - 1) * leading + size;
  return { box: pxBox(x, top, right, bottom), bottom };
}

function pxBox(x0: number, y0: number, x1: number, y1: number): Box {
  const l = Math.floor(x0 * PT_TO_PX), t = Math.floor(y0 * PT_TO_PX);
  return { x: l, y: t, width: Math.ceil(x1 * PT_TO_PX) - l, height: Math.ceil(y1 * PT_TO_PX) - t };
}

async function chartPng(): Promise<Uint8Array> {
  const bars = [40, 90, 65, 120, 80].map((h, i) => `<rect x="${20 + i * 44}" y="${140 - h}" width="30" height="${h}" fill="#3a6ea5"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="150"><rect width="240" height="150" fill="#f4f4f4"/>${bars}<line x1="10" y1="140" x2="232" y2="140" stroke="#222" stroke-width="2"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

/** The born-digital two-column page. */
async function twoColumnPage(doc: PDFDocument, pageNumber: number, pageCount: number): Promise<TruthPage> {
  const page = doc.addPage([W, H]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const header = 'Paliscope Test Journal, volume 1';
  const footer = `Page ${pageNumber} of ${pageCount}`;
  const h = drawLines(page, [header], font, 8, 10, MARGIN, 24);
  const f = drawLines(page, [footer], font, 8, 10, W / 2 - font.widthOfTextAtSize(footer, 8) / 2, H - 30);
  const title = drawLines(page, ['Reading order in two columns'], bold, 20, 24, MARGIN, 70);
  const regions: TruthRegion[] = [{ type: 'title', text: 'Reading order in two columns', box: title.box }];
  const columnTop = title.bottom + 26;
  // Left column: two paragraphs.
  let y = columnTop;
  for (const p of PARAGRAPHS.slice(0, 2)) {
    const lines = wrapToWidth(p, font, BODY, COL_W);
    const r = drawLines(page, lines, font, BODY, LEADING, MARGIN, y);
    regions.push({ type: 'text', text: lines.join(' '), box: r.box });
    y = r.bottom + PARA_GAP + (LEADING - BODY);
  }
  // Right column: a paragraph, the figure and its caption, a paragraph.
  const x = MARGIN + COL_W + GUTTER;
  y = columnTop;
  const p3 = wrapToWidth(PARAGRAPHS[2]!, font, BODY, COL_W);
  const r3 = drawLines(page, p3, font, BODY, LEADING, x, y);
  regions.push({ type: 'text', text: p3.join(' '), box: r3.box });
  y = r3.bottom + PARA_GAP + 4;
  const png = await doc.embedPng(await chartPng());
  const figW = 200, figH = 125;
  page.drawImage(png, { x, y: H - y - figH, width: figW, height: figH });
  regions.push({ type: 'figure', box: pxBox(x, y, x + figW, y + figH) });
  y += figH + 8;
  const caption = 'Figure 1: Bars of a generated chart.';
  const c = drawLines(page, [caption], font, 9, 11, x, y);
  regions.push({ type: 'caption', text: caption, box: c.box });
  y = c.bottom + PARA_GAP + 6;
  const p4 = wrapToWidth(PARAGRAPHS[3]!, font, BODY, COL_W);
  const r4 = drawLines(page, p4, font, BODY, LEADING, x, y);
  regions.push({ type: 'text', text: p4.join(' '), box: r4.box });
  regions.push({ type: 'header', text: header, box: h.box }, { type: 'footer', text: footer, box: f.box });
  return { regions, scanned: false };
}

/** A page with a table whose first header cell spans two columns, drawn as text in ruled cells. */
export const TABLE_CELLS = {
  /** Row-major cells as a table model would read them; the first header cell spans two columns. */
  html: '<table><thead><tr><th colspan="2">Parish</th><th>Year</th></tr></thead><tbody><tr><td>Aldgate</td><td>North</td><td>1841</td></tr><tr><td>Bow</td><td>East</td><td>1851</td></tr></tbody></table>',
  rows: [['Parish', '', 'Year'], ['Aldgate', 'North', '1841'], ['Bow', 'East', '1851']],
};

async function tablePage(doc: PDFDocument): Promise<{ truth: TruthPage; tableBox: Box }> {
  const page = doc.addPage([W, H]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const title = drawLines(page, ['Registers by parish'], bold, 16, 20, MARGIN, 70);
  const top = 130, colW = 120, rowH = 24;
  const rows = TABLE_CELLS.rows;
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < 3; c++) {
      const text = rows[r]![c]!;
      if (r === 0 && c === 1) continue;
      const spanW = r === 0 && c === 0 ? 2 * colW : colW;
      page.drawRectangle({ x: MARGIN + c * colW, y: H - top - (r + 1) * rowH, width: spanW, height: rowH, borderColor: rgb(0.2, 0.2, 0.2), borderWidth: 1 });
      page.drawText(text, { x: MARGIN + c * colW + 6, y: H - top - (r + 1) * rowH + 8, size: BODY, font: r === 0 ? bold : font });
    }
  }
  const tableBox = pxBox(MARGIN - 2, top - 2, MARGIN + 3 * colW + 2, top + rows.length * rowH + 2);
  const note = 'The table above lists two parishes and the year of their first census register.';
  const lines = wrapToWidth(note, font, BODY, W - 2 * MARGIN);
  const n = drawLines(page, lines, font, BODY, LEADING, MARGIN, top + rows.length * rowH + 30);
  return {
    truth: { scanned: false, regions: [{ type: 'title', text: 'Registers by parish', box: title.box }, { type: 'table', box: tableBox }, { type: 'text', text: lines.join(' '), box: n.box }] },
    tableBox,
  };
}

/** A single-column page of large text, drawn born-digital and then flattened to a picture (150 DPI). */
async function scannedPage(doc: PDFDocument): Promise<TruthPage> {
  const src = await PDFDocument.create();
  const page = src.addPage([W, H]);
  const font = await src.embedFont(StandardFonts.Helvetica);
  const bold = await src.embedFont(StandardFonts.HelveticaBold);
  const regions: TruthRegion[] = [];
  const title = drawLines(page, ['A scanned page'], bold, 22, 26, MARGIN, 80);
  regions.push({ type: 'title', text: 'A scanned page', box: title.box });
  let y = title.bottom + 30;
  for (const p of SCAN_PARAGRAPHS) {
    const lines = wrapToWidth(p, font, 14, W - 2 * MARGIN);
    const r = drawLines(page, lines, font, 14, 19, MARGIN, y);
    regions.push({ type: 'text', text: lines.join(' '), box: r.box });
    y = r.bottom + 24;
  }
  const bytes = await src.save();
  const pdf = await PdfEngine.create();
  const { docId } = pdf.open(bytes, undefined);
  const w = Math.round(W * PT_TO_PX), h = Math.round(H * PT_TO_PX);
  const rgbPixels = pdf.render(docId, 0, w, h);
  pdf.close(docId);
  const png = await doc.embedPng(new Uint8Array(await sharp(rgbPixels, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer()));
  doc.addPage([W, H]).drawImage(png, { x: 0, y: 0, width: W, height: H });
  return { regions, scanned: true };
}

export interface GeneratedDocument {
  pdf: Uint8Array;
  pages: TruthPage[];
  /** Where the table is on the table page (index 1), for a region drawn over it. */
  tableBox: Box;
}

/** Page 1: two columns (born-digital); page 2: a table with a spanning header cell; page 3: a scan. */
export async function generateDocument(): Promise<GeneratedDocument> {
  const doc = await PDFDocument.create();
  const first = await twoColumnPage(doc, 1, 3);
  const table = await tablePage(doc);
  const scan = await scannedPage(doc);
  return { pdf: await doc.save(), pages: [first, table.truth, scan], tableBox: table.tableBox };
}

/** A born-digital PDF of `count` two-column pages (the benchmark's text-layer input). */
export async function generateBornDigital(count: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < count; i++) await twoColumnPage(doc, i + 1, count);
  return doc.save();
}

/** A PDF of `count` scanned pages (the benchmark's OCR input). */
export async function generateScanned(count: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < count; i++) await scannedPage(doc);
  return doc.save();
}
