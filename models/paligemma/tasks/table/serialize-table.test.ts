import { describe, expect, it } from 'vitest';
import { parseTable, type TableResult } from './parse-table';
import { serializeTable } from './serialize-table';

const GOLDEN: Record<string, string> = {
  pubtabnet:
    '<table><thead><tr><td rowspan="2">Characteristic</td><td colspan="2">Cohort (<i>n</i> = 412)</td><td rowspan="2"><i>P</i> value<sup>a</sup></td></tr>' +
    '<tr><td>Cases</td><td>Controls</td></tr></thead><tbody>' +
    '<tr><td>Age, years</td><td>54.2 &#177; 8.1</td><td>55.0 ± 7.9</td><td>0.31</td></tr>' +
    '<tr><td>HbA<sub>1c</sub>, %</td><td>7.9 (1.2)</td><td>5.4 (0.4)</td><td>&lt;0.001</td></tr>' +
    '<tr><td><b>Sex</b></td><td></td><td></td><td></td></tr>' +
    '<tr><td>Male<br>(self-reported)</td><td>120 (58.3)</td><td>98 (47.6)</td><td rowspan="2">0.03</td></tr>' +
    '<tr><td>Female</td><td>86 (41.7)</td><td>108 (52.4)</td></tr></tbody></table>',
  fintabnet:
    '<table><thead><tr><td></td><td colspan="2">Year Ended December 31,</td></tr><tr><td></td><td>2019</td><td>2018</td></tr></thead>' +
    '<tbody><tr><td>Net revenues</td><td>$ 1,234.5</td><td>$ 1,101.2</td></tr><tr><td>Other, net</td><td>—</td><td>3.1</td></tr></tbody></table>',
  'th in the body': '<table><tr><th>Name</th><th>Score</th></tr><tr><th>Ann</th><td>3 &amp; "4"</td></tr></table>',
  'short rows padded': '<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr></table>',
  'header rowspan into the body': '<table><thead><tr><th rowspan="3">H</th><th>x</th></tr></thead><tr><td>1</td></tr><tr><td>2</td></tr></table>',
};

const cells = (t: TableResult) => t.cells.map((c) => ({ row: c.row, col: c.col, rowspan: c.rowspan, colspan: c.colspan, header: c.header, text: c.text, html: c.html }));

describe('serializeTable is the inverse of parseTable', () => {
  for (const [name, html] of Object.entries(GOLDEN)) {
    it(`${name}: the same grid, spans, header flags and cell texts`, () => {
      const t = parseTable(html);
      const suffix = serializeTable(t);
      const back = parseTable(suffix);
      expect(back.warnings).toEqual([]);
      expect([back.rows, back.cols]).toEqual([t.rows, t.cols]);
      expect(cells(back)).toEqual(cells(t));
      // and it is stable: writing the result again gives the same text
      expect(serializeTable(back)).toBe(suffix);
    });
  }

  it('writes PubTabNet-style HTML: thead/tbody, td, spans only above 1, no whitespace between tags', () => {
    const s = serializeTable(parseTable(GOLDEN.pubtabnet!));
    expect(s.startsWith('<table><thead><tr><td rowspan="2">Characteristic</td><td colspan="2">Cohort (<i>n</i> = 412)</td>')).toBe(true);
    expect(s).toContain('</thead><tbody><tr><td>Age, years</td><td>54.2 ± 8.1</td>');
    expect(s).not.toMatch(/>\s+</);
  });

  it('a corrected cell (plain text, escaped) comes back as the text typed', () => {
    const t = parseTable(GOLDEN.fintabnet!);
    const i = t.cells.findIndex((c) => c.text === '3.1');
    t.cells[i] = { ...t.cells[i]!, text: '<3.2> & more', html: '&lt;3.2&gt; &amp; more' };
    expect(parseTable(serializeTable(t)).cells[i]!.text).toBe('<3.2> & more');
  });

  it('refuses a table without cells', () => {
    expect(() => serializeTable({ rows: 0, cols: 0, cells: [], warnings: [] })).toThrow(/no cells/);
  });
});
