import { describe, expect, it } from 'vitest';
import { MAX_CELLS, parseTable } from './parse-table';
import { drawGrid, expectWellFormed } from './table-grid.test-helpers';

// Realistic outputs in the two training styles. PubTabNet: a biomedical table with a two-level header, inline
// formatting (sup, sub, i, b, br) and entities. FinTabNet: a financial statement with a spanning year header,
// currency columns and empty cells.
const PUBTABNET =
  '<table><thead><tr><td rowspan="2">Characteristic</td><td colspan="2">Cohort (<i>n</i> = 412)</td><td rowspan="2"><i>P</i> value<sup>a</sup></td></tr>' +
  '<tr><td>Cases</td><td>Controls</td></tr></thead><tbody>' +
  '<tr><td>Age, years</td><td>54.2 &#177; 8.1</td><td>55.0 ± 7.9</td><td>0.31</td></tr>' +
  '<tr><td>HbA<sub>1c</sub>, %</td><td>7.9 (1.2)</td><td>5.4 (0.4)</td><td>&lt;0.001</td></tr>' +
  '<tr><td><b>Sex</b></td><td></td><td></td><td></td></tr>' +
  '<tr><td>Male<br>(self-reported)</td><td>120 (58.3)</td><td>98 (47.6)</td><td rowspan="2">0.03</td></tr>' +
  '<tr><td>Female</td><td>86 (41.7)</td><td>108 (52.4)</td></tr></tbody></table><eos>';

const FINTABNET =
  '<table><thead><tr><td></td><td colspan="2">Year Ended December 31,</td></tr><tr><td></td><td>2019</td><td>2018</td></tr></thead>' +
  '<tbody><tr><td>Net revenues</td><td>$ 1,234.5</td><td>$ 1,101.2</td></tr>' +
  '<tr><td>Cost of revenues</td><td>(612.0 )</td><td>(588.4 )</td></tr>' +
  '<tr><td>Gross profit</td><td>622.5</td><td>512.8</td></tr>' +
  '<tr><td>Other, net</td><td>—</td><td>3.1</td></tr></tbody></table>';

describe('parseTable — realistic outputs', () => {
  it('lays out a PubTabNet-style table: header spans, inline formatting, entities, rowspan in the body', () => {
    const t = parseTable(PUBTABNET);
    expect(t.warnings).toEqual([]);
    expectWellFormed(t);
    expect([t.rows, t.cols]).toEqual([7, 4]);
    expect(drawGrid(t)).toEqual([
      ['*Characteristic*', '*Cohort (n = 412)*', '<', '*P valuea*'],
      ['^', '*Cases*', '*Controls*', '^'],
      ['Age, years', '54.2 ± 8.1', '55.0 ± 7.9', '0.31'],
      ['HbA1c, %', '7.9 (1.2)', '5.4 (0.4)', '<0.001'],
      ['Sex', '', '', ''],
      ['Male\n(self-reported)', '120 (58.3)', '98 (47.6)', '0.03'],
      ['Female', '86 (41.7)', '108 (52.4)', '^'],
    ]);
    const at = (r: number, c: number) => t.cells.find((x) => x.row === r && x.col === c);
    expect(at(0, 1)).toMatchObject({ rowspan: 1, colspan: 2, header: true, html: 'Cohort (<i>n</i> = 412)' });
    expect(at(0, 3)).toMatchObject({ rowspan: 2, colspan: 1, html: '<i>P</i> value<sup>a</sup>' });
    expect(at(3, 0)?.html).toBe('HbA<sub>1c</sub>, %');
    expect(at(3, 3)).toMatchObject({ text: '<0.001', html: '&lt;0.001' });
    expect(at(4, 0)?.html).toBe('<b>Sex</b>');
    expect(at(5, 0)?.html).toBe('Male<br>(self-reported)');
    expect(at(5, 3)).toMatchObject({ rowspan: 2, text: '0.03' });
  });

  it('lays out a FinTabNet-style statement', () => {
    const t = parseTable(FINTABNET);
    expect(t.warnings).toEqual([]);
    expectWellFormed(t);
    expect(drawGrid(t)).toEqual([
      ['**', '*Year Ended December 31,*', '<'],
      ['**', '*2019*', '*2018*'],
      ['Net revenues', '$ 1,234.5', '$ 1,101.2'],
      ['Cost of revenues', '(612.0 )', '(588.4 )'],
      ['Gross profit', '622.5', '512.8'],
      ['Other, net', '—', '3.1'],
    ]);
  });

  it('marks <th> cells as headers wherever they are, and thead cells without <th>', () => {
    const t = parseTable('<table><tr><th>Name</th><th>Score</th></tr><tr><th>Ann</th><td>3</td></tr></table>');
    expect(drawGrid(t)).toEqual([
      ['*Name*', '*Score*'],
      ['*Ann*', '3'],
    ]);
  });

  it('skips slots held by rowspans from earlier rows (the HTML table algorithm)', () => {
    const t = parseTable(
      '<table><tr><td rowspan="3">A</td><td>B</td><td rowspan="2">C</td><td>D</td></tr>' +
        '<tr><td>E</td><td>F</td></tr><tr><td colspan="2">G</td><td>H</td></tr></table>',
    );
    expect(t.warnings).toEqual([]);
    expectWellFormed(t);
    expect(drawGrid(t)).toEqual([
      ['A', 'B', 'C', 'D'],
      ['^', 'E', '^', 'F'],
      ['^', 'G', '<', 'H'],
    ]);
  });

  it('reads rowspan="0" as "to the end of the row group" and spans like "2px" as 2', () => {
    const t = parseTable('<table><tbody><tr><td rowspan="0">A</td><td colspan="2px">B</td></tr><tr><td>C</td><td>D</td></tr><tr><td>E</td><td>F</td></tr></tbody><tbody><tr><td>G</td><td>H</td><td>I</td></tr></tbody></table>');
    expect(t.warnings).toEqual([]);
    expect(drawGrid(t)).toEqual([
      ['A', 'B', '<'],
      ['^', 'C', 'D'],
      ['^', 'E', 'F'],
      ['G', 'H', 'I'],
    ]);
  });

  it('strips <eos> and everything after it, and a trailing newline', () => {
    const t = parseTable('<table><tr><td>1</td></tr></table>\n<eos><table><tr><td>junk</td></tr></table>');
    expect(t.warnings).toEqual([]);
    expect(drawGrid(t)).toEqual([['1']]);
  });

  it('keeps U+00A0 but collapses ordinary whitespace like a browser', () => {
    const t = parseTable('<table><tr><td>\n  a \t  b\u00a0 </td><td> <b> x </b> y </td></tr></table>');
    expect(t.cells.map((c) => c.text)).toEqual(['a b\u00a0', 'x y']);
    expect(t.cells[1]?.html).toBe('<b>x </b>y');
  });

  it('accepts strong/em as b/i and drops empty inline elements', () => {
    const t = parseTable('<table><tr><td><strong>A</strong> <em>b</em><b></b><sup></sup></td></tr></table>');
    expect(t.cells[0]?.html).toBe('<b>A</b> <i>b</i>');
    expect(t.warnings).toEqual([]);
  });
});

