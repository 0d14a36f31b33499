import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './cli-fixture';
import { parseConfig, toHfConfig } from './config';
import { bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits } from './dtype';
import { PRESETS, presetSpec, writeFixture } from './fixture';
import { openCheckpoint, readTensorF32 } from './safetensors';
import { canonicalName, weightSpecs } from './weights';

const root = mkdtempSync(join(tmpdir(), 'paliscope-fixture-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;

describe('fixture', () => {
  it('writes a tiny PG2 checkpoint whose config, weights and tokenizer agree', async () => {
    const dir = join(root, 'tiny');
    expect(await run(['--preset', 'tiny', '--out', dir, '--seed', '3'])).toBe(0);
    const spec = parseConfig(readJson(join(dir, 'config.json')));
    expect(spec.text.family).toBe('gemma2');
    expect(spec.text.slidingWindow).toBe(8);
    const ck = await openCheckpoint(dir);
    const want = weightSpecs(spec);
    expect(ck.size).toBe(want.length);
    for (const w of want) expect(ck.get(w.name)?.shape).toEqual(w.shape);
    const tok = readJson(join(dir, 'tokenizer.json')) as { model: { type: string; byte_fallback: boolean; vocab: Record<string, number>; merges: string[] } };
    const vocab = tok.model.vocab;
    expect(tok.model.type).toBe('BPE');
    expect(tok.model.byte_fallback).toBe(true);
    expect([vocab['<pad>'], vocab['<eos>'], vocab['<bos>'], vocab['<unk>'], vocab['\n']]).toEqual([0, 1, 2, 3, 108]);
    expect(vocab['<image>']).toBe(spec.imageTokenIndex);
    expect(vocab['<seg000>']! - vocab['<loc0000>']!).toBe(1024);
    expect(vocab['<loc1023>']).toBe(vocab['<loc0000>']! + 1023);
    expect(spec.imageTokenIndex).toBeLessThan(spec.text.vocab);
    // Every merge joins two existing pieces into an existing piece (else the BPE model is invalid).
    for (const m of tok.model.merges) {
      const [a, b] = m.split(' ');
      expect(vocab[a!] !== undefined && vocab[b!] !== undefined && vocab[a! + b!] !== undefined).toBe(true);
    }
    const pre = readJson(join(dir, 'preprocessor_config.json'));
    expect(pre.image_seq_length).toBe(spec.numImageTokens);
  });

  it('is deterministic per seed, and the legacy / modern / sharded / bf16 variants hold the same values', async () => {
    const a = writeFixture({ preset: 'tiny-pg1', outDir: join(root, 'a'), seed: 1 });
    writeFixture({ preset: 'tiny-pg1', outDir: join(root, 'b'), seed: 1, nameStyle: 'modern', shardBytes: 200_000 });
    writeFixture({ preset: 'tiny-pg1', outDir: join(root, 'c'), seed: 2 });
    writeFixture({ preset: 'tiny-pg1', outDir: join(root, 'd'), seed: 1, dtype: 'BF16' });
    writeFixture({ preset: 'tiny-pg1', outDir: join(root, 'e'), seed: 1, dtype: 'F16' });
    expect(a.spec.text.kvHeads).toBe(1);
    const [ca, cb, cc, cd, ce] = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((d) => openCheckpoint(join(root, d))));
    expect(new Set([...cb!.values()].map((t) => t.file)).size).toBeGreaterThan(1);
    expect([...cb!.keys()].some((k) => k.startsWith('model.language_model.'))).toBe(true);
    for (const [name, t] of cb!) {
      const x = readTensorF32(ca!.get(canonicalName(name))!);
      expect(readTensorF32(t)).toEqual(x);
    }
    const name = 'language_model.model.layers.0.self_attn.q_proj.weight';
    const x = readTensorF32(ca!.get(name)!);
    expect(readTensorF32(cc!.get(name)!)).not.toEqual(x);
    const y = readTensorF32(cd!.get(name)!);
    let maxRel = 0;
    x.forEach((v, i) => { maxRel = Math.max(maxRel, Math.abs(v - y[i]!) / Math.abs(v)); });
    expect(maxRel).toBeLessThan(2 ** -8); // bf16 keeps 8 significant bits
    expect(maxRel).toBeGreaterThan(0);
    const z = readTensorF32(ce!.get(name)!);
    // fp16: half an ulp of 11 significant bits in the normal range; below 2⁻¹⁴ (subnormals) half of 2⁻²⁴ absolute.
    let worst = 0;
    x.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - z[i]!) / Math.max(Math.abs(v) * 2 ** -11, 2 ** -25)); });
    expect(worst).toBeLessThanOrEqual(1);
    expect(z).not.toEqual(x);
  });

  it('rejects bad arguments with a message naming them', async () => {
    expect(await run(['--preset', 'huge', '--out', join(root, 'x')])).toBe(2);
    expect(await run(['--preset', 'tiny'])).toBe(2);
    expect(() => writeFixture({ preset: 'tiny', outDir: join(root, 'y'), layers: 0 })).toThrow(/--layers 0/);
  });
});

