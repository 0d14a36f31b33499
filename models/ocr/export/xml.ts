// Shared helpers for the XML exports.
import { bbox } from '../geometry';
import type { Point } from '../types';

/** Characters XML 1.0 allows at all (control characters other than tab, LF and CR are not). */
function isXmlChar(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp !== 0xfffe && cp !== 0xffff);
}

export function escapeXml(s: string): string {
  return Array.from(s)
    .filter(isXmlChar)
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Integer axis-aligned bounds of points, clamped to the page. */
export function intBox(points: readonly Point[], width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  const b = bbox(points);
  const cl = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return {
    x0: Math.floor(cl(b.x0, width)),
    y0: Math.floor(cl(b.y0, height)),
    x1: Math.ceil(cl(b.x1, width)),
    y1: Math.ceil(cl(b.y1, height)),
  };
}

/** Lines of a page grouped by block number, in reading order. */
export function blocksOf<T extends { block: number }>(lines: readonly T[]): T[][] {
  const blocks: T[][] = [];
  let cur = -1;
  for (const l of lines) {
    if (l.block !== cur || !blocks.length) {
      blocks.push([]);
      cur = l.block;
    }
    blocks[blocks.length - 1]!.push(l);
  }
  return blocks;
}
