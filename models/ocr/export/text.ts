// Plain-text export: lines in reading order, a blank line between blocks, a form feed between pages.
import type { OcrPage } from '../types';

export function pageToText(page: OcrPage): string {
  const out: string[] = [];
  let block = -1;
  for (const line of page.lines) {
    if (block >= 0 && line.block !== block) out.push('');
    out.push(line.text);
    block = line.block;
  }
  return out.join('\n');
}

/** Pages are separated by a form feed, as pdftotext does. */
export function toText(pages: readonly OcrPage[]): string {
  return pages.map(pageToText).join('\n\f') + '\n';
}
