// A parsed table → a file: a standalone HTML document, RFC 4180 CSV, or an XLSX workbook.
//
// The exports trust nothing about the TableResult they are given (it may have crossed IPC or come from a file): the
// grid is re-checked (cells outside rows × cols are skipped) and cell HTML is re-sanitised from the same inline
// allowlist the parser builds it from.
import ExcelJS from 'exceljs';
import { escapeHtml, inlineRuns, sanitizeInlineHtml } from './inline-html';
import type { TableCell, TableResult } from './parse-table';

export type TableExportFormat = 'html' | 'csv' | 'xlsx';
export const TABLE_EXPORT_FORMATS: readonly TableExportFormat[] = ['html', 'csv', 'xlsx'];

export interface TableExport {
  mime: string;
  /** Without the dot. */
  extension: string;
  bytes: Uint8Array;
}

/** Cells that fit the grid, row-major. */
function cellsInGrid(t: TableResult): TableCell[] {
  return t.cells
    .filter((c) => c.row >= 0 && c.col >= 0 && c.rowspan >= 1 && c.colspan >= 1 && c.row + c.rowspan <= t.rows && c.col + c.colspan <= t.cols)
    .sort((a, b) => a.row - b.row || a.col - b.col);
}

/**
 * How many leading rows form the header: rows whose cells are all header cells, cut back so that no rowspan crosses
 * from the head into the body (a rowspan cannot leave its row group, so it would otherwise be shortened).
 */
export function headerRowCount(t: TableResult): number {
  const cells = cellsInGrid(t);
  let h = 0;
  while (h < t.rows) {
    const row = cells.filter((c) => c.row === h);
    if (row.length === 0 || !row.every((c) => c.header)) break;
    h++;
  }
  while (h > 0 && cells.some((c) => c.row < h && c.row + c.rowspan > h)) h--;
  return h;
}

const HTML_STYLE = [
  'body{font-family:system-ui,sans-serif;margin:16px}',
  'table{border-collapse:collapse}',
  'th,td{border:1px solid #999;padding:3px 8px;vertical-align:top;text-align:left}',
  'th{background:#eef0f3;font-weight:600}',
].join('');

/** Our own serialisation: nothing of the model's markup survives but the allowlisted inline tags. */
export function tableToHtml(t: TableResult, title = 'Table'): string {
  const cells = cellsInGrid(t);
  const head = headerRowCount(t);
  const byRow = new Map<number, TableCell[]>();
  for (const c of cells) byRow.set(c.row, [...(byRow.get(c.row) ?? []), c]);
  const row = (r: number): string => {
    const tds = (byRow.get(r) ?? []).map((c) => {
      const tag = c.header ? 'th' : 'td';
      const spans = `${c.rowspan > 1 ? ` rowspan="${c.rowspan}"` : ''}${c.colspan > 1 ? ` colspan="${c.colspan}"` : ''}`;
      return `<${tag}${spans}>${sanitizeInlineHtml(c.html).html}</${tag}>`;
    });
    return `<tr>${tds.join('')}</tr>`;
  };
  const section = (tag: string, from: number, to: number): string[] =>
    to > from ? [`<${tag}>`, ...Array.from({ length: to - from }, (_, i) => row(from + i)), `</${tag}>`] : [];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    '<table>',
    ...section('thead', 0, head),
    ...section('tbody', head, t.rows),
    '</table>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** rows × cols of plain text: a spanned cell's text sits in its top-left slot, the other slots it covers are empty. */
export function tableToGrid(t: TableResult): string[][] {
  const grid = Array.from({ length: t.rows }, () => Array.from({ length: t.cols }, () => ''));
  for (const c of cellsInGrid(t)) {
    const line = grid[c.row];
    if (line) line[c.col] = c.text;
  }
  return grid;
}

/**
 * Spreadsheets run a field starting with = + - @ (or tab / CR) as a formula, and model output is hostile text, so
 * such a field gets a leading apostrophe (the OWASP "CSV injection" advice). Numbers such as "-12.5" or "+3 %", and
 * a lone dash, are left alone: they are common in tables and harmless.
 */
export function defuseFormula(s: string): string {
  if (!/^[=+\-@\t\r]/.test(s)) return s;
  if (/^[+-]?[\d\s.,]*%?$/.test(s)) return s;
  return `'${s}`;
}

function csvField(s: string): string {
  const v = defuseFormula(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * RFC 4180: CRLF between records (and after the last), fields quoted when they hold a quote, comma, CR or LF, quotes
 * doubled. CSV has no merged cells, so a spanned cell's value is written once, in its top-left slot, and the other
 * slots it covers are left empty. A UTF-8 byte-order mark leads the file so Excel reads "±" and "—" as UTF-8.
 */
export function tableToCsv(t: TableResult): string {
  return '\uFEFF' + tableToGrid(t).map((line) => line.map(csvField).join(',') + '\r\n').join('');
}

/**
 * exceljs's default cell font. A font set on a cell replaces the default entirely, so the name and size are repeated,
 * or LibreOffice falls back to the theme's heading font (Cambria) for bold cells.
 */
const BASE_FONT = { name: 'Calibri', size: 11, family: 2 } as const;

/** XLSX via exceljs: spans as merged ranges, header cells bold, inline formatting as rich text, values as text. */
export async function tableToXlsx(t: TableResult, sheetName = 'Table'): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Paliscope';
  const ws = wb.addWorksheet(sheetName);
  const widths = Array.from({ length: t.cols }, () => 8);
  for (const c of cellsInGrid(t)) {
    const cell = ws.getCell(c.row + 1, c.col + 1);
    const runs = inlineRuns(c.html);
    const formatted = runs.some((r) => r.bold || r.italic || r.underline || r.vertAlign);
    // Always a string value (never a formula), so "=…" from the model stays text.
    cell.value = formatted
      ? {
          richText: runs.map((r) => ({
            text: r.text,
            font: {
              ...BASE_FONT,
              ...(r.bold || c.header ? { bold: true } : {}),
              ...(r.italic ? { italic: true } : {}),
              ...(r.underline ? { underline: true } : {}),
              ...(r.vertAlign ? { vertAlign: r.vertAlign } : {}),
            },
          })),
        }
      : c.text;
    if (c.header) cell.font = { ...BASE_FONT, bold: true };
    cell.alignment = { vertical: 'top', wrapText: c.text.includes('\n') };
    if (c.rowspan > 1 || c.colspan > 1) ws.mergeCells(c.row + 1, c.col + 1, c.row + c.rowspan, c.col + c.colspan);
    if (c.colspan === 1) {
      const longest = Math.max(0, ...c.text.split('\n').map((l) => l.length));
      widths[c.col] = Math.min(60, Math.max(widths[c.col] ?? 8, longest + 2));
    }
  }
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

export async function exportTable(t: TableResult, format: TableExportFormat): Promise<TableExport> {
  switch (format) {
    case 'html':
      return { mime: 'text/html;charset=utf-8', extension: 'html', bytes: new TextEncoder().encode(tableToHtml(t)) };
    case 'csv':
      return { mime: 'text/csv;charset=utf-8', extension: 'csv', bytes: new TextEncoder().encode(tableToCsv(t)) };
    case 'xlsx':
      return {
        mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        extension: 'xlsx',
        bytes: await tableToXlsx(t),
      };
    default:
      throw new Error(`Unknown table export format ${JSON.stringify(format)}: expected html, csv or xlsx.`);
  }
}