describe('parseTable — malformed outputs', () => {
  it('warns when there is no table at all', () => {
    expect(parseTable('a blue car parked on a street')).toEqual({
      rows: 0,
      cols: 0,
      cells: [],
      warnings: ['No <table> in the output: "a blue car parked on a street".'],
    });
    expect(parseTable('  <eos>').warnings).toEqual(['The output is empty: no table.']);
  });

  it('reads bare PubTabNet structure (no <table> wrapper) as one table, with a warning', () => {
    const t = parseTable('<thead><tr><td>a</td><td>b</td></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody>');
    expect(t.warnings).toEqual(['No <table> element: read the <tr>/<td> markup as one table.']);
    expect(drawGrid(t)).toEqual([
      ['*a*', '*b*'],
      ['1', '2'],
    ]);
  });

  it('keeps what there is when truncated mid-cell at the token limit', () => {
    const t = parseTable('<table><thead><tr><td>Item</td><td>Q1</td><td>Q2</td></tr></thead><tbody><tr><td>Sales</td><td>10.2</td><td>11.');
    expectWellFormed(t);
    expect(drawGrid(t)).toEqual([
      ['*Item*', '*Q1*', '*Q2*'],
      ['Sales', '10.2', '11.'],
    ]);
    expect(t.warnings).toEqual(['The table is not closed (no </table>): the output looks truncated, e.g. at the token limit; kept what was there.']);
  });

  it('drops a tag cut in half and pads the short last row', () => {
    const t = parseTable('<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td><td colsp');
    expectWellFormed(t);
    expect(drawGrid(t)).toEqual([
      ['a', 'b', 'c'],
      ['d', '', ''],
    ]);
    expect(t.warnings).toEqual([
      'The table is not closed (no </table>): the output looks truncated, e.g. at the token limit; kept what was there.',
      'Malformed HTML, read as a browser would (eof-in-tag); the output ends inside a tag, which was dropped.',
      'Rows of unequal width: row(s) 2 padded with empty cells to 3 column(s).',
    ]);
  });

  it('closes cells and rows whose end tags are missing, as the parser implies them', () => {
    const t = parseTable('<table><tr><td>a<td>b<tr><td>c<td>d</table>');
    expect(t.warnings).toEqual([]);
    expect(drawGrid(t)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('ignores an empty trailing <tr> left by truncation', () => {
    const t = parseTable('<table><tr><td>a</td></tr><tr>');
    expect(drawGrid(t)).toEqual([['a']]);
    expect(t.warnings).toContain('Dropped 1 empty row(s) (<tr> without cells).');
  });

  it('shortens a colspan that runs into a rowspan from above (overlapping cells)', () => {
    const t = parseTable('<table><tr><td>A</td><td rowspan="2">B</td><td>C</td></tr><tr><td colspan="3">D</td></tr></table>');
    expectWellFormed(t);
    expect(drawGrid(t)).toEqual([
      ['A', 'B', 'C'],
      ['D', '^', ''],
    ]);
    expect(t.warnings).toEqual([
      'Overlapping cells: a colspan ran into a slot a rowspan above already holds; shortened row 2, column 1: colspan 3 → 1.',
      'Rows of unequal width: row(s) 2 padded with empty cells to 3 column(s).',
    ]);
  });

  it('clamps absurd spans and rowspans that run past the table', () => {
    const t = parseTable('<table><tr><td colspan="99999">wide</td></tr><tr><td rowspan="5000">tall</td><td>x</td></tr></table>');
    expectWellFormed(t);
    expect(t.cols).toBe(1000);
    expect(t.cells[0]).toMatchObject({ colspan: 1000 });
    const tall = t.cells.find((c) => c.text === 'tall');
    expect(tall).toMatchObject({ row: 1, rowspan: 1 });
    expect(t.warnings[0]).toBe(
      'Spans shortened (absurd, or past the end of their row group): row 1, column 1: colspan 99999 → 1000; row 2, column 1: rowspan 5000 → 1000; row 2, column 1: rowspan 1000 → 1 (rows left in its group).',
    );
    expect(t.warnings[1]).toMatch(/^Rows of unequal width: row\(s\) 2 padded with empty cells to 1000 column\(s\)\.$/);
  });

  it('reports and ignores text outside cells (the parser foster-parents it out of the table)', () => {
    const t = parseTable('Here is the table: <table><tr>stray<td>a</td></tr></table> done');
    expect(drawGrid(t)).toEqual([['a']]);
    expect(t.warnings).toEqual(['Ignored text outside the table\'s cells: "Here is the table: stray done".']);
  });

  it('renders hostile markup inert: scripts, event handlers and javascript: URLs never reach html', () => {
    const t = parseTable(
      '<table><tr><td onmouseover="alert(1)"><script>alert(1)</script><img src=x onerror="alert(2)">' +
        '<a href="javascript:alert(3)">click</a><b onclick="x()">bold</b></td>' +
        '<td><svg onload=alert(4)><circle/></svg><style>*{}</style>&lt;script&gt;</td></tr><script>steal()</script></table>',
    );
    expect(t.cells.map((c) => c.html)).toEqual(['click<b>bold</b>', '&lt;script&gt;']);
    expect(t.cells.map((c) => c.text)).toEqual(['clickbold', '<script>']);
    for (const c of t.cells) expect(c.html).not.toMatch(/<(?!\/?(b|i|sup|sub|u|br)>)/);
    expect(t.warnings).toEqual([
      'Removed elements (with their content): <script> ×2, <img>, <svg>, <style>.',
      'Removed markup inside cells, text kept: <a>.',
      'Ignored attributes: onmouseover, src, onerror, href, onclick, onload.',
    ]);
  });

  it('reports a script before the table, which the parser files under <head>', () => {
    const t = parseTable('<script>fetch("//x")</script><table><tr><td>a</td></tr></table>');
    expect(drawGrid(t)).toEqual([['a']]);
    expect(t.warnings).toEqual(['Removed elements (with their content): <script>.']);
  });

  it('shows the first of several tables and flattens a nested table to text', () => {
    const t = parseTable('<table><tr><td>outer<table><tr><td>in1</td><td>in2</td></tr></table></td></tr></table><table><tr><td>second</td></tr></table>');
    expect(drawGrid(t)).toEqual([['outer in1 in2']]);
    expect(t.warnings).toContain('The output holds 2 tables; showing the first.');
    expect(t.warnings).toContain('Ignored text outside the table\'s cells: "second".');
  });

  it('bounds the number of cells, cutting whole rows', () => {
    const row = `<tr>${'<td>x</td>'.repeat(100)}</tr>`;
    const t = parseTable(`<table>${row.repeat(250)}</table>`);
    expect(t.cells.length).toBe(MAX_CELLS);
    expect(t.rows).toBe(200);
    expect(t.warnings).toEqual([`The table has 25000 cells; kept the first 200 rows (20000 cells, limit ${MAX_CELLS}).`]);
  });

  it('stops laying out an implausibly large grid instead of exhausting memory', () => {
    const rows = Array.from({ length: 50 }, () => '<tr><td rowspan="1000" colspan="1000">x</td></tr>').join('');
    const started = Date.now();
    const t = parseTable(`<table>${rows}</table>`);
    expect(Date.now() - started).toBeLessThan(5000);
    expectWellFormed(t);
    expect(t.cells.length).toBeLessThanOrEqual(MAX_CELLS);
    expect(t.warnings.join(' ')).toMatch(/implausibly large/);
  });

  it('never throws and always returns a well-formed grid on every prefix of realistic outputs', () => {
    for (const full of [PUBTABNET, FINTABNET, '<table><tr><td rowspan=3>a<td colspan=2>b<tr><td>c<tr><td colspan=9>d</table>']) {
      for (let n = 0; n <= full.length; n++) {
        const t = parseTable(full.slice(0, n));
        expectWellFormed(t);
        expect(Array.isArray(t.warnings)).toBe(true);
      }
    }
  });
});
