// Line breaking for the PDFs the tests generate: words fill a line until the next one would pass the width.
import type { PDFFont } from 'pdf-lib';

/** `text` broken into lines no wider than `width` points in `font` at `size` (a longer single word keeps its own line). */
export function wrapToWidth(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}
