import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { defuseFormula, exportTable, headerRowCount, tableToCsv, tableToHtml } from './export-table';
import { parseTable, type TableResult } from './parse-table';

const SPANNED =
  '<table><thead><tr><td rowspan="2">Region</td><td colspan="2">Sales, "m$"</td></tr><tr><td>2023</td><td>2024</td></tr></thead>' +
  '<tbody><tr><td>North, east</td><td>1.2</td><td>1.5<sup>a</sup></td></tr><tr><td>South<br>(incl. islands)</td><td colspan="2">n/a</td></tr>' +
  '<tr><td>=HYPERLINK("http://x")</td><td>-0.4</td><td>-</td></tr></tbody></table>';

describe('HTML export', () => {
  it('writes a standalone document with a thead for the header rows and spans kept', () => {
    const t = parseTable('<table><tr><th colspan="2">A &amp; B</th></tr><tr><td>1</td><td>x<sub>2</sub></td></tr></table>');
    expect(tableToHtml(t)).toBe(
      [
        '<!DOCTYPE html>',
        '<html lang="en">',
        '<head>',
        '<meta charset="utf-8">',
        '<title>Table</title>',
        '<style>body{font-family:system-ui,sans-serif;margin:16px}table{border-collapse:collapse}th,td{border:1px solid #999;padding:3px 8px;vertical-align:top;text-align:left}th{background:#eef0f3;font-weight:600}</style>',
        '</head>',
        '<body>',
        '<table>',
        '<thead>',
        '<tr><th colspan="2">A &amp; B</th></tr>',
        '</thead>',
        '<tbody>',
        '<tr><td>1</td><td>x<sub>2</sub></td></tr>',
        '</tbody>',
        '</table>',
        '</body>',
        '</html>',
        '',
      ].join('\n'),
    );
  });

  it('round-trips: parsing the exported document gives back the same cells', () => {
    const t = parseTable(SPANNED);
    const back = parseTable(tableToHtml(t));
    expect(back.cells).toEqual(t.cells);
    expect([back.rows, back.cols]).toEqual([t.rows, t.cols]);
    // The document's own <title>, <style> and <meta> are all that is left out.
    expect(back.warnings).toEqual(['Removed elements (with their content): <meta>, <title>, <style>.']);
  });

  it('re-sanitises cell HTML it did not produce itself', () => {
    const hostile: TableResult = {
      rows: 1,
      cols: 1,
      cells: [{ row: 0, col: 0, rowspan: 1, colspan: 1, header: false, text: 'x', html: '<img src=x onerror=alert(1)><b onclick="y()">x</b><a href="javascript:z()">l</a>' }],
      warnings: [],
    };
    expect(tableToHtml(hostile)).toContain('<tbody>\n<tr><td><b>x</b>l</td></tr>\n</tbody>');
  });

  it('keeps a rowspan from the header inside the head by moving the split up', () => {
    const t = parseTable('<table><tr><th rowspan="2">a</th><th>b</th></tr><tr><th>c</th></tr><tr><td>1</td><td>2</td></tr></table>');
    expect(headerRowCount(t)).toBe(2);
    const crossing = parseTable('<table><tr><th rowspan="2">a</th><th>b</th></tr><tr><td>c</td></tr></table>');
    expect(headerRowCount(crossing)).toBe(0);
  });
});

describe('CSV export', () => {
  it('quotes as RFC 4180 asks, uses CRLF, puts a spanned value in its top-left slot only, defuses formulas', () => {
    expect(tableToCsv(parseTable(SPANNED))).toBe(
      '\uFEFF' +
        'Region,"Sales, ""m$""",\r\n' +
        ',2023,2024\r\n' +
        '"North, east",1.2,1.5a\r\n' +
        '"South\n(incl. islands)",n/a,\r\n' +
        `"'=HYPERLINK(""http://x"")",-0.4,-\r\n`,
    );
  });

  it('leaves numbers alone and prefixes anything a spreadsheet would run', () => {
    expect(['-12.5', '+3 %', '-', '1,234', '=1+1', '@SUM(A1)', '-2+cmd|x', '+x'].map(defuseFormula)).toEqual([
      '-12.5', '+3 %', '-', '1,234', "'=1+1", "'@SUM(A1)", "'-2+cmd|x", "'+x",
    ]);
  });

  it('writes an empty file for an empty table', async () => {
    const out = await exportTable(parseTable('no table'), 'csv');
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(out.bytes)).toBe('\uFEFF');
    expect(out).toMatchObject({ mime: 'text/csv;charset=utf-8', extension: 'csv' });
  });
});

