// DOCX export with the `docx` package: headings, paragraphs, bulleted lists, real Word tables (spans as merged cells),
// pictures, SMILES and **kern as monospaced text beside their picture.
import { AlignmentType, Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import sharp from 'sharp';
import type { DocumentFile, RegionResult } from '../schema';
import { documentBlocks, headerRows, tableSlots, type Block } from './blocks';

/** Widest picture on the page, in pixels at 96 DPI (6.5 in: a Letter or A4 page's text width). */
const MAX_IMAGE_PX = 624;

function tableDocx(t: Extract<RegionResult, { kind: 'table' }>): Table {
  const head = headerRows(t);
  const rows = tableSlots(t).map((cols, r) => new TableRow({
    tableHeader: r < head,
    children: cols.flatMap((s) => {
      // Cells covered by a row span are added by the writer as merged continuations; column spans cover theirs.
      if (!s || s === 'covered') return s === null ? [new TableCell({ children: [new Paragraph('')] })] : [];
      const c = s.cell;
      return [new TableCell({
        columnSpan: c.colspan, rowSpan: c.rowspan,
        children: [new Paragraph({ children: [new TextRun({ text: c.text, bold: c.header || r < head })] })],
      })];
    }),
  }));
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
}

async function picture(name: string | null, images: ReadonlyMap<string, Uint8Array>): Promise<Paragraph | null> {
  const bytes = name ? images.get(name) : undefined;
  if (!bytes) return null;
  const meta = await sharp(bytes).metadata();
  const w = meta.width ?? 1, h = meta.height ?? 1;
  const scale = Math.min(1, MAX_IMAGE_PX / w);
  return new Paragraph({ alignment: AlignmentType.CENTER, children: [new ImageRun({ type: 'png', data: bytes, transformation: { width: Math.round(w * scale), height: Math.round(h * scale) } })] });
}

const mono = (text: string): Paragraph[] => text.split('\n').map((line) => new Paragraph({ children: [new TextRun({ text: line, font: 'Courier New' })] }));

async function blockDocx(b: Block, images: ReadonlyMap<string, Uint8Array>): Promise<(Paragraph | Table)[]> {
  switch (b.kind) {
    case 'heading': return [new Paragraph({ text: b.text, heading: b.level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2 })];
    case 'paragraph': return [new Paragraph({ children: [new TextRun({ text: b.text, italics: b.style === 'caption' })] })];
    case 'list': return b.items.map((i) => new Paragraph({ text: i, bullet: { level: 0 } }));
    case 'table': return [tableDocx(b.table), new Paragraph('')];
    case 'figure': {
      const p = await picture(b.image, images);
      return [...(p ? [p] : []), ...(b.description ? [new Paragraph({ children: [new TextRun({ text: b.description, italics: true })] })] : [])];
    }
    case 'molecule': {
      const p = await picture(b.image, images);
      return [...(p ? [p] : []), new Paragraph({ children: [new TextRun('SMILES: '), new TextRun({ text: b.smiles, font: 'Courier New' })] })];
    }
    case 'music': {
      const p = await picture(b.image, images);
      return [...(p ? [p] : []), ...mono(b.kern)];
    }
  }
}

export async function toDocx(doc: DocumentFile, images: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [];
  for (const b of documentBlocks(doc, (n) => images.has(n))) children.push(...(await blockDocx(b, images)));
  const file = new Document({ title: doc.name, creator: 'Paliscope', sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(file));
}
