// hOCR export (XHTML): ocr_page > ocr_carea > ocr_par > ocr_line > ocrx_word, with bbox and x_wconf.
import type { OcrPage } from '../types';
import { blocksOf, escapeXml, intBox } from './xml';

export interface HocrOptions {
  /** Image file names per page, written into the page title. */
  imageNames?: readonly string[];
  title?: string;
}

export function toHocr(pages: readonly OcrPage[], opts: HocrOptions = {}): string {
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">');
  out.push('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">');
  out.push('<head>');
  out.push(`<title>${escapeXml(opts.title ?? 'Paliscope OCR')}</title>`);
  out.push('<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />');
  out.push('<meta name="ocr-system" content="Paliscope (PP-OCRv4)" />');
  out.push('<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf" />');
  out.push('</head>');
  out.push('<body>');
  pages.forEach((page, pi) => {
    const n = pi + 1;
    const image = opts.imageNames?.[pi];
    const imageTitle = image ? `image "${image.replace(/"/g, '')}"; ` : '';
    out.push(`<div class="ocr_page" id="page_${n}" title="${escapeXml(`${imageTitle}bbox 0 0 ${page.width} ${page.height}; ppageno ${pi}`)}">`);
    blocksOf(page.lines).forEach((lines, bi) => {
      const b = intBox(lines.flatMap((l) => l.box), page.width, page.height);
      const bb = `bbox ${b.x0} ${b.y0} ${b.x1} ${b.y1}`;
      out.push(`<div class="ocr_carea" id="block_${n}_${bi + 1}" title="${bb}">`);
      out.push(`<p class="ocr_par" id="par_${n}_${bi + 1}" title="${bb}">`);
      lines.forEach((line, li) => {
        const lb = intBox(line.box, page.width, page.height);
        out.push(`<span class="ocr_line" id="line_${n}_${bi + 1}_${li + 1}" title="bbox ${lb.x0} ${lb.y0} ${lb.x1} ${lb.y1}">`);
        line.words.forEach((w, wi) => {
          const wb = intBox(w.box, page.width, page.height);
          const conf = Math.round(w.confidence * 100);
          out.push(`<span class="ocrx_word" id="word_${n}_${bi + 1}_${li + 1}_${wi + 1}" title="bbox ${wb.x0} ${wb.y0} ${wb.x1} ${wb.y1}; x_wconf ${conf}">${escapeXml(w.text)}</span>`);
        });
        out.push('</span>');
      });
      out.push('</p>');
      out.push('</div>');
    });
    out.push('</div>');
  });
  out.push('</body>');
  out.push('</html>');
  return out.join('\n') + '\n';
}
