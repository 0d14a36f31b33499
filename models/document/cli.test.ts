// `paliscope document` on a generated PDF of known structure (two columns with a figure and its caption, header and
// footer; a table with a spanning header cell; a scanned page): the exports hold the known text in the known order,
// the table keeps its span in every format, the DOCX reads back through LibreOffice, the Markdown renders, the JSON
// fits its schema, a second run resumes instead of reading again, and reviews decide what --only-reviewed keeps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaliGemmaEngine } from '../paligemma/engine';
import { Store } from '../store/store';
import { run } from './cli';
import { DocumentExport } from './schema';
import { generateDocument, TABLE_CELLS, type GeneratedDocument } from './testing/generate';

let dir: string;
let gen: GeneratedDocument;
let pdf: string, project: string, tableModel: string, regionsFile: string;
const modelCalls: string[] = [];

/** A stand-in for a table model: answers every prompt with the table's HTML (the parser and the store are real). */
function tableModelEngine(): PaliGemmaEngine {
  return {
    providers: { vision_encoder: 'cpu', decoder: 'cpu' },
    plan: { components: {} },
    async generate(req: { prompt: string; image: unknown }) {
      modelCalls.push(req.prompt);
      return { text: TABLE_CELLS.html, ids: [1], logprobs: [-0.1], pieces: [TABLE_CELLS.html], finishReason: 'eos', promptTokens: 1, image: { width: 1, height: 1 }, timings: { preprocessMs: 0, visionMs: 0, visionCached: false, prefillMs: 0, timeToFirstTokenMs: 0, decodeMs: 0, totalMs: 0, tokensPerSecond: 0 } };
    },
    async dispose() {},
  } as unknown as PaliGemmaEngine;
}

function capture() {
  let text = '';
  const stream = new Writable({ write(chunk, _e, cb) { text += String(chunk); cb(); } });
  return { stream, get text() { return text; } };
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = capture(), err = capture();
  const code = await run(args, { stdout: out.stream, stderr: err.stream }, { paligemma: async () => tableModelEngine() });
  return { code, out: out.text, err: err.text };
}

const common = () => [pdf, '--project', project, '--regions', 'pdf-text,ocr,user', '--user-regions', regionsFile, '--route', `table=${tableModel}`, '--prompt', 'table=read the table'];

/** The known reading order of the whole document, as text each block starts with. */
const KNOWN_ORDER = ['Reading order in two columns', 'Alpha opens', 'Bravo continues', 'Charlie starts', 'p1-r', 'Figure 1: Bars', 'Delta closes', 'Registers by parish', 'Parish', 'Aldgate', 'Bow', 'The table above', 'A scanned page', 'Echo is printed', 'Foxtrot follows'];

