import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../onnx/fixture';
import { isEngineError } from '../runtime/errors';
import { PaliGemmaTokenizer, TextStreamer } from './tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'paliscope-tok-'));
let tok: PaliGemmaTokenizer;
let imageId: number;
let N: number;
let locStart: number;

beforeAll(async () => {
  const { spec } = writeFixture({ preset: 'tiny', outDir: dir, layers: 1 });
  imageId = spec.imageTokenIndex;
  N = spec.numImageTokens;
  locStart = imageId - 1024 - 128;
  tok = await PaliGemmaTokenizer.fromDir(dir, imageId);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PaliGemma tokenizer (fixture tokenizer.json)', () => {
  it('reads the Gemma special ids from tokenizer.json', () => {
    expect(tok.special).toEqual({ bos: 2, eos: 1, newline: 108, pad: 0, image: imageId });
  });

  it('lays out N image tokens, one <bos>, the prefix and "\\n"', () => {
    const p = tok.buildPrompt('caption en', N);
    const text = tok.encodeText('caption en');
    expect(text.length).toBeGreaterThan(0);
    expect(p.ids).toEqual([...Array(N).fill(imageId), 2, ...text, 108]);
    expect(p.prefixLength).toBe(p.ids.length);
    expect(p.ids.filter((i) => i === 2)).toHaveLength(1);
    expect(tok.decode(text)).toBe('caption en');
  });

  it('an empty prompt is N + 2 ids (as transformers.js: 258 at 224 px)', () => {
    expect(tok.buildPrompt('', N).ids).toHaveLength(N + 2);
  });

  it('keeps loc/seg tokens in decoded text and drops <eos>, <bos>, <image>', () => {
    const cat = tok.encodeText(' cat');
    const ids = [locStart + 12, locStart + 1023, locStart + 1024 + 5, ...cat, 1, 2, imageId];
    expect(tok.decode(ids)).toBe('<loc0012><loc1023><seg005> cat');
  });

  it('round-trips non-ASCII text through byte fallback', () => {
    expect(tok.decode(tok.encodeText('héllo wörld'))).toBe('héllo wörld');
  });

  it('rejects prompts carrying their own <image> markers', () => {
    let err: unknown;
    try { tok.buildPrompt('<image>caption en', N); } catch (e) { err = e; }
    expect(isEngineError(err, 'BAD_INPUT')).toBe(true);
  });

  it('names a missing tokenizer.json', async () => {
    const e = await PaliGemmaTokenizer.fromDir(join(dir, 'nope'), imageId).catch((x: unknown) => x);
    expect(isEngineError(e, 'MODEL_NOT_FOUND')).toBe(true);
    expect((e as Error).message).toContain('tokenizer.json');
  });
});

describe('TextStreamer', () => {
  it('streams deltas that concatenate to the full decode, holding back split UTF-8', () => {
    const ids = tok.encodeText('héllo <wörld>');
    const s = new TextStreamer((x) => tok.decode(x));
    const parts = ids.map((id) => s.push(id));
    parts.push(s.flush());
    expect(parts.join('')).toBe('héllo <wörld>');
    // 'é' is two byte pieces: the first alone must not emit a replacement character.
    expect(parts.some((p) => p.includes('\uFFFD'))).toBe(false);
  });
});
