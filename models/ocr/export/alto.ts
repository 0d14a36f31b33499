// ALTO v4 export (http://www.loc.gov/standards/alto/ns-v4#), pixel units:
// Description, then Layout > Page > PrintSpace > TextBlock > TextLine > String / SP.
import type { OcrPage } from '../types';
import { blocksOf, escapeXml, intBox } from './xml';

export const ALTO_NS = 'http://www.loc.gov/standards/alto/ns-v4#';

export interface AltoOptions {
  /** Source image file name written in sourceImageInformation. */
  fileName?: string;
  /** ISO timestamp for processingDateTime; passed in so output can be reproducible. */
  processingDateTime?: string;
  softwareVersion?: string;
}

const pos = (b: { x0: number; y0: number; x1: number; y1: number }) => `HPOS="${b.x0}" VPOS="${b.y0}" WIDTH="${b.x1 - b.x0}" HEIGHT="${b.y1 - b.y0}"`;

export function toAlto(pages: readonly OcrPage[], opts: AltoOptions = {}): string {
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<alto xmlns="${ALTO_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-4.xsd">`);
  out.push('  <Description>');
  out.push('    <MeasurementUnit>pixel</MeasurementUnit>');
  if (opts.fileName) out.push(`    <sourceImageInformation><fileName>${escapeXml(opts.fileName)}</fileName></sourceImageInformation>`);
  out.push('    <OCRProcessing ID="OCR_0">');
  out.push('      <ocrProcessingStep>');
  if (opts.processingDateTime) out.push(`        <processingDateTime>${escapeXml(opts.processingDateTime)}</processingDateTime>`);
  out.push('        <processingSoftware>');
  out.push('          <softwareName>Paliscope (PP-OCRv4)</softwareName>');
  if (opts.softwareVersion) out.push(`          <softwareVersion>${escapeXml(opts.softwareVersion)}</softwareVersion>`);
  out.push('        </processingSoftware>');
  out.push('      </ocrProcessingStep>');
  out.push('    </OCRProcessing>');
  out.push('  </Description>');
  out.push('  <Layout>');
  pages.forEach((page, pi) => {
    const n = pi + 1;
    out.push(`    <Page ID="page_${n}" PHYSICAL_IMG_NR="${n}" WIDTH="${page.width}" HEIGHT="${page.height}">`);
    out.push(`      <PrintSpace HPOS="0" VPOS="0" WIDTH="${page.width}" HEIGHT="${page.height}">`);
    blocksOf(page.lines).forEach((lines, bi) => {
      const b = intBox(lines.flatMap((l) => l.box), page.width, page.height);
      out.push(`        <TextBlock ID="block_${n}_${bi + 1}" ${pos(b)}>`);
      lines.forEach((line, li) => {
        const lb = intBox(line.box, page.width, page.height);
        out.push(`          <TextLine ID="line_${n}_${bi + 1}_${li + 1}" ${pos(lb)}>`);
        line.words.forEach((w, wi) => {
          const wb = intBox(w.box, page.width, page.height);
          if (wi > 0) {
            // SP marks the white space between two Strings; its width is the gap between them.
            const prev = intBox(line.words[wi - 1]!.box, page.width, page.height);
            out.push(`            <SP HPOS="${prev.x1}" VPOS="${lb.y0}" WIDTH="${Math.max(0, wb.x0 - prev.x1)}"/>`);
          }
          const wc = Math.min(1, Math.max(0, Math.round(w.confidence * 1000) / 1000));
          out.push(`            <String ID="string_${n}_${bi + 1}_${li + 1}_${wi + 1}" CONTENT="${escapeXml(w.text)}" ${pos(wb)} WC="${wc}"/>`);
        });
        out.push('          </TextLine>');
      });
      out.push('        </TextBlock>');
    });
    out.push('      </PrintSpace>');
    out.push('    </Page>');
  });
  out.push('  </Layout>');
  out.push('</alto>');
  return out.join('\n') + '\n';
}