async function readBack(bytes: Uint8Array): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no worksheet');
  return ws;
}

describe('XLSX export', () => {
  it('reads back with exceljs: values, merged ranges for spans, bold headers, rich text', async () => {
    const out = await exportTable(parseTable(SPANNED), 'xlsx');
    expect(out).toMatchObject({ extension: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect([...out.bytes.slice(0, 2)]).toEqual([0x50, 0x4b]); // a zip
    const ws = await readBack(out.bytes);
    expect([...ws.model.merges].sort()).toEqual(['A1:A2', 'B1:C1', 'B4:C4']);
    expect(ws.getCell('A1').value).toBe('Region');
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect(ws.getCell('B2').value).toBe('2023');
    expect(ws.getCell('A3').font?.bold).toBeFalsy();
    expect(ws.getCell('A4').value).toBe('South\n(incl. islands)');
    expect(ws.getCell('A5').value).toBe('=HYPERLINK("http://x")'); // text, not a formula
    expect(ws.getCell('A5').formula).toBeUndefined();
    const rich = ws.getCell('C3').value as ExcelJS.CellRichTextValue;
    expect(rich.richText.map((r) => [r.text, r.font?.vertAlign])).toEqual([
      ['1.5', undefined],
      ['a', 'superscript'],
    ]);
  });

  const soffice = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).stdout.trim();
  // Without LibreOffice the test is skipped, and its name says why (.ci/run installs libreoffice-calc-nogui).
  const title = `opens in LibreOffice: its CSV conversion of the workbook matches our CSV${soffice ? '' : ' (skipped: soffice is not installed)'}`;
  it.skipIf(!soffice)(title, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paliscope-table-'));
    try {
      const t = parseTable(SPANNED);
      writeFileSync(join(dir, 'table.xlsx'), (await exportTable(t, 'xlsx')).bytes);
      execFileSync(soffice, [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'csv', '--outdir', join(dir, 'out'), join(dir, 'table.xlsx')], {
        timeout: 120_000,
        stdio: 'pipe',
      });
      const fromCalc = readFileSync(join(dir, 'out', 'table.csv'), 'utf8');
      // LibreOffice writes LF line ends, no BOM, and keeps text as typed (no formula prefix): compare the cell values.
      const rows = (s: string) => s.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').trimEnd().split('\n');
      expect(rows(fromCalc)).toEqual(rows(tableToCsv(t)).map((r) => r.replace(`"'=`, '"=')));
      // Calc's HTML export shows it read the merged ranges and the bold headers.
      execFileSync(soffice, [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'html', '--outdir', join(dir, 'out'), join(dir, 'table.xlsx')], {
        timeout: 120_000,
        stdio: 'pipe',
      });
      const html = readFileSync(join(dir, 'out', 'table.html'), 'utf8');
      // In document order: Region (2 rows), Sales (2 columns), n/a (2 columns).
      const spans = [...html.matchAll(/<td ([^>]*)>/g)].map((m) => [/rowspan=(\d+)/.exec(m[1] ?? '')?.[1], /colspan=(\d+)/.exec(m[1] ?? '')?.[1]]).filter((x) => x[0] || x[1]);
      expect(spans).toEqual([
        ['2', undefined],
        [undefined, '2'],
        [undefined, '2'],
      ]);
      expect(html).toContain('<b>Region</b>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
