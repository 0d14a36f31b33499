// Word segmentation on rendered prose in several fonts: the recognizer must keep word spaces
// (search, hOCR/ALTO word boxes and the searchable PDF all depend on them), on clean lines and
// on scan-like ones. Uses the real PP-OCR models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcrEngine, type OcrEngine, type OcrPage } from './index';
import { bbox } from './geometry';
import { normalizeWhitespace, wer } from './metrics';
import { textErrors } from '../eval/text';
import { PROSE } from './testing/prose';
import { synthPage, type SynthPageSpec } from './testing/synth';

// WER measured on these exact strips (≈ 120 words each; 2026-12-07, onnxruntime-node 1.30).
// Before the space-evidence decoding and the pitch stretch: clean Liberation Serif 0.008,
// Liberation Sans Narrow 0.009, others 0; scanned Liberation Serif 0.088, Liberation Sans 0,
// Liberation Sans Narrow 0.059. After: clean 0 on all five, scanned 0 / 0 / 0.008; scanned Liberation Sans
// Narrow measured 0.034 again on 2026-12-07 (after the PDF-font and bench commits), its four word errors all
// glyphs, not spaces: two dropped commas, "girl," read "gir", "I" read "l". So WER bounds the whole reading
// (one word error per clean strip, five per scanned one), and the word-space claim itself is checked directly:
// no truth word merged with its neighbour and none split in two, counted on the aligned word sequences.
const CLEAN_WER = 0.01;
const SCAN_WER = 0.045;
const MAX_SPACE_ERRORS = { clean: 0, scanned: 1 } as const;

const FONTS = ['Liberation Serif', 'Liberation Sans', 'Liberation Sans Narrow', 'DejaVu Sans Condensed', 'DejaVu Serif'];
const SCAN = { rotate: 1.2, blur: 0.6, noise: 6, jpegQuality: 65 } as const;

let engine: OcrEngine;
beforeAll(async () => {
  engine = await createOcrEngine({ threads: 2 });
});
afterAll(async () => {
  await engine?.dispose();
});

const pageText = (page: OcrPage) => page.lines.map((l) => l.text).join('\n');
/** Truth words run together with a neighbour plus truth words cut in two, as the evaluation counts them. */
function spaceErrors(truth: string, read: string): number {
  const { mergedWords, splitWords } = textErrors(truth, read);
  return mergedWords + splitWords;
}

const seen = new Map<string, Promise<{ strip: Awaited<ReturnType<typeof synthPage>>; page: OcrPage; wer: number }>>();
/** Reads one strip (memoised: the word-box test reuses a strip read by another test). */
function read(font: string, k: number, extra: Partial<SynthPageSpec> = {}) {
  const key = JSON.stringify([font, k, extra]);
  if (!seen.has(key)) seen.set(key, readStrip(font, k, extra));
  return seen.get(key)!;
}

async function readStrip(font: string, k: number, extra: Partial<SynthPageSpec>) {
  const spec: SynthPageSpec = { paragraphs: [PROSE[k % PROSE.length]!, PROSE[(k + 1) % PROSE.length]!], width: 1240, height: 420, font, size: 17, columns: 1, seed: k, ...extra };
  const strip = await synthPage(spec);
  const page = await engine.recognize(strip.image);
  return { strip, page, wer: wer(strip.text, pageText(page)) };
}

describe('word spaces', () => {
  it.each(FONTS.map((f, k) => [f, k] as const))('keeps the words of clean %s text', async (font, k) => {
    const { strip, page, wer: w } = await read(font, k);
    console.log(`clean ${font}: WER ${w.toFixed(3)}\n  truth: ${normalizeWhitespace(strip.text)}\n  read:  ${normalizeWhitespace(pageText(page))}`);
    expect(w).toBeLessThanOrEqual(CLEAN_WER);
    expect(spaceErrors(strip.text, pageText(page))).toBeLessThanOrEqual(MAX_SPACE_ERRORS.clean);
  });

  it.each(FONTS.slice(0, 3).map((f, k) => [f, k] as const))('keeps the words of scanned %s text', async (font, k) => {
    const { strip, page, wer: w } = await read(font, k + 3, SCAN);
    console.log(`scan ${font}: WER ${w.toFixed(3)}\n  truth: ${normalizeWhitespace(strip.text)}\n  read:  ${normalizeWhitespace(pageText(page))}`);
    expect(w).toBeLessThanOrEqual(SCAN_WER);
    expect(spaceErrors(strip.text, pageText(page))).toBeLessThanOrEqual(MAX_SPACE_ERRORS.scanned);
  });

  it('gives every word its own box, in reading order, inside its line', async () => {
    const { page } = await read('Liberation Sans Narrow', 2);
    for (const line of page.lines) {
      expect(line.words.map((w) => w.text).join(' ')).toBe(line.text);
      const lb = bbox(line.box);
      let right = -Infinity;
      for (const w of line.words) {
        const b = bbox(w.box);
        expect(b.x0).toBeGreaterThanOrEqual(lb.x0 - 1);
        expect(b.x1).toBeLessThanOrEqual(lb.x1 + 1);
        // Words do not overlap their left neighbour by more than a pixel or two.
        expect(b.x0).toBeGreaterThanOrEqual(right - 2);
        right = b.x1;
      }
    }
  });
});