function expectInOrder(text: string, needles: string[]): void {
  let at = -1;
  for (const n of needles) {
    const i = text.indexOf(n, at + 1);
    expect(i, `"${n}" after position ${at}`).toBeGreaterThan(at);
    at = i;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paliscope-document-cli-'));
  gen = await generateDocument();
  pdf = join(dir, 'generated.pdf');
  writeFileSync(pdf, gen.pdf);
  project = join(dir, 'p.paliscope');
  tableModel = join(dir, 'table-model');
  mkdirSync(tableModel);
  regionsFile = join(dir, 'regions.json');
  writeFileSync(regionsFile, JSON.stringify({ regions: [{ file: 'generated.pdf', page: 1, type: 'table', box: gen.tableBox }] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paliscope document', () => {
  it('writes Markdown in the known reading order, with the table (span kept) and the figure with its caption', async () => {
    const r = await cli([...common(), '--to', 'md', '--out', join(dir, 'md')]);
    expect(r.err).not.toMatch(/failed:/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3 of 3 pages read, 0 failed/);
    expect(modelCalls).toEqual(['read the table']);
    const md = readFileSync(join(dir, 'md', 'generated.md'), 'utf8');
    expectInOrder(md, KNOWN_ORDER);
    expect(md).not.toMatch(/Paliscope Test Journal|Page 1 of 3/);
    // The table's cells are the table's, not paragraphs of their own.
    expect(md.match(/Aldgate/g)).toHaveLength(1);
    const figure = /!\[Figure\]\((generated\.images\/p1-r\d+\.png)\)/.exec(md);
    expect(figure).not.toBeNull();
    expect(existsSync(join(dir, 'md', figure![1]!))).toBe(true);

    const html = new MarkdownIt({ html: true }).render(md);
    expect(html).toContain('<h1>Reading order in two columns</h1>');
    expect(html).toContain('<h2>Registers by parish</h2>');
    expect(html).toMatch(/<th colspan="2">Parish<\/th><th>Year<\/th>/);
    expect(html).toContain('<em>Figure 1: Bars of a generated chart.</em>');
    expect(html).toMatch(/<p>Alpha opens the left column with a sentence about archives and the patient work of reading old registers by hand\.<\/p>/);
  }, 120_000);

  it('resumes instead of reading again, and writes a self-contained HTML with nothing that loads or runs', async () => {
    const r = await cli([...common(), '--to', 'html', '--out', join(dir, 'html')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/resuming batch 1 .*: 3 pages, 0 to read/);
    expect(modelCalls).toHaveLength(1);
    const html = readFileSync(join(dir, 'html', 'generated.html'), 'utf8');
    expectInOrder(html, KNOWN_ORDER.filter((s) => s !== 'p1-r'));
    expect(html).toMatch(/<img src="data:image\/png;base64,/);
    expect(html).not.toMatch(/<script|src="(?!data:)|href=/i);
    expect(html).toContain('<th colspan="2">Parish</th>');
  });

  it('writes a DOCX that LibreOffice reads back to the same text in the same order', async () => {
    const r = await cli([...common(), '--to', 'docx', '--out', join(dir, 'docx')]);
    expect(r.code).toBe(0);
    const docx = join(dir, 'docx', 'generated.docx');
    expect(readFileSync(docx).subarray(0, 2).toString()).toBe('PK');
    const soffice = (file: string, out: string) => spawnSync('soffice', ['--headless', `-env:UserInstallation=file://${join(dir, 'lo-profile')}`, '--convert-to', 'txt:Text (encoded):UTF8', '--outdir', out, file], { stdio: 'ignore', timeout: 90_000 });
    // LibreOffice without Writer cannot load any text document: checked on a plain HTML page first, so a DOCX it
    // cannot load is a failure of the DOCX, never a skip.
    const probe = join(dir, 'probe.html');
    writeFileSync(probe, '<p>probe</p>');
    if (soffice(probe, join(dir, 'probe')).error || !existsSync(join(dir, 'probe', 'probe.txt'))) {
      console.warn('skipped the LibreOffice read-back: soffice with Writer is not installed (Debian: libreoffice-writer-nogui)');
      return;
    }
    soffice(docx, join(dir, 'docx-txt'));
    const text = readFileSync(join(dir, 'docx-txt', 'generated.txt'), 'utf8');
    expectInOrder(text, KNOWN_ORDER.filter((s) => s !== 'p1-r'));
    for (const t of gen.pages[0]!.regions.filter((x) => x.type === 'text')) expect(text).toContain(t.text);
    // The merged header cell is one cell (its text once), a real Word table cell spanning two grid columns.
    expect(text.match(/Parish/g)).toHaveLength(1);
    const xml = strFromU8(unzipSync(readFileSync(docx))['word/document.xml']!);
    expect(xml.match(/<w:tbl>/g)).toHaveLength(1);
    expect(xml).toMatch(/<w:gridSpan w:val="2"\/>(?:(?!<\/w:tc>).)*Parish/);
  }, 120_000);

  it('writes JSON that fits the documented schema, with each region\'s order, source, result and review state', async () => {
    const r = await cli([...common(), '--to', 'json', '--out', join(dir, 'json')]);
    expect(r.code).toBe(0);
    const doc = DocumentExport.parse(JSON.parse(readFileSync(join(dir, 'json', 'generated.json'), 'utf8')));
    const [first, tables, scan] = doc.documents[0]!.pages;
    expect(first!.regions.filter((x) => x.order === null).map((x) => x.type).sort()).toEqual(['footer', 'header']);
    expect(first!.regions.every((x) => x.source === 'pdf-text' || x.source === 'pdf-image')).toBe(true);
    expect(scan!.regions.every((x) => x.source === 'ocr')).toBe(true);
    const table = tables!.regions.find((x) => x.type === 'table')!;
    expect(table).toMatchObject({ source: 'user', review: 'unreviewed', result: { kind: 'table', rows: 3, cols: 3 } });
    expect(table.result).toMatchObject({ cells: expect.arrayContaining([expect.objectContaining({ text: 'Parish', colspan: 2, header: true })]) });
    const figure = first!.regions.find((x) => x.type === 'figure')!;
    expect(figure.image).toMatch(/^generated\.images\/p1-r\d+\.png$/);
    expect(first!.regions.find((x) => x.type === 'caption')!.captionOf).toBe(figure.id);
  });

  it('--only-reviewed keeps only what was accepted or corrected in review', async () => {
    let r = await cli([...common(), '--to', 'md', '--only-reviewed', '--out', join(dir, 'reviewed')]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'reviewed', 'generated.md'), 'utf8')).not.toMatch(/Alpha|Parish/);
    const store = Store.open(project);
    const alpha = store.results({ task: 'region-text' }).find((x) => x.run.raw.startsWith('Alpha'))!;
    const table = store.results({ task: 'table' })[0]!;
    store.setReview(alpha.run.id, { status: 'accepted' });
    const corrected = { ...(table.run.parsed as object), table: { ...(table.run.parsed as { table: object }).table, cells: [{ row: 0, col: 0, rowspan: 1, colspan: 3, header: true, text: 'Corrected', html: 'Corrected' }], rows: 1, cols: 3 } };
    store.setReview(table.run.id, { status: 'corrected', value: corrected });
    store.close();
    r = await cli([...common(), '--to', 'md', '--only-reviewed', '--out', join(dir, 'reviewed')]);
    const md = readFileSync(join(dir, 'reviewed', 'generated.md'), 'utf8');
    expect(md).toMatch(/Alpha opens/);
    expect(md).not.toMatch(/Bravo|Aldgate/);
    expect(md).toContain('colspan="3">Corrected');
  });

  it('refuses bad arguments and bad files by name, and fails only the page a bad region is drawn on', async () => {
    expect((await cli([pdf, '--out', dir])).err).toMatch(/--to \(missing\): expected one of md, html, docx, json/);
    expect((await cli([pdf, '--to', 'pdf', '--out', dir])).code).toBe(2);
    expect((await cli([pdf, '--to', 'md', '--out', dir, '--regions', 'ocr,magic'])).err).toMatch(/--regions ocr,magic/);
    expect((await cli([pdf, '--to', 'md', '--out', dir, '--regions', 'detect'])).err).toMatch(/needs --model/);
    expect((await cli([pdf, '--to', 'md', '--out', dir, '--route', `table=${tableModel}`])).err).toMatch(/needs its prompt: --prompt table=TEXT/);
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{"regions":[{"file":"x","page":-1}]}');
    const bad = await cli([pdf, '--to', 'md', '--out', dir, '--regions', 'user', '--user-regions', badJson]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`--user-regions ${badJson}`);
    const outside = join(dir, 'outside.json');
    writeFileSync(outside, JSON.stringify({ regions: [{ file: 'generated.pdf', page: 0, type: 'table', box: { x: 1200, y: 10, width: 500, height: 50 } }] }));
    const r = await cli([pdf, join(dir, 'missing.pdf'), '--to', 'md', '--out', join(dir, 'outside'), '--project', join(dir, 'o.paliscope'), '--regions', 'pdf-text,user', '--user-regions', outside]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.pdf: no such file/);
    expect(r.err).toMatch(/generated\.pdf page 1: region 1 of generated\.pdf page 1 .* is not inside the page/);
    // The other pages are read and exported.
    expect(readFileSync(join(dir, 'outside', 'generated.md'), 'utf8')).toMatch(/Registers by parish/);
  }, 60_000);
});
