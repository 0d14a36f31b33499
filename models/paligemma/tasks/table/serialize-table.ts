// A reviewed table → the HTML the table-structure checkpoints are trained to write (PubTabNet / FinTabNet style):
// `<table>`, leading header rows in `<thead>` and the rest in `<tbody>`, `<tr>` rows of `<td>` cells, `rowspan` /
// `colspan` only where above 1, each cell's inline markup (b, i, sup, sub, u, br — what parse-table.ts keeps) and
// nothing else: no attributes besides the spans, no whitespace between tags. The inverse of parseTable: reading the
// result back gives the same grid, spans, header flags and cell texts (serialize-table.test.ts).
import { SerializeError } from '../serialize';
import type { TableResult } from './parse-table';

/** The number of leading rows that can go in a <thead>: all their cells are headers and no rowspan leaves them. */
function headRows(t: TableResult): number {
  let k = 0;
  while (k < t.rows) {
    const starting = t.cells.filter((c) => c.row === k);
    if (!starting.length || !starting.every((c) => c.header)) break;
    k++;
  }
  // A rowspan from the head into the body would be cut at the end of the <thead> row group: keep no <thead> then.
  return t.cells.some((c) => c.row < k && c.row + c.rowspan > k) ? 0 : k;
}

export function serializeTable(t: TableResult): string {
  if (t.rows < 1 || t.cols < 1 || !t.cells.length) throw new SerializeError('the table has no cells');
  const head = headRows(t);
  const byRow: TableResult['cells'][] = Array.from({ length: t.rows }, () => []);
  for (const c of t.cells) {
    if (!(c.row >= 0 && c.row < t.rows && c.col >= 0 && c.col < t.cols)) throw new SerializeError(`a cell lies outside the ${t.rows}×${t.cols} grid (row ${c.row + 1}, column ${c.col + 1})`);
    byRow[c.row]!.push(c);
  }
  const row = (cells: TableResult['cells'], inHead: boolean) => {
    const tds = [...cells].sort((a, b) => a.col - b.col).map((c) => {
      // Inside <thead> a <td> is a header already; elsewhere a header cell needs <th>.
      const tag = c.header && !inHead ? 'th' : 'td';
      const spans = (c.rowspan > 1 ? ` rowspan="${c.rowspan}"` : '') + (c.colspan > 1 ? ` colspan="${c.colspan}"` : '');
      return `<${tag}${spans}>${c.html}</${tag}>`;
    });
    return `<tr>${tds.join('')}</tr>`;
  };
  const headHtml = head ? `<thead>${byRow.slice(0, head).map((r) => row(r, true)).join('')}</thead>` : '';
  const body = byRow.slice(head).map((r) => row(r, false)).join('');
  return `<table>${headHtml}${body ? `<tbody>${body}</tbody>` : ''}</table>`;
}
