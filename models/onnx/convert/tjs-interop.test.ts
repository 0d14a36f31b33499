// transformers.js (the public onnx-community runtime) loads Paliscope's onnx-community conversion from local files
// only, and its processor + model agree with the float64 reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoProcessor, PaliGemmaForConditionalGeneration, RawImage, env, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../config';
import { writeFixture } from '../fixture';
import { decoderForward } from '../reference/gemma';
import { buildEmbeds } from '../reference/paligemma';
import { visionForward } from '../reference/siglip';
import { loadRefWeights, type RefWeights } from '../reference/weights';
import { convertCheckpoint } from './convert';
import { dequantizedRefWeights } from './dequant-ref';
import { maxAbsDiff } from './session';

const root = mkdtempSync(join(tmpdir(), 'paliscope-tjs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let spec: ModelSpec, w: RefWeights;
beforeAll(async () => {
  const ck = join(root, 'ck');
  spec = writeFixture({ preset: 'tiny', outDir: ck, seed: 4 }).spec;
  w = await loadRefWeights(ck);
  await convertCheckpoint({ checkpointDir: ck, outDir: join(root, 'models', 'tiny'), layout: 'onnx-community' });
  // The q4 files land next to the fp32 ones with transformers.js' `_q4` suffix.
  await convertCheckpoint({ checkpointDir: ck, outDir: join(root, 'models', 'tiny'), layout: 'onnx-community', dtype: 'q4' });
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = join(root, 'models') + '/';
});

function argmax(a: ArrayLike<number>, from: number, n: number): number {
  let b = 0;
  for (let k = 1; k < n; k++) if (a[from + k]! > a[from + b]!) b = k;
  return b;
}

describe('transformers.js interop (local files only)', () => {
  it('processor, forward logits and greedy generation agree with the reference', async () => {
    const processor = await AutoProcessor.from_pretrained('tiny', { local_files_only: true });
    const model = await PaliGemmaForConditionalGeneration.from_pretrained('tiny', { dtype: 'fp32', local_files_only: true });
    const S = spec.vision.imageSize;
    const rgb = new Uint8ClampedArray(S * S * 3).map((_, i) => (i * 37) % 256);
    const inputs = await processor(new RawImage(rgb, S, S, 3), '<image>caption en') as Record<string, Tensor>;
    const ids = Array.from(inputs.input_ids!.data as BigInt64Array, Number);
    // N image tokens, exactly one <bos>, the prompt, "\n" (doc §3.2)
    expect(ids.slice(0, spec.numImageTokens)).toEqual(Array(spec.numImageTokens).fill(spec.imageTokenIndex));
    expect(ids.filter((t) => t === 2)).toHaveLength(1);
    expect(ids[spec.numImageTokens]).toBe(2);
    expect(ids.at(-1)).toBe(108);
    // Same-size image: no resize, so pixel values are (v/255 − 0.5)/0.5 in CHW.
    const px = inputs.pixel_values!.data as Float32Array;
    const mine = new Float64Array(3 * S * S);
    for (let c = 0; c < 3; c++) for (let p = 0; p < S * S; p++) mine[c * S * S + p] = (rgb[p * 3 + c]! / 255 - 0.5) / 0.5;
    expect(maxAbsDiff(px, mine)).toBeLessThan(1e-6);

    // The public layout has no sliding window and a bidirectional prompt (doc §4.2).
    const refSpec = { ...spec, text: { ...spec.text, slidingWindow: null } };
    const feats = visionForward(w, spec, mine);
    const pos = ids.map((_, i) => i + 1);
    const ref = decoderForward(w, refSpec, buildEmbeds(w, spec, ids, feats), pos, ids.length).logits;
    const out = await model({ ...inputs }) as { logits: Tensor };
    expect(out.logits.dims).toEqual([1, ids.length, spec.text.vocab]);
    expect(maxAbsDiff(out.logits.data as Float32Array, ref)).toBeLessThan(1e-4);

    const gen = await model.generate({ ...inputs, max_new_tokens: 4, do_sample: false }) as Tensor;
    const produced = Array.from(gen.data as BigInt64Array, Number).slice(ids.length);
    const seq = ids.slice();
    const V = spec.text.vocab;
    for (let k = 0; k < produced.length; k++) {
      const l = decoderForward(w, refSpec, buildEmbeds(w, spec, seq, feats), seq.map((_, i) => i + 1), ids.length).logits;
      seq.push(argmax(l, (seq.length - 1) * V, V));
    }
    expect(produced).toEqual(seq.slice(ids.length));
    expect(produced.length).toBeGreaterThan(0);

    // loc/seg are single added tokens that survive skip_special_tokens; <image> / <eos> do not (doc §2.5, §4.5).
    const tok = (processor as unknown as { tokenizer: { encode(t: string): number[]; decode(ids: number[], o: { skip_special_tokens: boolean }): string } }).tokenizer;
    const loc = spec.imageTokenIndex - 1152; // <loc0000>
    expect(tok.encode('<loc0001><loc1023><seg005>')).toEqual([loc + 1, loc + 1023, loc + 1024 + 5]);
    expect(tok.decode([loc + 7, loc + 1024 + 127, spec.imageTokenIndex, 1], { skip_special_tokens: true })).toBe('<loc0007><seg127>');
  });

  it('loads the q4 files (dtype "q4": MatMulNBits + int4 embedding Gather) and computes with the dequantized weights', async () => {
    const processor = await AutoProcessor.from_pretrained('tiny', { local_files_only: true });
    const model = await PaliGemmaForConditionalGeneration.from_pretrained('tiny', { dtype: 'q4', local_files_only: true });
    const S = spec.vision.imageSize;
    const rgb = new Uint8ClampedArray(S * S * 3).map((_, i) => (i * 11) % 256);
    const inputs = await processor(new RawImage(rgb, S, S, 3), '<image>detect cat') as Record<string, Tensor>;
    const ids = Array.from(inputs.input_ids!.data as BigInt64Array, Number);
    const px = Float64Array.from(inputs.pixel_values!.data as Float32Array);
    const wq = dequantizedRefWeights(w, spec, 'q4', 32);
    const refSpec = { ...spec, text: { ...spec.text, slidingWindow: null } };
    const ref = decoderForward(wq, refSpec, buildEmbeds(wq, spec, ids, visionForward(wq, spec, px)), ids.map((_, i) => i + 1), ids.length).logits;
    const out = await model({ ...inputs }) as { logits: Tensor };
    expect(maxAbsDiff(out.logits.data as Float32Array, ref)).toBeLessThan(1e-4);
  });
});