describe('presets', () => {
  it('round-trip through config.json, and real-width presets have the published PaliGemma 2 3B shapes', () => {
    for (const p of PRESETS) {
      const { spec } = presetSpec(p, 3);
      expect(parseConfig(toHfConfig(spec) as Record<string, unknown>)).toEqual(spec);
    }
    for (const [p, n] of [['paligemma2-3b-224', 256], ['paligemma2-3b-448', 1024], ['paligemma2-3b-896', 4096]] as const) {
      const { spec } = presetSpec(p, 30);
      expect(spec.numImageTokens).toBe(n);
      expect([spec.vision.hidden, spec.vision.heads, spec.vision.intermediate, spec.vision.layers]).toEqual([1152, 16, 4304, 27]);
      expect([spec.text.hidden, spec.text.heads, spec.text.kvHeads, spec.text.headDim, spec.text.intermediate]).toEqual([2304, 8, 4, 256, 9216]);
      expect([spec.imageTokenIndex, spec.text.vocab, spec.text.slidingWindow]).toEqual([257152, 257216, 4096]);
    }
    // 10B and 28B decoder widths (doc §2.4); 28B's query scale is 1/√144 with head_dim 128.
    const t10 = presetSpec('paligemma2-10b-224', 2).spec.text, t28 = presetSpec('paligemma2-28b-224', 2).spec.text;
    expect([t10.hidden, t10.heads, t10.kvHeads, t10.headDim, t10.intermediate, t10.queryScale]).toEqual([3584, 16, 8, 256, 14336, 1 / 16]);
    expect([t28.hidden, t28.heads, t28.kvHeads, t28.headDim, t28.intermediate, t28.queryScale]).toEqual([4608, 32, 16, 128, 36864, 1 / 12]);
  });
});

describe('16-bit float conversions', () => {
  it('round-trips representable values and rounds to nearest even', () => {
    for (const v of [0, 1, -2.5, 65504, 2 ** -24, 0.333251953125]) expect(f16BitsToF32(f32ToF16Bits(v))).toBe(v);
    expect(f16BitsToF32(f32ToF16Bits(1e6))).toBe(Infinity);
    expect(f16BitsToF32(f32ToF16Bits(1 + 2 ** -11))).toBe(1); // tie → even
    expect(f16BitsToF32(f32ToF16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    for (const v of [0, 1, -3.75, 1e30]) expect(bf16BitsToF32(f32ToBf16Bits(v))).toBeCloseTo(v, -30);
    expect(bf16BitsToF32(f32ToBf16Bits(1 + 2 ** -8))).toBe(1);
    expect(bf16BitsToF32(f32ToBf16Bits(1 + 3 * 2 ** -8))).toBe(1 + 2 ** -6);
  });
});
