// Lines of text (from a PDF text layer or the built-in OCR) → text blocks in reading order, each with its type. The
// grouping is the OCR's own layout (models/ocr/layout.ts: recursive XY-cut into columns, then paragraphs), so a born-
// digital page and a scanned one are cut into blocks the same way.
import { readingOrder } from '../../ocr/layout';
import type { Quad } from '../../ocr/types';
import { boxFromEdges, edgesOf, unionEdges } from '../geometry';
import type { RegionSource, RegionType } from '../schema';
import type { ProposedRegion, TextLine } from './types';

/** Blocks wholly inside this share of the page's height, at its top or bottom, are running headers or footers. */
const MARGIN_SHARE = 0.07;
/** A block whose lines are this much taller than the page's usual line is a title. */
const TITLE_RATIO = 1.2;
const CAPTION = /^(fig(ure)?|table|tab|chart|plate|scheme)\.?\s*[0-9IVXivx]+[a-z]?\s*[.:—–-]/i;
const LIST_ITEM = /^(\s*([•◦▪‣∙·*–—-]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)]))\s+/i;

function quadOf(l: TextLine): Quad {
  const [x0, y0, x1, y1] = edgesOf(l.box);
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** Joins a block's lines as a paragraph: one space between lines, a word split by a hyphen at a line end kept split. */
export function joinLines(lines: readonly { text: string }[]): string {
  return lines.map((l) => l.text.trim()).filter(Boolean).join(' ');
}

/** What a block of text is, from where it sits, how tall its lines are and how it begins. */
export function classifyBlock(lines: readonly TextLine[], page: { width: number; height: number }, bodyLineHeight: number): RegionType {
  const e = unionEdges(lines.map((l) => edgesOf(l.box)));
  if (e[3] <= page.height * MARGIN_SHARE) return 'header';
  if (e[1] >= page.height * (1 - MARGIN_SHARE)) return 'footer';
  const text = joinLines(lines);
  if (CAPTION.test(text)) return 'caption';
  const height = median(lines.map((l) => l.box.height));
  if (lines.length <= 3 && bodyLineHeight > 0 && height >= TITLE_RATIO * bodyLineHeight) return 'title';
  if (LIST_ITEM.test(lines[0]!.text)) return 'list';
  return 'text';
}

/** Text blocks of a page from its lines, in the layout's reading order. */
export function textBlocks(lines: readonly TextLine[], page: { width: number; height: number }, source: RegionSource): ProposedRegion[] {
  const kept = lines.filter((l) => l.text.trim());
  if (!kept.length) return [];
  const { order, blocks } = readingOrder(kept.map((l) => ({ box: quadOf(l) })));
  const grouped = new Map<number, TextLine[]>();
  order.forEach((lineIndex, i) => {
    const b = blocks[i]!;
    grouped.set(b, [...(grouped.get(b) ?? []), kept[lineIndex]!]);
  });
  const body = median(kept.map((l) => l.box.height));
  const out: ProposedRegion[] = [];
  for (const blockLines of grouped.values()) {
    const box = boxFromEdges(unionEdges(blockLines.map((l) => edgesOf(l.box))), page);
    if (!box) continue;
    out.push({ type: classifyBlock(blockLines, page, body), box, source, lines: blockLines });
  }
  return out;
}
