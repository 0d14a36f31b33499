// What every export walks: a document's content blocks in reading order, page after page, with the picture each
// figure, molecule or score carries. Titles become headings, captions stay with their figure or table (they are
// ordered right beside it), regions without content are left out — except figures, whose picture is their content.
import { inReadingOrder } from '../assemble';
import type { DocumentFile, Region, RegionResult } from '../schema';
import { escapeHtml } from '../../paligemma/tasks/table/inline-html';

export type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string; style: 'body' | 'caption' | 'formula' }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; table: Extract<RegionResult, { kind: 'table' }> }
  | { kind: 'figure'; image: string | null; description: string | null }
  | { kind: 'molecule'; smiles: string; valid: boolean; image: string | null }
  | { kind: 'music'; kern: string; valid: boolean; image: string | null };

const LIST_MARKER = /^\s*([•◦▪‣∙·*–—-]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)])\s+/i;

function blockOf(r: Region, titles: { seen: number }): Block | null {
  const res = r.result;
  if (r.type === 'figure') {
    if (!r.image && !res) return null;
    return { kind: 'figure', image: r.image, description: res?.kind === 'figure' ? res.description : null };
  }
  if (!res) return null;
  switch (res.kind) {
    case 'text': {
      const text = res.text.trim();
      if (!text) return null;
      if (r.type === 'title') return { kind: 'heading', level: titles.seen++ === 0 ? 1 : 2, text: text.replace(/\s+/g, ' ') };
      if (r.type === 'list') return { kind: 'list', items: text.split('\n').map((l) => l.replace(LIST_MARKER, '').trim()).filter(Boolean) };
      return { kind: 'paragraph', text: text.replace(/\s+/g, ' '), style: r.type === 'caption' ? 'caption' : r.type === 'formula' ? 'formula' : 'body' };
    }
    case 'table':
      return res.rows && res.cols ? { kind: 'table', table: res } : null;
    case 'molecule':
      return { kind: 'molecule', smiles: res.smiles, valid: res.valid, image: r.image };
    case 'music':
      return { kind: 'music', kern: res.kern, valid: res.valid, image: r.image };
    case 'figure':
      return { kind: 'figure', image: r.image, description: res.description };
  }
}

/** The document's blocks in reading order. */
export function documentBlocks(doc: DocumentFile, hasImage: (name: string) => boolean): Block[] {
  const titles = { seen: 0 };
  const out: Block[] = [];
  for (const page of doc.pages) {
    for (const r of inReadingOrder(page)) {
      const b = blockOf({ ...r, image: r.image && hasImage(r.image) ? r.image : null }, titles);
      if (b) out.push(b);
    }
  }
  return out;
}

/** A table as rows × cols of slots: each cell at its top-left slot, the slots its spans cover marked as covered. */
export function tableSlots(t: Extract<RegionResult, { kind: 'table' }>): ({ cell: (typeof t.cells)[number] } | 'covered' | null)[][] {
  const grid: ({ cell: (typeof t.cells)[number] } | 'covered' | null)[][] = Array.from({ length: t.rows }, () => Array.from({ length: t.cols }, () => null));
  for (const c of t.cells) {
    if (c.row + c.rowspan > t.rows || c.col + c.colspan > t.cols) continue;
    for (let r = c.row; r < c.row + c.rowspan; r++) for (let k = c.col; k < c.col + c.colspan; k++) grid[r]![k] = 'covered';
    grid[c.row]![c.col] = { cell: c };
  }
  return grid;
}

/** Rows that are all header cells at the top of the table. */
export function headerRows(t: Extract<RegionResult, { kind: 'table' }>): number {
  let h = 0;
  while (h < t.rows && t.cells.some((c) => c.row === h) && t.cells.filter((c) => c.row === h).every((c) => c.header)) h++;
  return h;
}

/** A table as HTML rows (`th` for header cells and the header rows on top), spans kept: the HTML export's table and the
 * Markdown export's table when it has spans a pipe table cannot hold. */
export function tableHtmlRows(t: Extract<RegionResult, { kind: 'table' }>): string[] {
  const head = headerRows(t);
  return tableSlots(t).map((cols, r) => {
    const cells = cols.flatMap((s) => {
      if (!s || s === 'covered') return [];
      const c = s.cell;
      const tag = c.header || r < head ? 'th' : 'td';
      return [`<${tag}${c.rowspan > 1 ? ` rowspan="${c.rowspan}"` : ''}${c.colspan > 1 ? ` colspan="${c.colspan}"` : ''}>${escapeHtml(c.text)}</${tag}>`];
    });
    return `<tr>${cells.join('')}</tr>`;
  });
}
