import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRefWeights } from '../onnx/reference/weights';
import { isEngineError } from '../runtime/errors';
import type { MachineInfo } from '../runtime/machine';
import { createPaliGemma, type PaliGemmaEngine, type StreamToken } from './engine';
import { preprocessImage } from './preprocess';
import { referenceGreedy } from './reference-greedy';
import { testImagePng } from './test-images';
import { prepareTinyModel, type TinyModel } from './test-fixture';

const machine: MachineInfo = { platform: 'linux', arch: 'x64', logicalCores: 2, physicalCores: 2, totalMemoryBytes: 8e9, cudaInstalled: false };
const MAX = 12;
let pv: TinyModel, oc: TinyModel;
let image: Buffer;
const engines: PaliGemmaEngine[] = [];

beforeAll(async () => {
  [pv, oc, image] = await Promise.all([prepareTinyModel('paliscope'), prepareTinyModel('onnx-community'), testImagePng('photo')]);
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.dispose()));
  pv.cleanup();
  oc.cleanup();
});
const open = async (m: TinyModel, extra: object = {}) => {
  const e = await createPaliGemma({ modelDir: m.modelDir, machine, prefs: { threads: 1 }, ...extra });
  engines.push(e);
  return e;
};

describe('PaliGemma engine on tiny converted models', () => {
  it('greedy tokens equal the float64 reference forward pass (both layouts)', async () => {
    const e = await open(pv);
    const px = await preprocessImage(image, { size: e.config.imageSize });
    const prompt = e.tokenizer.buildPrompt('caption en', e.config.numImageTokens);
    // Generated text never stops early on a random model unless it draws eos; compare the whole run.
    const ref = referenceGreedy(await loadRefWeights(pv.checkpointDir), pv.spec, px.pixels, prompt.ids, { maxNewTokens: MAX, eosIds: e.config.eosIds, vocabLimit: e.config.vocabLimit });
    // Float32 graphs vs float64 reference: the test is only meaningful if no step was a near tie.
    expect(Math.min(...ref.margins)).toBeGreaterThan(1e-3);
    const a = await e.generate({ image, prompt: 'caption en', maxNewTokens: MAX });
    expect(a.ids).toEqual(ref.ids);
    // Beyond the argmax: the chosen tokens' log-probabilities agree with float64 to float32 accuracy.
    const worst = Math.max(...a.logprobs.map((lp, i) => Math.abs(lp - ref.logprobs[i]!)));
    expect(worst).toBeLessThan(1e-3);
    expect(a.promptTokens).toBe(prompt.ids.length);
    expect(a.text).toBe(e.tokenizer.decode(ref.ids));
    // The onnx-community export has no sliding window (its constant mask bypasses it, doc §2.4 / §4.2); the tiny
    // preset's window of 8 matters for a 20-token prompt, so that layout matches the reference without the window.
    const ocEngine = await open(oc);
    const noWindow = { ...oc.spec, text: { ...oc.spec.text, slidingWindow: null } };
    const refOc = referenceGreedy(await loadRefWeights(oc.checkpointDir), noWindow, px.pixels, prompt.ids, { maxNewTokens: MAX, eosIds: e.config.eosIds, vocabLimit: e.config.vocabLimit });
    expect(Math.min(...refOc.margins)).toBeGreaterThan(1e-3);
    expect(refOc.ids).not.toEqual(ref.ids); // the window really changes the output here
    const b = await ocEngine.generate({ image, prompt: 'caption en', maxNewTokens: MAX });
    expect(b.ids).toEqual(refOc.ids);
    expect(Math.max(...b.logprobs.map((lp, i) => Math.abs(lp - refOc.logprobs[i]!)))).toBeLessThan(1e-3);
  });

  it('PaliGemma 1 (Gemma decoder, MQA, no soft-caps) also matches the reference', async () => {
    const pg1 = await prepareTinyModel('paliscope', { preset: 'tiny-pg1', seed: 12 });
    try {
      const e = await open(pg1);
      const px = await preprocessImage(image, { size: e.config.imageSize });
      const prompt = e.tokenizer.buildPrompt('answer en what is this', e.config.numImageTokens);
      const ref = referenceGreedy(await loadRefWeights(pg1.checkpointDir), pg1.spec, px.pixels, prompt.ids, { maxNewTokens: 8, eosIds: e.config.eosIds, vocabLimit: e.config.vocabLimit });
      expect(Math.min(...ref.margins)).toBeGreaterThan(1e-3);
      const r = await e.generate({ image, prompt: 'answer en what is this', maxNewTokens: 8 });
      expect(r.ids).toEqual(ref.ids);
      expect(Math.max(...r.logprobs.map((lp, i) => Math.abs(lp - ref.logprobs[i]!)))).toBeLessThan(1e-3);
    } finally {
      pg1.cleanup();
    }
  });

  it('the image cache is bounded: with room for one image, alternating two re-encodes each time', async () => {
    const bytes = pv.spec.numImageTokens * pv.spec.text.hidden * 4;
    const e = await open(pv, { imageCacheBytes: bytes });
    const other = await testImagePng('noise');
    for (const img of [image, other, image, image]) await e.generate({ image: img, prompt: 'ocr', maxNewTokens: 1 });
    expect(e.stats().visionRuns).toBe(3); // image, other (evicts image), image again; the last call hits
    expect(e.stats().cache.entries).toBe(1);
  });

  it('streams tokens whose text deltas rebuild the result, with logprobs and timings', async () => {
    const e = await open(pv);
    const seen: StreamToken[] = [];
    const r = await e.generate({ image, prompt: 'detect cat', maxNewTokens: 8, onToken: (t) => seen.push(t) });
    expect(seen.map((t) => t.id)).toEqual(r.ids);
    expect(seen.map((t) => t.text).join('')).toBe(r.text);
    expect(r.logprobs.every((x) => x <= 0 && Number.isFinite(x))).toBe(true);
    const t = r.timings;
    expect(t.visionCached).toBe(false);
    expect(t.visionMs).toBeGreaterThan(0);
    expect(t.timeToFirstTokenMs).toBeGreaterThanOrEqual(t.prefillMs);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.timeToFirstTokenMs + t.decodeMs - 1e-6);
    expect(t.peakRssBytes).toBeGreaterThan(10e6);
    expect(r.image).toEqual({ width: 640, height: 480 });
  });

  it('stream() yields the same tokens as generate()', async () => {
    const e = await open(pv);
    const s = e.stream({ image, prompt: 'ocr', maxNewTokens: 5 });
    const ids: number[] = [];
    for await (const t of s) ids.push(t.id);
    const r = await s.result;
    expect(ids).toEqual(r.ids);
    expect(ids).toEqual((await e.generate({ image, prompt: 'ocr', maxNewTokens: 5 })).ids);
  });

  it('a second prompt on the same image skips the vision encoder', async () => {
    const e = await open(pv);
    const a = await e.generate({ image, prompt: 'caption en', maxNewTokens: 4 });
    expect(e.stats().visionRuns).toBe(1);
    const b = await e.generate({ image: Buffer.from(image), prompt: 'ocr', maxNewTokens: 4 });
    expect(e.stats().visionRuns).toBe(1);
    expect(b.timings.visionCached).toBe(true);
    expect(a.timings.visionCached).toBe(false);
    // Same features ⇒ the same prompt gives the same tokens from the cache.
    const c = await e.generate({ image, prompt: 'caption en', maxNewTokens: 4 });
    expect(c.ids).toEqual(a.ids);
    expect(e.stats().cache.hits).toBe(2);
    // A different image (or the cache turned off) runs the encoder again.
    await e.generate({ image: await testImagePng('noise'), prompt: 'caption en', maxNewTokens: 2 });
    await e.generate({ image, prompt: 'caption en', maxNewTokens: 2, useImageCache: false });
    expect(e.stats().visionRuns).toBe(3);
  });

  it('without a KV cache gives the same tokens with one full decoder run per token', async () => {
    const e = await open(pv);
    const before = e.stats().decoderRuns;
    const a = await e.generate({ image, prompt: 'caption en', maxNewTokens: 6 });
    const mid = e.stats().decoderRuns;
    const b = await e.generate({ image, prompt: 'caption en', maxNewTokens: 6, useKvCache: false });
    expect(b.ids).toEqual(a.ids);
    expect(mid - before).toBe(a.ids.length); // prefill + one run per token after the first
  });

  it('cancellation mid-generation throws CANCELLED within one step, and the engine keeps working', async () => {
    const e = await open(pv);
    const ac = new AbortController();
    const seen: number[] = [];
    const err = await e.generate({
      image, prompt: 'caption en', maxNewTokens: 50, signal: ac.signal, eosIds: [-1],
      onToken: (t) => { seen.push(t.id); if (seen.length === 3) ac.abort(); },
    }).catch((x: unknown) => x);
    expect(isEngineError(err, 'CANCELLED')).toBe(true);
    expect(seen.length).toBe(3);
    const ok = await e.generate({ image, prompt: 'caption en', maxNewTokens: 2 });
    expect(ok.ids.length).toBeGreaterThan(0);
    const pre = new AbortController();
    pre.abort();
    expect(isEngineError(await e.generate({ image, prompt: 'x', signal: pre.signal }).catch((x: unknown) => x), 'CANCELLED')).toBe(true);
  });

  it('beam search and seeded sampling run end to end', async () => {
    const e = await open(pv);
    const beam = await e.generate({ image, prompt: 'caption en', maxNewTokens: 5, strategy: { kind: 'beam', numBeams: 3 } });
    expect(beam.ids.length).toBeGreaterThan(0);
    const greedy = await e.generate({ image, prompt: 'caption en', maxNewTokens: 5 });
    // Beam search's winner is at least as likely as greedy's sequence of the same length or shorter.
    const sum = (x: number[]) => x.reduce((a, b) => a + b, 0);
    expect([beam.finishReason, greedy.finishReason]).toEqual(['length', 'length']);
    expect(sum(beam.logprobs)).toBeGreaterThanOrEqual(sum(greedy.logprobs) - 1e-6);
    const s1 = await e.generate({ image, prompt: 'caption en', maxNewTokens: 6, strategy: { kind: 'sample', seed: 5, temperature: 1.5 } });
    const s2 = await e.generate({ image, prompt: 'caption en', maxNewTokens: 6, strategy: { kind: 'sample', seed: 5, temperature: 1.5 } });
    expect(s2.ids).toEqual(s1.ids);
  });

  it('picks the requested dtype from a folder holding several (onnx-community q4 next to fp32)', async () => {
    const { convertCheckpoint } = await import('../onnx/convert/convert');
    await convertCheckpoint({ checkpointDir: oc.checkpointDir, outDir: oc.modelDir, layout: 'onnx-community', dtype: 'q4' });
    const logged: string[] = [];
    const e = await open(oc, { prefs: { threads: 1, dtype: 'q4' }, logger: { info: (m: string) => logged.push(m) } });
    expect(logged[0]).toMatch(/^session plan for paligemma\/onnx-community .*decoder=onnx\/decoder_model_merged_q4\.onnx \(q4.*providers cpu; threads 1/);
    expect(logged.slice(1)).toEqual(expect.arrayContaining([expect.stringMatching(/^decoder: loaded .* on cpu$/)]));
    expect(Object.values(e.plan.components).map((c) => `${c.file}:${c.dtype}`)).toEqual([
      'onnx/vision_encoder_q4.onnx:q4', 'onnx/embed_tokens_q4.onnx:q4', 'onnx/decoder_model_merged_q4.onnx:q4',
    ]);
    const r = await e.generate({ image, prompt: 'caption en', maxNewTokens: 3 });
    expect(r.ids).toHaveLength(3);
  });

  it('bad inputs: undecodable image → BAD_INPUT, missing model → MODEL_NOT_FOUND, aborted load → CANCELLED', async () => {
    const e = await open(pv);
    expect(isEngineError(await e.generate({ image: Buffer.from('nope'), prompt: 'x' }).catch((x: unknown) => x), 'BAD_INPUT')).toBe(true);
    expect(isEngineError(await e.generate({ image: '/nonexistent/page.png', prompt: 'x' }).catch((x: unknown) => x), 'BAD_INPUT')).toBe(true);
    expect(isEngineError(await createPaliGemma({ modelDir: `${pv.root}/none`, machine }).catch((x: unknown) => x), 'MODEL_NOT_FOUND')).toBe(true);
    const ac = new AbortController();
    ac.abort();
    expect(isEngineError(await createPaliGemma({ modelDir: pv.modelDir, machine, signal: ac.signal }).catch((x: unknown) => x), 'CANCELLED')).toBe(true);
  });
});
