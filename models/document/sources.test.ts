// Regions and reading order on generated pages of known structure: the text layer of a born-digital page (exact
// text, CER 0), the built-in OCR on a scanned page, and the order rules on hand-made layouts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcrEngine } from '../ocr/engine';
import { defaultOcrModelDir } from '../ocr/model-dir';
import { textErrors } from '../eval/text';
import { iou } from './geometry';
import { readingOrder } from './order';
import { mergeProposals, proposeRegions } from './sources/combine';
import { ocrSource } from './sources/ocr-blocks';
import { createPdfReader, pdfImageSource, pdfTextSource } from './sources/pdf-text';
import { joinLines } from './sources/text-blocks';
import type { PageContext, ProposedRegion } from './sources/types';
import { generateDocument, type GeneratedDocument, type TruthRegion } from './testing/generate';
import { openDocument, defaultLoader } from '../documents';

let dir: string;
let gen: GeneratedDocument;
let path: string;
const reader = createPdfReader();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paliscope-document-'));
  gen = await generateDocument();
  path = join(dir, 'generated.pdf');
  writeFileSync(path, gen.pdf);
});
afterAll(async () => {
  await reader.close();
  await defaultLoader().dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function pageContext(index: number): Promise<PageContext> {
  const doc = await openDocument({ path });
  const p = doc.pages[index]!;
  return { path, index, width: p.width, height: p.height, pixels: () => doc.renderPage(index) };
}

/** Each truth region's match among the proposals (the one overlapping it most, IoU ≥ 0.8). */
function match(truth: TruthRegion[], proposed: ProposedRegion[]): (ProposedRegion | undefined)[] {
  return truth.map((t) => {
    const best = [...proposed].sort((a, b) => iou(b.box, t.box) - iou(a.box, t.box))[0];
    return best && iou(best.box, t.box) >= 0.8 ? best : undefined;
  });
}

describe('the PDF text layer', () => {
  it('reads the born-digital two-column page exactly: every region, its type, its box and its text (CER 0)', async () => {
    const page = await pageContext(0);
    const regions = await proposeRegions(page, { pdfText: pdfTextSource(reader), pdfImage: pdfImageSource(reader) });
    const truth = gen.pages[0]!.regions;
    const found = match(truth, regions);
    expect(found.map((f) => f?.type)).toEqual(truth.map((t) => t.type));
    expect(regions).toHaveLength(truth.length);
    for (const [i, t] of truth.entries()) {
      if (t.text === undefined) continue;
      const text = joinLines(found[i]!.lines!);
      expect(text).toBe(t.text);
      expect(textErrors(t.text, text).cer).toBe(0);
    }
  });

  it('puts the page in its known reading order: title, left column, right column with the caption after its figure; header and footer out', async () => {
    const page = await pageContext(0);
    const regions = await proposeRegions(page, { pdfText: pdfTextSource(reader), pdfImage: pdfImageSource(reader) });
    const truth = gen.pages[0]!.regions;
    const { order, captionOf } = readingOrder(regions);
    const found = match(truth, regions);
    const orderOfTruth = found.map((f) => order[regions.indexOf(f!)]);
    // The truth lists the read regions in order, then the header and the footer.
    expect(orderOfTruth).toEqual([1, 2, 3, 4, 5, 6, 7, null, null]);
    const caption = regions.indexOf(found[5]!), figure = regions.indexOf(found[4]!);
    expect(captionOf[caption]).toBe(figure);
  });

  it('finds no text on the scanned page, and no figure in the picture that is the page itself', async () => {
    const page = await pageContext(2);
    expect(await pdfTextSource(reader).propose(page)).toEqual([]);
    expect(await pdfImageSource(reader).propose(page)).toEqual([]);
  });

  it('gives nothing for an image file (no text layer), checked by content, not by name', async () => {
    const fake = join(dir, 'not-a-pdf.pdf');
    writeFileSync(fake, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const ctx: PageContext = { path: fake, index: 0, width: 10, height: 10, pixels: () => Promise.reject(new Error('unused')) };
    expect(await createPdfReader().read(ctx)).toBeNull();
  });
});

describe('the built-in OCR as a region source', () => {
  it('reads the scanned page into its title and paragraphs, in order, only because the page has no text layer', async () => {
    const engine = await createOcrEngine({ threads: 2, modelDir: defaultOcrModelDir({ env: process.env }) });
    try {
      const page = await pageContext(2);
      let ocrCalls = 0;
      const ocr = ocrSource(engine, () => ocrCalls++);
      const regions = await proposeRegions(page, { pdfText: pdfTextSource(reader), ocr });
      expect(ocrCalls).toBe(1);
      const truth = gen.pages[2]!.regions;
      const { order } = readingOrder(regions);
      const inOrder = regions.map((r, i) => ({ r, o: order[i]! })).sort((a, b) => a.o - b.o).map((x) => x.r);
      expect(inOrder.map((r) => r.type)).toEqual(truth.map((t) => t.type));
      for (const [i, t] of truth.entries()) expect(textErrors(t.text!, joinLines(inOrder[i]!.lines!)).cer).toBeLessThan(0.03);
      // A born-digital page never reaches the OCR.
      await proposeRegions(await pageContext(0), { pdfText: pdfTextSource(reader), ocr });
      expect(ocrCalls).toBe(1);
    } finally {
      await engine.dispose();
    }
  }, 60_000);
});

describe('merging sources', () => {
  const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
  it('drops text blocks inside a table the person drew, and gives a drawn text region the text under it', () => {
    const text = [
      { type: 'text' as const, box: box(10, 10, 100, 20), source: 'pdf-text' as const, lines: [{ text: 'cell', box: box(10, 10, 100, 20) }] },
      { type: 'text' as const, box: box(10, 100, 100, 20), source: 'pdf-text' as const, lines: [{ text: 'para', box: box(10, 100, 100, 20) }] },
    ];
    const user = [
      { type: 'table' as const, box: box(0, 0, 200, 50), source: 'user' as const },
      { type: 'title' as const, box: box(5, 95, 120, 30), source: 'user' as const },
    ];
    const merged = mergeProposals({ user, detect: [], images: [], text });
    expect(merged.map((r) => r.type)).toEqual(['table', 'title']);
    expect(merged[1]!.lines?.map((l) => l.text)).toEqual(['para']);
  });
});

describe('reading order rules', () => {
  const r = (type: TruthRegion['type'], x: number, y: number, width: number, height: number) => ({ type, box: { x, y, width, height } });
  it('reads a full-width title, then each column top to bottom, then a full-width closing paragraph', () => {
    const regions = [r('text', 520, 100, 400, 200), r('title', 100, 20, 800, 40), r('text', 100, 100, 400, 200), r('text', 100, 320, 400, 100), r('text', 520, 320, 400, 100), r('text', 100, 500, 820, 80)];
    expect(readingOrder(regions).order).toEqual([4, 1, 2, 3, 5, 6]);
  });

  it('attaches a caption above a table to it and reads it first; a far caption stays on its own', () => {
    const regions = [r('table', 100, 200, 400, 200), r('caption', 100, 170, 300, 20), r('caption', 600, 900, 300, 20), r('text', 100, 600, 400, 100)];
    const { order, captionOf } = readingOrder(regions);
    expect(captionOf).toEqual([null, 0, null, null]);
    expect(order).toEqual([2, 1, 4, 3]);
  });

  it('leaves headers and footers out of the order', () => {
    const { order } = readingOrder([r('header', 0, 0, 100, 10), r('text', 0, 50, 100, 10), r('footer', 0, 990, 100, 10)]);
    expect(order).toEqual([null, 1, null]);
  });
});
