import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../config';
import { writeFixture } from '../fixture';
import { Rng } from '../rng';
import { canAttend, decoderForward, rope } from './gemma';
import { rmsNorm } from './math';
import { buildEmbeds, paligemmaForward } from './paligemma';
import { visionForward } from './siglip';
import { loadRefWeights, type RefWeights } from './weights';

const dir = mkdtempSync(join(tmpdir(), 'paliscope-ref-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let spec: ModelSpec;
let w: RefWeights;
beforeAll(async () => {
  spec = writeFixture({ preset: 'tiny', outDir: dir, seed: 11 }).spec;
  w = await loadRefWeights(dir);
});

function pixels(seed: number): Float64Array {
  const a = new Float32Array(3 * spec.vision.imageSize ** 2);
  new Rng(seed).fillUniform(a, 0.5);
  return Float64Array.from(a);
}
const maxAbsDiff = (a: Float64Array, b: Float64Array, from = 0, to = a.length) => {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('reference building blocks', () => {
  it('RoPE makes q·k depend only on the position difference and keeps norms', () => {
    const hd = 16;
    const q0 = Float64Array.from({ length: hd }, (_, i) => Math.sin(i + 1));
    const k0 = Float64Array.from({ length: hd }, (_, i) => Math.cos(3 * i));
    const dot = (pq: number, pk: number) => {
      const q = q0.slice(), k = k0.slice();
      rope(q, 0, hd, pq, 10000); rope(k, 0, hd, pk, 10000);
      return q.reduce((a, v, i) => a + v * k[i]!, 0);
    };
    expect(dot(7, 3)).toBeCloseTo(dot(107, 103), 10);
    expect(Math.abs(dot(7, 3) - dot(7, 4))).toBeGreaterThan(1e-3);
    const q = q0.slice(); rope(q, 0, hd, 5, 10000);
    expect(Math.hypot(...q)).toBeCloseTo(Math.hypot(...q0), 10);
  });
  it('RMSNorm scales by (1 + w)', () => {
    const y = rmsNorm(Float64Array.of(3, 4), 2, Float64Array.of(0, 1), 0);
    const r = Math.sqrt(12.5);
    expect(y[0]).toBeCloseTo(3 / r, 12);
    expect(y[1]).toBeCloseTo((2 * 4) / r, 12);
  });
  it('prefix-LM mask: bidirectional inside the prefix, causal after, window limits the look-back', () => {
    expect(canAttend(1, 4, 5, null)).toBe(true); // prefix sees later prefix
    expect(canAttend(1, 5, 5, null)).toBe(false); // prefix never sees suffix
    expect(canAttend(6, 5, 5, null)).toBe(true);
    expect(canAttend(5, 6, 5, null)).toBe(false);
    expect(canAttend(9, 2, 5, 8)).toBe(true); // 7 back, window 8
    expect(canAttend(9, 1, 5, 8)).toBe(false); // 8 back
    expect(canAttend(1, 9, 10, 8)).toBe(true); // the window only limits the look-back (HF kv_idx > q_idx − window)
  });
});

describe('reference PaliGemma forward (tiny PG2)', () => {
  it('vision features have the documented shape and scale (projector output / √d)', () => {
    const f = visionForward(w, spec, pixels(1));
    expect(f.length).toBe(spec.numImageTokens * spec.text.hidden);
    expect(f.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(f, visionForward(w, spec, pixels(2)))).toBeGreaterThan(1e-3);
  });

  it('prefix tokens see later prefix tokens; suffix tokens never see later suffix tokens', () => {
    const N = spec.numImageTokens;
    const prompt = [2, 480, 500, 108]; // <bos> two text pieces "\n"
    const ids = [...Array(N).fill(spec.imageTokenIndex), ...prompt, 300, 301, 302];
    const prefixLen = N + prompt.length;
    const px = pixels(3);
    const V = spec.text.vocab;
    const base = paligemmaForward(w, spec, px, ids, prefixLen).logits;
    const changedPrompt = ids.slice(); changedPrompt[N + 2] = 520;
    const a = paligemmaForward(w, spec, px, changedPrompt, prefixLen).logits;
    expect(maxAbsDiff(base, a, (N + 1) * V, (N + 2) * V)).toBeGreaterThan(1e-4); // earlier prompt position changed
    expect(maxAbsDiff(base, a, 0, V)).toBeGreaterThan(1e-4); // even the first image position
    const changedSuffix = ids.slice(); changedSuffix[prefixLen + 2] = 333;
    const b = paligemmaForward(w, spec, px, changedSuffix, prefixLen).logits;
    expect(maxAbsDiff(base, b, 0, (prefixLen + 2) * V)).toBe(0);
    expect(maxAbsDiff(base, b, (prefixLen + 2) * V)).toBeGreaterThan(1e-4);
  });

  it('sliding-window layers change late positions only', () => {
    const ids = [2, ...Array.from({ length: 13 }, (_, i) => 400 + i)];
    const pos = ids.map((_, i) => i + 1);
    const e = buildEmbeds(w, spec, ids);
    const windowed = decoderForward(w, spec, e, pos, 1).logits;
    const full = decoderForward(w, { ...spec, text: { ...spec.text, slidingWindow: null } }, e, pos, 1).logits;
    const V = spec.text.vocab, W = spec.text.slidingWindow!;
    expect(maxAbsDiff(windowed, full, 0, W * V)).toBe(0); // positions < window see every key either way
    expect(maxAbsDiff(windowed, full, W * V)).toBeGreaterThan(1e-4);
  });
});
