import { describe, expect, expectTypeOf, it } from 'vitest';
import * as parser from '../../../models/paligemma/tasks/table/parse-table';
import { parseTable, type TableResult } from '../../../models/paligemma/tasks/table/parse-table';
import * as schema from './table';
import { TableParsed } from './table';

describe('TableParsed', () => {
  it('has exactly the shape of the parser\'s TableResult', () => {
    expectTypeOf<TableParsed>().toEqualTypeOf<TableResult>();
  });

  it('uses the parser\'s bounds', () => {
    expect([schema.TABLE_MAX_CELLS, schema.TABLE_MAX_CELL_TEXT, schema.TABLE_MAX_CELL_HTML, schema.TABLE_MAX_WARNINGS, schema.TABLE_MAX_WARNING_LENGTH]).toEqual([
      parser.MAX_CELLS,
      parser.MAX_CELL_TEXT,
      parser.MAX_CELL_HTML,
      parser.MAX_WARNINGS,
      parser.MAX_WARNING_LENGTH,
    ]);
  });

  it('accepts what the parser produces, at its limits too', () => {
    const big = `<table>${`<tr>${'<td>x</td>'.repeat(100)}</tr>`.repeat(250)}</table>`;
    const long = `<table><tr><td>${'&quot;'.repeat(20_000)}</td></tr></table>`;
    const junk = `<table><tr><td>${Array.from({ length: 500 }, (_, i) => `<x-${i} on${i}=1>`).join('')}</td></tr></table>`;
    for (const raw of ['<table><tr><th colspan=2>a</th></tr><tr><td>1<td>2</table>', '', 'no table', big, long, junk]) {
      const t = parseTable(raw);
      expect(TableParsed.parse(t)).toEqual(t);
    }
  });

  it('refuses what no parse produces', () => {
    const ok = parseTable('<table><tr><td>a</td></tr></table>');
    const cell = ok.cells[0];
    expect(TableParsed.safeParse({ ...ok, cells: [{ ...cell, rowspan: 0 }] }).success).toBe(false);
    expect(TableParsed.safeParse({ ...ok, cells: [{ ...cell, row: -1 }] }).success).toBe(false);
    expect(TableParsed.safeParse({ ...ok, cells: [{ ...cell, html: 'x'.repeat(60_001) }] }).success).toBe(false);
    expect(TableParsed.safeParse({ ...ok, cells: Array.from({ length: 20_001 }, () => cell) }).success).toBe(false);
    expect(TableParsed.safeParse({ ...ok, warnings: Array.from({ length: 101 }, () => 'w') }).success).toBe(false);
  });
});
