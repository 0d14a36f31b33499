import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcrEngine } from '../engine';
import { pageCer } from '../metrics';
import { PROSE } from '../testing/prose';
import { synthPage, type SynthPage } from '../testing/synth';
import type { OcrPage } from '../types';
import { bbox } from '../geometry';
import { toSearchablePdf } from './pdf';

const HAS_PDFTOTEXT = spawnSync('sh', ['-c', 'command -v pdftotext']).status === 0;
if (!HAS_PDFTOTEXT) console.warn('pdftotext not found (apt-get install -y poppler-utils): searchable-PDF extraction checks skipped');

const dir = mkdtempSync(path.join(os.tmpdir(), 'paliscope-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let synth: SynthPage;
let page: OcrPage;
let pdf: Uint8Array;

beforeAll(async () => {
  synth = await synthPage({ paragraphs: PROSE.slice(1, 4), width: 1275, height: 700, font: 'Liberation Serif', size: 23, columns: 2 });
  const engine = await createOcrEngine({ threads: 2 });
  try {
    page = await engine.recognize(synth.image);
  } finally {
    await engine.dispose();
  }
  pdf = await toSearchablePdf([{ page, image: synth.image }, { page, image: synth.image }], { dpi: 150 });
});

describe('searchable PDF', () => {
  it('has one page per image, sized from the dpi', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(2);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo((1275 * 72) / 150, 3);
    expect(height).toBeCloseTo((700 * 72) / 150, 3);
  });

  // -raw reports text in content-stream order, which is the order the PDF writes (our reading
  // order). pdftotext's default mode re-derives the layout on its own and, on this narrow-gutter
  // page, interleaves the two columns whatever order the text was written in.
  it.skipIf(!HAS_PDFTOTEXT)(`extracts the recognised text in reading order with pdftotext -raw${HAS_PDFTOTEXT ? '' : ' (skipped: pdftotext is not installed)'}`, () => {
    const file = path.join(dir, 'out.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync('pdftotext', ['-raw', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const cer = pageCer(synth.text, r.stdout);
    console.log(`pdftotext CER vs ground truth ${cer.toFixed(4)}`);
    expect(cer).toBeLessThan(0.01);
  });

  it.skipIf(!HAS_PDFTOTEXT)(`places each word on its box so selection matches the image${HAS_PDFTOTEXT ? '' : ' (skipped: pdftotext is not installed)'}`, () => {
    const file = path.join(dir, 'bbox.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
    const words = [...r.stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)];
    const ours = page.lines.flatMap((l) => l.words);
    expect(words.length).toBe(ours.length);
    const scale = 72 / 150;
    // pdftotext orders words by its own layout analysis; compare each with our word of the same text nearest to it.
    let checked = 0;
    for (const m of words.slice(0, 40)) {
      const [x0, y0, x1] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const same = ours.filter((w) => w.text.replace(/&/g, '&amp;') === m[5]);
      if (!same.length) continue;
      const best = same
        .map((w) => bbox(w.box))
        .sort((a, b) => Math.abs(a.x0 * scale - x0) + Math.abs(a.y0 * scale - y0) - (Math.abs(b.x0 * scale - x0) + Math.abs(b.y0 * scale - y0)))[0]!;
      expect(Math.abs(best.x0 * scale - x0)).toBeLessThan(2);
      expect(Math.abs(best.x1 * scale - x1)).toBeLessThan(4);
      expect(Math.abs(best.y0 * scale - y0)).toBeLessThan(4);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });
});
