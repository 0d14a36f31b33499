import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli';
import { createOcrEngine } from './engine';
import type { OcrEngine } from './types';

class Sink {
  chunks: (string | Uint8Array)[] = [];
  isTTY = false;
  write(c: string | Uint8Array) {
    this.chunks.push(c);
    return true;
  }
  get text() {
    return this.chunks.map((c) => (typeof c === 'string' ? c : Buffer.from(c).toString('latin1'))).join('');
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'paliscope-cli-'));
const file = (n: string) => path.join(dir, n);

async function textImage(name: string, lines: string[]): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="${40 + lines.length * 40}"><rect width="100%" height="100%" fill="white"/>${lines
    .map((l, i) => `<text x="30" y="${50 + i * 40}" font-family="DejaVu Sans" font-size="24">${l}</text>`)
    .join('')}</svg>`;
  await sharp(Buffer.from(svg)).flatten({ background: '#fff' }).png().toFile(file(name));
}

let shared: OcrEngine | undefined;
/** Reuses one warm engine (dispose is deferred to afterAll) for tests that run the CLI many times. */
const sharedEngine: typeof createOcrEngine = async (opts) => {
  shared ??= await createOcrEngine(opts);
  return { recognize: shared.recognize, dispose: async () => undefined };
};

async function cli(...argv: string[]) {
  return cliWith(undefined, ...argv);
}

async function cliWith(factory: typeof createOcrEngine | undefined, ...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await run(argv, { stdout: stdout as never, stderr: stderr as never }, { createEngine: factory ?? createOcrEngine });
  return { code, out: stdout.text, err: stderr.text, stdout };
}

beforeAll(async () => {
  await textImage('one.png', ['The quick brown fox jumps', 'over the lazy dog']);
  await textImage('two.png', ['Pack my box with five dozen liquor jugs']);
  writeFileSync(file('broken.png'), 'not an image at all');
});
afterAll(async () => {
  await shared?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('paliscope ocr', () => {
  it('prints text for one file', async () => {
    const r = await cli(file('one.png'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('The quick brown fox jumps\nover the lazy dog\n');
    expect(r.err).toBe('');
  });

  it('prints JSON to stdout with --format json', async () => {
    const r = await cli(file('two.png'), '--format', 'json', '--threads', '1');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.pages[0].lines[0].text).toBe('Pack my box with five dozen liquor jugs');
    expect(j.pages[0].lines[0].words).toHaveLength(8);
  });

  it('names an unreadable file, still processes the rest, and exits non-zero', async () => {
    const r = await cli(file('broken.png'), file('two.png'), file('missing.tiff'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file('broken.png')}: `);
    expect(r.err).toContain(`${file('missing.tiff')}: the file does not exist`);
    expect(r.out).toContain('Pack my box with five dozen liquor jugs');
  });

  it('writes one file per input and format into --out, with page progress on stderr', async () => {
    const out = file('out');
    for (const format of ['txt', 'hocr', 'alto', 'pdf', 'json']) {
      const r = await cliWith(sharedEngine, file('one.png'), file('two.png'), '--format', format, '--out', out);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toBe('');
      expect(r.err).toContain('2/2 pages');
    }
    expect(readdirSync(out).sort()).toEqual(
      ['one.alto.xml', 'one.hocr', 'one.json', 'one.pdf', 'one.txt', 'two.alto.xml', 'two.hocr', 'two.json', 'two.pdf', 'two.txt'].sort(),
    );
    expect(readFileSync(path.join(out, 'two.txt'), 'utf8')).toBe('Pack my box with five dozen liquor jugs\n');
    expect(readFileSync(path.join(out, 'one.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(path.join(out, 'one.alto.xml'), 'utf8')).toContain('CONTENT="quick"');
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli(file('one.png'), '--format', 'docx')).err).toContain('unknown --format "docx"');
    expect((await cli(file('one.png'), '--threads', 'zero')).code).toBe(2);
    expect((await cli(file('one.png'), file('two.png'), '--format', 'alto')).err).toContain('needs --out');
    expect((await cli(file('one.png'), '--recognizer', 'x.onnx')).code).toBe(2);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('--format FMT');
  });

  it('reports a missing recognizer clearly', async () => {
    const r = await cli(file('one.png'), '--recognizer', file('none.onnx'), '--dictionary', file('none.txt'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('none.txt');
  });
});
