import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePage } from './fixture';
import { ALTO_NS, toAlto, toHocr, toJson, toText } from './index';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const HAS_XMLLINT = has('xmllint');
if (!HAS_XMLLINT) console.warn('xmllint not found (apt-get install -y libxml2-utils): XML well-formedness checks skipped');

const dir = mkdtempSync(path.join(os.tmpdir(), 'paliscope-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function xpath(xml: string, expr: string): string {
  const file = path.join(dir, `x${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  return execFileSync('xmllint', ['--nonet', '--xpath', expr, file], { encoding: 'utf8' }).trim();
}

function wellFormed(xml: string): void {
  const file = path.join(dir, 'wf.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--nonet', '--noout', file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

const page = fixturePage();

describe('text export', () => {
  it('writes lines in order with a blank line between blocks and a form feed between pages', () => {
    expect(toText([page])).toBe('Tom & Jerry <say> "hi"\nsecond line here\n\nAnother block\n');
    expect(toText([page, page]).split('\f')).toHaveLength(2);
  });
});

describe('JSON export', () => {
  it('has exactly the documented shape', () => {
    const j = JSON.parse(toJson([page]));
    expect(Object.keys(j)).toEqual(['pages']);
    expect(Object.keys(j.pages[0])).toEqual(['width', 'height', 'lines']);
    const l = j.pages[0].lines[0];
    expect(Object.keys(l)).toEqual(['text', 'confidence', 'box', 'words']);
    expect(l.box).toEqual([[50, 40], [314, 40], [314, 64], [50, 64]]);
    expect(Object.keys(l.words[0])).toEqual(['text', 'confidence', 'box']);
    expect(l.words.map((w: { text: string }) => w.text)).toEqual(['Tom', '&', 'Jerry', '<say>', '"hi"']);
  });
});

describe.skipIf(!HAS_XMLLINT)(`hOCR export${HAS_XMLLINT ? '' : ' (skipped: xmllint is not installed)'}`, () => {
  const html = toHocr([page], { imageNames: ['scan.png'] });
  it('is well-formed XHTML with the hOCR classes, bboxes and confidences', () => {
    wellFormed(html);
    expect(xpath(html, "count(//*[local-name()='div'][@class='ocr_page'])")).toBe('1');
    expect(xpath(html, "count(//*[local-name()='div'][@class='ocr_carea'])")).toBe('2');
    expect(xpath(html, "count(//*[@class='ocr_line'])")).toBe('3');
    expect(xpath(html, "count(//*[@class='ocrx_word'])")).toBe('10');
    expect(xpath(html, "string(//*[@class='ocr_page']/@title)")).toBe('image "scan.png"; bbox 0 0 800 400; ppageno 0');
    expect(xpath(html, "string((//*[@class='ocrx_word'])[4]/@title)")).toBe('bbox 194 40 254 64; x_wconf 87');
    expect(xpath(html, "string((//*[@class='ocrx_word'])[4])")).toBe('<say>');
  });
});

describe.skipIf(!HAS_XMLLINT)(`ALTO v4 export${HAS_XMLLINT ? '' : ' (skipped: xmllint is not installed)'}`, () => {
  // No copy of the ALTO v4 XSD is reachable offline, so this checks well-formedness with xmllint and
  // the elements / attributes the v4 schema requires, in schema order.
  const xml = toAlto([page, page], { fileName: 'scan.png', processingDateTime: '2026-01-01T00:00:00Z' });
  const ns = (name: string) => `*[local-name()='${name}' and namespace-uri()='${ALTO_NS}']`;
  it('is well-formed ALTO in the v4 namespace with a Description first', () => {
    wellFormed(xml);
    expect(xpath(xml, `count(/${ns('alto')})`)).toBe('1');
    expect(xpath(xml, `local-name(/${ns('alto')}/*[1])`)).toBe('Description');
    expect(xpath(xml, `local-name(/${ns('alto')}/*[2])`)).toBe('Layout');
    expect(xpath(xml, `string(//${ns('Description')}/*[1])`)).toBe('pixel');
    expect(xpath(xml, `local-name(//${ns('Description')}/*[1])`)).toBe('MeasurementUnit');
    expect(xpath(xml, `count(//${ns('OCRProcessing')}[@ID])`)).toBe('1');
  });
  it('gives every layout element its required attributes', () => {
    expect(xpath(xml, `count(//${ns('Page')})`)).toBe('2');
    expect(xpath(xml, `count(//${ns('Page')}[not(@ID) or not(@PHYSICAL_IMG_NR)])`)).toBe('0');
    for (const el of ['PrintSpace', 'TextBlock', 'TextLine']) {
      expect(xpath(xml, `count(//${ns(el)}[not(@HPOS) or not(@VPOS) or not(@WIDTH) or not(@HEIGHT)])`)).toBe('0');
    }
    expect(xpath(xml, `count(//${ns('TextBlock')}[not(@ID)])`)).toBe('0');
    expect(xpath(xml, `count(//${ns('String')})`)).toBe('20');
    expect(xpath(xml, `count(//${ns('String')}[not(@CONTENT) or @WC < 0 or @WC > 1])`)).toBe('0');
    // SP only between Strings.
    expect(xpath(xml, `count(//${ns('TextLine')}/*[1][local-name()='SP'] | //${ns('TextLine')}/*[last()][local-name()='SP'])`)).toBe('0');
    expect(xpath(xml, `string((//${ns('String')})[1]/@CONTENT)`)).toBe('Tom');
    expect(xpath(xml, `string((//${ns('String')})[4]/@CONTENT)`)).toBe('<say>');
  });
  it('uses unique IDs', () => {
    const ids = [...xml.matchAll(/ ID="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
