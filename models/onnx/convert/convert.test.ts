import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../config';
import { writeFixture } from '../fixture';
import { decoderForward } from '../reference/gemma';
import { buildEmbeds } from '../reference/paligemma';
import { visionForward } from '../reference/siglip';
import { loadRefWeights, type RefWeights } from '../reference/weights';
import { Rng } from '../rng';
import { convertCheckpoint } from './convert';
import { emptyCache, maxAbsDiff, openSession, runDecoder, runEmbed, runVision } from './session';

const root = mkdtempSync(join(tmpdir(), 'paliscope-convert-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pixels(m: ModelSpec, seed: number): Float32Array {
  return new Rng(seed).fillUniform(new Float32Array(3 * m.vision.imageSize ** 2), 0.5);
}

interface Loaded { spec: ModelSpec; w: RefWeights; vision: ort.InferenceSession; embed: ort.InferenceSession; decoder: ort.InferenceSession }
async function prepare(name: string, fixture: Parameters<typeof writeFixture>[0] extends infer F ? Omit<F & object, 'outDir'> : never): Promise<Loaded> {
  const ck = join(root, `${name}-ck`), out = join(root, `${name}-onnx`);
  const { spec } = writeFixture({ ...fixture, outDir: ck });
  await convertCheckpoint({ checkpointDir: ck, outDir: out });
  return {
    spec, w: await loadRefWeights(ck),
    vision: await openSession(join(out, 'vision_encoder.onnx')),
    embed: await openSession(join(out, 'embed_tokens.onnx')),
    decoder: await openSession(join(out, 'decoder.onnx')),
  };
}

/** A prompt: N image tokens, <bos>, two text pieces, "\n" | suffix of 3 tokens. */
function prompt(m: ModelSpec): { ids: number[]; prefixLen: number } {
  const pre = [...Array(m.numImageTokens).fill(m.imageTokenIndex), 2, 480, 500, 108];
  return { ids: [...pre, 300, 301, 302], prefixLen: pre.length };
}

/** Host-side embedding assembly, exactly as the app does it: table rows, image_features over the <image> rows. */
async function embedsFor(L: Loaded, ids: number[], px: Float32Array): Promise<Float32Array> {
  const d = L.spec.text.hidden;
  const e = await runEmbed(L.embed, ids);
  const f = await runVision(L.vision, px, L.spec.vision.imageSize);
  let k = 0;
  ids.forEach((id, i) => { if (id === L.spec.imageTokenIndex) e.set(f.subarray(k * d, ++k * d), i * d); });
  return e;
}

for (const variant of ['tiny', 'tiny-pg1'] as const) {
  describe(`convert ${variant} (fp32, paliscope layout)`, () => {
    let L: Loaded;
    beforeAll(async () => {
      // PG1 goes through the other input paths: modern tensor names, shards, bf16 storage.
      L = await prepare(variant, variant === 'tiny' ? { preset: 'tiny', seed: 5 } : { preset: 'tiny-pg1', seed: 6, nameStyle: 'modern', shardBytes: 300_000, dtype: 'BF16' });
    });

    it('vision features match the float64 reference within 1e-4', async () => {
      const px = pixels(L.spec, 1);
      const got = await runVision(L.vision, px, L.spec.vision.imageSize);
      const want = visionForward(L.w, L.spec, Float64Array.from(px));
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
    });

    it('prefill logits at every position match the reference within 1e-4, and only asked-for rows are returned', async () => {
      const { ids, prefixLen } = prompt(L.spec);
      const px = pixels(L.spec, 2);
      const embeds = await embedsFor(L, ids, px);
      const pos = ids.map((_, i) => i + 1);
      const all = ids.map((_, i) => i);
      const { logits } = await runDecoder(L.decoder, L.spec, { embeds, positions: pos, cache: emptyCache(L.spec), prefixLength: prefixLen, logitsIndex: all });
      const refEmb = buildEmbeds(L.w, L.spec, ids, visionForward(L.w, L.spec, Float64Array.from(px)));
      const ref = decoderForward(L.w, L.spec, refEmb, pos, prefixLen).logits;
      expect(maxAbsDiff(logits, ref)).toBeLessThan(1e-4);
      const V = L.spec.text.vocab;
      const last = await runDecoder(L.decoder, L.spec, { embeds, positions: pos, cache: emptyCache(L.spec), prefixLength: prefixLen });
      expect(last.logits.length).toBe(V);
      expect(maxAbsDiff(last.logits, ref.subarray((ids.length - 1) * V))).toBeLessThan(1e-4);
      if (variant === 'tiny') {
        // The comparison would catch a missing sliding window: without it the reference differs far more than 1e-4.
        const noWindow = decoderForward(L.w, { ...L.spec, text: { ...L.spec.text, slidingWindow: null } }, refEmb, pos, prefixLen).logits;
        expect(maxAbsDiff(noWindow, ref)).toBeGreaterThan(1e-2);
      }
    });

    it('true prefix-LM attention: later prompt tokens reach earlier prompt positions, later suffix tokens do not reach earlier suffix positions', async () => {
      const { ids, prefixLen } = prompt(L.spec);
      const px = pixels(L.spec, 3);
      const V = L.spec.text.vocab;
      const pos = ids.map((_, i) => i + 1);
      const all = ids.map((_, i) => i);
      const run = async (x: number[]) => (await runDecoder(L.decoder, L.spec, { embeds: await embedsFor(L, x, px), positions: pos, cache: emptyCache(L.spec), prefixLength: prefixLen, logitsIndex: all })).logits;
      const base = await run(ids);
      const p2 = ids.slice(); p2[prefixLen - 2] = 520; // last text token of the prompt
      const a = await run(p2);
      expect(maxAbsDiff(base, a, 0, V)).toBeGreaterThan(1e-3); // first image position sees it
      expect(maxAbsDiff(base, a, (prefixLen - 3) * V, (prefixLen - 2) * V)).toBeGreaterThan(1e-3);
      const s2 = ids.slice(); s2[prefixLen + 1] = 333; // second suffix token
      const b = await run(s2);
      expect(maxAbsDiff(base, b, 0, (prefixLen + 1) * V)).toBe(0);
      expect(maxAbsDiff(base, b, (prefixLen + 1) * V)).toBeGreaterThan(1e-3);
    });

    it('KV cache: prefill + one-token steps give the same logits as one full forward', async () => {
      const { ids, prefixLen } = prompt(L.spec);
      const px = pixels(L.spec, 4);
      const embeds = await embedsFor(L, ids, px);
      const d = L.spec.text.hidden, V = L.spec.text.vocab;
      const pos = ids.map((_, i) => i + 1);
      const full = (await runDecoder(L.decoder, L.spec, { embeds, positions: pos, cache: emptyCache(L.spec), prefixLength: prefixLen, logitsIndex: ids.map((_, i) => i) })).logits;
      let step = await runDecoder(L.decoder, L.spec, { embeds: embeds.slice(0, prefixLen * d), positions: pos.slice(0, prefixLen), cache: emptyCache(L.spec), prefixLength: prefixLen });
      expect(maxAbsDiff(step.logits, full.subarray((prefixLen - 1) * V, prefixLen * V))).toBeLessThan(1e-4);
      for (let i = prefixLen; i < ids.length; i++) {
        step = await runDecoder(L.decoder, L.spec, { embeds: embeds.slice(i * d, (i + 1) * d), positions: [pos[i]!], cache: step.cache, prefixLength: prefixLen });
        expect(maxAbsDiff(step.logits, full.subarray(i * V, (i + 1) * V))).toBeLessThan(1e-4);
      }
      expect(step.cache[0]!.key.dims).toEqual([1, L.spec.text.kvHeads, ids.length, L.spec.text.headDim]);
    });

    it('multi-token suffix chunk after the prefix prefill scores every suffix token causally (teacher forcing)', async () => {
      const { ids, prefixLen } = prompt(L.spec);
      const embeds = await embedsFor(L, ids, pixels(L.spec, 5));
      const d = L.spec.text.hidden, V = L.spec.text.vocab;
      const pos = ids.map((_, i) => i + 1);
      const full = (await runDecoder(L.decoder, L.spec, { embeds, positions: pos, cache: emptyCache(L.spec), prefixLength: prefixLen, logitsIndex: ids.map((_, i) => i) })).logits;
      const pre = await runDecoder(L.decoder, L.spec, { embeds: embeds.slice(0, prefixLen * d), positions: pos.slice(0, prefixLen), cache: emptyCache(L.spec), prefixLength: prefixLen });
      const n = ids.length - prefixLen;
      const chunk = await runDecoder(L.decoder, L.spec, { embeds: embeds.slice(prefixLen * d), positions: pos.slice(prefixLen), cache: pre.cache, prefixLength: prefixLen, logitsIndex: Array.from({ length: n }, (_, i) => i) });
      expect(maxAbsDiff(chunk.logits, full.subarray(prefixLen * V))).toBeLessThan(1e-4);
    });
  });
}

describe('external data', () => {
  for (const dtype of ['fp32', 'int8', 'q4'] as const) it(`${dtype}: every large initializer in <graph>.onnx_data, the table and head streamed in small row blocks, gives the same logits as one inline block`, async () => {
    const ck = join(root, `ext-ck-${dtype}`);
    const { spec } = writeFixture({ preset: 'tiny', outDir: ck, seed: 12 });
    await convertCheckpoint({ checkpointDir: ck, outDir: join(root, 'ext-inline'), externalData: 'never', dtype });
    await convertCheckpoint({ checkpointDir: ck, outDir: join(root, 'ext-data'), externalData: 'always', dtype, rowBlockBytes: 7 * 64 * 4 });
    expect(existsSync(join(root, 'ext-data', 'decoder.onnx_data'))).toBe(true);
    expect(statSync(join(root, 'ext-data', 'decoder.onnx')).size).toBeLessThan(statSync(join(root, 'ext-inline', 'decoder.onnx')).size / (dtype === 'q4' ? 2 : 5));
    const ids = [2, 480, 500, 108, 300];
    const run = async (dir: string) => {
      const e = await runEmbed(await openSession(join(dir, 'embed_tokens.onnx')), ids);
      const dec = await openSession(join(dir, 'decoder.onnx'));
      return (await runDecoder(dec, spec, { embeds: e, positions: [1, 2, 3, 4, 5], cache: emptyCache(spec), prefixLength: 4, logitsIndex: [0, 1, 2, 3, 4] })).logits;
    };
    expect(maxAbsDiff(await run(join(root, 'ext-data')), await run(join(root, 'ext-inline')))).toBe(0);
  });
});

describe('convertCheckpoint errors', () => {
  it('stops on an aborted signal and names a missing checkpoint file', async () => {
    const ck = join(root, 'abort-ck');
    writeFixture({ preset: 'tiny-pg1', outDir: ck });
    const ac = new AbortController();
    ac.abort(new Error('user cancelled'));
    await expect(convertCheckpoint({ checkpointDir: ck, outDir: join(root, 'abort-out'), signal: ac.signal })).rejects.toThrow('user cancelled');
    rmSync(join(ck, 'model.safetensors'));
    await expect(convertCheckpoint({ checkpointDir: ck, outDir: join(root, 'abort-out') })).rejects.toThrow(/expected model\.safetensors or model\.safetensors\.index\.json/);
    await expect(convertCheckpoint({ checkpointDir: join(root, 'nowhere'), outDir: join(root, 'x') })).rejects.toThrow(/nowhere: cannot read config\.json/);
  });
});
