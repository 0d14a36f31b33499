import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../config';
import { writeFixture } from '../fixture';
import { decoderForward } from '../reference/gemma';
import { buildEmbeds } from '../reference/paligemma';
import { loadRefWeights, type RefWeights } from '../reference/weights';
import { convertCheckpoint } from './convert';
import { emptyCache, maxAbsDiff, openSession, runDecoder, runEmbed } from './session';

const root = mkdtempSync(join(tmpdir(), 'paliscope-oc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let spec: ModelSpec, w: RefWeights, out: string;
beforeAll(async () => {
  const ck = join(root, 'ck');
  out = join(root, 'onnx-community');
  spec = writeFixture({ preset: 'tiny', outDir: ck, seed: 9 }).spec;
  w = await loadRefWeights(ck);
  await convertCheckpoint({ checkpointDir: ck, outDir: out, layout: 'onnx-community' });
});

describe('onnx-community layout', () => {
  it('has the published file names and graph I/O names (doc §4.1, §4.2)', async () => {
    for (const f of ['onnx/vision_encoder.onnx', 'onnx/embed_tokens.onnx', 'onnx/decoder_model_merged.onnx', 'config.json', 'tokenizer.json', 'preprocessor_config.json']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const v = await openSession(join(out, 'onnx/vision_encoder.onnx'));
    expect([v.inputNames, v.outputNames]).toEqual([['pixel_values'], ['image_features']]);
    const e = await openSession(join(out, 'onnx/embed_tokens.onnx'));
    expect([e.inputNames, e.outputNames]).toEqual([['input_ids'], ['inputs_embeds']]);
    const d = await openSession(join(out, 'onnx/decoder_model_merged.onnx'));
    const L = spec.text.layers;
    expect(d.inputNames).toEqual(['inputs_embeds', 'position_ids', ...Array.from({ length: L }, (_, l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]).flat()]);
    expect(d.outputNames).toEqual(['logits', ...Array.from({ length: L }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat()]);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { num_image_tokens: number; text_config: { head_dim: number } };
    expect([cfg.num_image_tokens, cfg.text_config.head_dim]).toEqual([spec.numImageTokens, spec.text.headDim]);
  });

  it('behaves like the export recipe: bidirectional prefill, all-past single steps, no sliding window, logits for all rows', async () => {
    const d = await openSession(join(out, 'onnx/decoder_model_merged.onnx'));
    const emb = await openSession(join(out, 'onnx/embed_tokens.onnx'));
    const ids = [2, ...Array.from({ length: 12 }, (_, i) => 400 + i), 108]; // longer than the window (8)
    const suffix = [300, 301];
    const all = [...ids, ...suffix];
    const pos = all.map((_, i) => i + 1);
    const V = spec.text.vocab, D = spec.text.hidden;
    const noWindow = { ...spec, text: { ...spec.text, slidingWindow: null } };
    const ref = decoderForward(w, noWindow, buildEmbeds(w, spec, all), pos, ids.length).logits;
    const e = await runEmbed(emb, all);
    let r = await runDecoder(d, spec, { embeds: e.slice(0, ids.length * D), positions: pos.slice(0, ids.length), cache: emptyCache(spec) });
    expect(r.logits.length).toBe(ids.length * V);
    expect(maxAbsDiff(r.logits, ref.subarray(0, ids.length * V))).toBeLessThan(1e-4);
    for (let i = ids.length; i < all.length; i++) {
      r = await runDecoder(d, spec, { embeds: e.slice(i * D, (i + 1) * D), positions: [pos[i]!], cache: r.cache });
      expect(maxAbsDiff(r.logits, ref.subarray(i * V, (i + 1) * V))).toBeLessThan(1e-4);
    }
    // A two-token suffix chunk in one call is bidirectional in this layout (doc §4.2 (c)): its first row differs from
    // the causal reference — the reason Paliscope's own layout takes prefix_length.
    const r0 = await runDecoder(d, spec, { embeds: e.slice(0, ids.length * D), positions: pos.slice(0, ids.length), cache: emptyCache(spec) });
    const chunk = await runDecoder(d, spec, { embeds: e.slice(ids.length * D), positions: pos.slice(ids.length), cache: r0.cache });
    expect(maxAbsDiff(chunk.logits.subarray(0, V), ref.subarray(ids.length * V, (ids.length + 1) * V))).toBeGreaterThan(1e-3);
  });
});
