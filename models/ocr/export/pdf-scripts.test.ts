// The searchable PDF's text layer for every script: words in accented Latin, Greek, Cyrillic and
// CJK come back from pdftotext exactly (the old Helvetica/WinAnsi layer turned them into '?').
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OcrLine, OcrPage, Quad, RawImage } from '../types';
import { toSearchablePdf } from './pdf';
import { defaultPdfFonts } from './pdf-fonts';

const HAS_PDFTOTEXT = spawnSync('sh', ['-c', 'command -v pdftotext']).status === 0;
const why = HAS_PDFTOTEXT ? '' : ' (skipped: pdftotext is not installed; apt-get install -y poppler-utils)';
if (!HAS_PDFTOTEXT) console.warn(`pdftotext not found${why}`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'paliscope-pdf-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = [
  'Łódź żółć Straße Søster naïve façade œuvre Dvořák',
  'Η θάλασσα ήταν ήσυχη το πρωί',
  'Утром над рекой стоял густой туман',
  '中文文本识别 日本語のテキスト カタカナ',
  'Mixed 北京 Αθήνα Москва end',
];

const W = 1200, H = 100 + LINES.length * 60;
const rect = (x0: number, y0: number, x1: number, y1: number): Quad => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

/** A page whose lines and words sit on a grid (the writer only needs the boxes and texts). */
function page(lines: readonly string[]): OcrPage {
  const out: OcrLine[] = lines.map((text, i) => {
    const y0 = 50 + i * 60, y1 = y0 + 40;
    let x = 40;
    const words = text.split(' ').map((w) => {
      const width = 24 * Array.from(w).length;
      const box = rect(x, y0, x + width, y1);
      x += width + 16;
      return { text: w, confidence: 0.9, box };
    });
    return { text, confidence: 0.9, box: rect(40, y0, x, y1), words, block: i };
  });
  return { width: W, height: H, lines: out, timings: {} };
}
const white: RawImage = { width: W, height: H, channels: 3, data: new Uint8Array(W * H * 3).fill(255) };

function pdftotext(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const r = spawnSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('searchable PDF text layer for every script', () => {
  it.skipIf(!HAS_PDFTOTEXT)(`gives back Latin-extended, Greek, Cyrillic and CJK lines exactly${why}`, async () => {
    const bytes = await toSearchablePdf([{ page: page(LINES), image: white }]);
    const lines = pdftotext(bytes, 'scripts.pdf').split('\n').map((l) => l.trim()).filter((l) => l && l !== '\f');
    expect(lines).toEqual(LINES);
  });

  it.skipIf(!HAS_PDFTOTEXT)(`embeds subsets, and the CJK font only for documents that need it${why}`, async () => {
    const latin = await toSearchablePdf([{ page: page(LINES.slice(0, 3)), image: white }]);
    const cjk = await toSearchablePdf([{ page: page(LINES), image: white }]);
    // pdffonts (poppler-utils, like pdftotext) lists each embedded font ("NotoSans-Regular-2000").
    const fonts = (b: Uint8Array, name: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, b);
      const r = spawnSync('pdffonts', [file], { encoding: 'utf8' });
      return new Set([...r.stdout.matchAll(/^(NotoSans\S*?)-\d+\s/gm)].map((m) => m[1]));
    };
    expect(fonts(latin, 'latin.pdf')).toEqual(new Set(['NotoSans-Regular']));
    expect(fonts(cjk, 'cjk.pdf')).toEqual(new Set(['NotoSans-Regular', 'NotoSansSC-Regular']));
    // Subsets keep the files small (the CJK font file alone is 10.5 MB).
    expect(cjk.length).toBeLessThan(300_000);
  });

  it.skipIf(!HAS_PDFTOTEXT)(`writes '?' for characters no font has, one per character${why}`, async () => {
    // Hangul is in neither bundled font.
    const bytes = await toSearchablePdf([{ page: page(['Seoul 서울 ok']), image: white }]);
    expect(pdftotext(bytes, 'hangul.pdf').trim()).toBe('Seoul ?? ok');
  });

  it('names a missing or broken font file', async () => {
    await expect(toSearchablePdf([{ page: page(['x']), image: white }], { fonts: [path.join(dir, 'nope.ttf')] })).rejects.toThrow(/cannot read text-layer font .*nope\.ttf/);
    const junk = path.join(dir, 'junk.ttf');
    writeFileSync(junk, 'not a font');
    await expect(toSearchablePdf([{ page: page(['x']), image: white }], { fonts: [junk] })).rejects.toThrow(/junk\.ttf is not a usable TrueType\/OpenType font/);
  });

  it('resolves the bundled fonts, or a folder from PALISCOPE_PDF_FONTS', () => {
    const files = defaultPdfFonts({ env: {} });
    expect(files.map((f) => path.basename(f))).toEqual(['NotoSans-Regular.ttf', 'NotoSansSC_400Regular.ttf']);
    expect(defaultPdfFonts({ env: { PALISCOPE_PDF_FONTS: '/f' } })).toEqual([path.join('/f', 'NotoSans-Regular.ttf'), path.join('/f', 'NotoSansSC_400Regular.ttf')]);
  });
});
