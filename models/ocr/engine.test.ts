// End-to-end tests with the real PP-OCR models on generated pages.
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcrEngine, defaultOcrModelDir, MODEL_FILES, type OcrEngine, type OcrProgress, type RawImage } from './index';
import { pageCer } from './metrics';
import { PROSE } from './testing/prose';
import { synthPage, type SynthPage } from './testing/synth';
import { bbox } from './geometry';

// Page CER measured on these exact generated pages (2026-11-28, onnxruntime-node 1.30, sharp 0.35):
// clean 0.0015, degraded 0.0047, turned 90° 0.0000, 20000-px strip 0.0000. With regressions
// switched on one at a time: no word-space inference → clean 0.054, degraded 0.165; no
// upright re-read of sideways pages → turned 0.122. The bounds sit between the two, with room for
// numeric differences across machines.
const CLEAN_BOUND = 0.01;
const DEGRADED_BOUND = 0.02;

const pageText = (lines: { text: string; block: number }[]) => {
  let prev = -1;
  return lines.map((l) => {
    const sep = prev >= 0 && l.block !== prev ? '\n\n' : '\n';
    prev = l.block;
    return sep + l.text;
  }).join('').trim();
};

async function rawFromSharp(pipe: ReturnType<typeof sharp>): Promise<RawImage> {
  const { data, info } = await pipe.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

let engine: OcrEngine;
let clean: SynthPage;

beforeAll(async () => {
  engine = await createOcrEngine({ threads: 2 });
  clean = await synthPage({ paragraphs: PROSE.slice(0, 2), width: 1275, height: 760, font: 'DejaVu Serif', size: 22, columns: 2 });
});
afterAll(async () => {
  await engine?.dispose();
});

describe('createOcrEngine', () => {
  it('resolves the bundled models', () => {
    expect(defaultOcrModelDir({ env: {} })).toMatch(/ocr-models[\\/]assets$/);
    expect(defaultOcrModelDir({ env: { PALISCOPE_OCR_MODELS: '/x' } })).toBe('/x');
  });

  it('reads a clean two-column page in reading order, with word boxes', async () => {
    const stages = new Set<OcrProgress['stage']>();
    const page = await engine.recognize(clean.image, { onProgress: (p) => stages.add(p.stage) });
    const cer = pageCer(clean.text, pageText(page.lines));
    console.log(`clean page CER ${cer.toFixed(4)}`);
    expect(cer).toBeLessThan(CLEAN_BOUND);
    expect([...stages]).toEqual(['detect', 'classify', 'recognize']);
    expect(page.rotationHint).toBe(0);
    expect(new Set(page.lines.map((l) => l.block)).size).toBeGreaterThanOrEqual(2);
    for (const line of page.lines) {
      expect(line.words.map((w) => w.text).join(' ')).toBe(line.text.replace(/\s+/g, ' '));
      const lb = bbox(line.box);
      let lastX = -Infinity;
      for (const w of line.words) {
        const wb = bbox(w.box);
        expect(wb.x0).toBeGreaterThanOrEqual(lb.x0 - 1);
        expect(wb.x1).toBeLessThanOrEqual(lb.x1 + 1);
        expect(wb.x0).toBeGreaterThan(lastX - 4);
        lastX = wb.x0;
        expect(w.confidence).toBeGreaterThan(0.5);
      }
    }
    expect(page.timings.total).toBeGreaterThan(0);
  });

  it('reads a skewed, blurred, noisy, JPEG-compressed page', async () => {
    const p = await synthPage({ paragraphs: PROSE.slice(3, 5), width: 1275, height: 700, font: 'Liberation Sans', size: 21, columns: 1, rotate: -2, blur: 0.6, noise: 8, jpegQuality: 60, seed: 7 });
    const page = await engine.recognize(p.image);
    const cer = pageCer(p.text, pageText(page.lines));
    console.log(`degraded page CER ${cer.toFixed(4)}`);
    expect(cer).toBeLessThan(DEGRADED_BOUND);
  });

  it.each([
    [90, 270],
    [180, 180],
  ] as const)('reads a page turned %i° clockwise, boxes in its own pixels, and says how to turn it back', async (turn, hint) => {
    const p = await synthPage({ paragraphs: PROSE.slice(6, 8), width: 1100, height: 700, font: 'Liberation Serif', size: 24, columns: 1 });
    const turned = await rawFromSharp(sharp(p.image.data, { raw: { width: p.image.width, height: p.image.height, channels: 3 } }).rotate(turn));
    const page = await engine.recognize(turned);
    expect(page.rotationHint).toBe(hint);
    const cer = pageCer(p.text, pageText(page.lines));
    console.log(`page turned ${turn}° CER ${cer.toFixed(4)}`);
    expect(cer).toBeLessThan(DEGRADED_BOUND);
    // The first line sits at the right edge (90°) or the bottom (180°) of the turned image.
    const first = bbox(page.lines[0]!.box);
    if (turn === 90) expect(first.x0).toBeGreaterThan(turned.width * 0.7);
    else expect(first.y0).toBeGreaterThan(turned.height * 0.7);
    for (const l of page.lines) for (const [x, y] of l.box) expect(x >= 0 && x <= turned.width && y >= 0 && y <= turned.height).toBe(true);
  });

  it('reads a 20000-px-wide strip', async () => {
    const sentence = PROSE[2]!.slice(0, 900);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="60"><rect width="100%" height="100%" fill="white"/><text x="20" y="42" font-family="DejaVu Sans" font-size="34">${sentence}</text></svg>`;
    const img = await rawFromSharp(sharp(Buffer.from(svg)).flatten({ background: '#fff' }));
    const page = await engine.recognize(img);
    const text = page.lines.map((l) => l.text).join(' ');
    const cer = pageCer(sentence, text);
    console.log(`strip CER ${cer.toFixed(4)}`);
    expect(cer).toBeLessThan(DEGRADED_BOUND);
    for (const l of page.lines) for (const [x, y] of l.box) expect(x >= 0 && x <= 20000 && y >= 0 && y <= 60).toBe(true);
  });

  it('returns no lines for a blank page and a 1×1 image', async () => {
    const blank: RawImage = { data: new Uint8Array(800 * 600 * 3).fill(255), width: 800, height: 600, channels: 3 };
    const b = await engine.recognize(blank);
    expect(b.lines).toEqual([]);
    expect(b.rotationHint).toBeUndefined();
    const one = await engine.recognize({ data: new Uint8Array([0, 0, 0]), width: 1, height: 1, channels: 3 });
    expect(one.lines).toEqual([]);
  });

  it('rejects malformed input with a reason', async () => {
    await expect(engine.recognize({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 })).rejects.toThrow(/needs 12 bytes, got 5/);
    await expect(engine.recognize({ data: new Uint8Array(0), width: 0, height: 2, channels: 3 })).rejects.toThrow(/invalid size/);
  });

  it('stops when cancelled, before or during a page', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(engine.recognize(clean.image, { signal: ac.signal })).rejects.toThrow(/cancelled/);
    const mid = new AbortController();
    const run = engine.recognize(clean.image, {
      signal: mid.signal,
      onProgress: (p) => {
        if (p.stage === 'classify') mid.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('custom recognizer', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'paliscope-ocr-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a dictionary that does not match the model', async () => {
    const dict = path.join(dir, 'small.txt');
    await writeFile(dict, 'a\nb\nc\n');
    await expect(createOcrEngine({ recognizer: { model: path.join(defaultOcrModelDir({}), MODEL_FILES.rec), dictionary: dict } })).rejects.toThrow(
      /6625 classes but dictionary .*small\.txt gives 5/,
    );
  });

  it('uses a recognizer and dictionary from another folder', async () => {
    const { copyFile } = await import('node:fs/promises');
    const model = path.join(dir, 'my-rec.onnx');
    const dict = path.join(dir, 'my-keys.txt');
    await copyFile(path.join(defaultOcrModelDir({}), MODEL_FILES.rec), model);
    await copyFile(path.join(defaultOcrModelDir({}), MODEL_FILES.dict), dict);
    const e = await createOcrEngine({ recognizer: { model, dictionary: dict } });
    const line = await synthPage({ paragraphs: ['A short line of text'], width: 500, height: 130, font: 'DejaVu Sans', size: 24, columns: 1 });
    try {
      expect((await e.recognize(line.image)).lines.map((l) => l.text)).toEqual(['A short line of text']);
    } finally {
      await e.dispose();
    }
  });

  it('names the missing file', async () => {
    await expect(createOcrEngine({ recognizer: { model: path.join(dir, 'nope.onnx'), dictionary: path.join(dir, 'nope.txt') } })).rejects.toThrow(/nope\.txt/);
  });
});
