import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPaliGemmaConfig, type PaliGemmaConfig } from './model-config';
import { probePrefixAttention } from './probe';
import { prepareTinyModel, type TinyModel } from './test-fixture';

let oc: TinyModel, cfg: PaliGemmaConfig;
beforeAll(async () => { oc = await prepareTinyModel('onnx-community'); cfg = loadPaliGemmaConfig(oc.modelDir); });
afterAll(() => oc.cleanup());

/** A stand-in decoder: logits row i = sum of the embeddings it may see (all rows, or rows ≤ i when causal). */
function fakeDecoder(causal: boolean, withMask: boolean) {
  return {
    inputNames: ['inputs_embeds', 'position_ids', ...(withMask ? ['attention_mask'] : [])],
    async run(feeds: Record<string, ort.Tensor>) {
      const e = feeds.inputs_embeds!;
      const [, S, d] = e.dims as [number, number, number];
      const x = e.data as Float32Array;
      const out = new Float32Array(S * 4);
      for (let i = 0; i < S; i++) for (let j = 0; j < (causal ? i + 1 : S); j++) for (let k = 0; k < d; k++) out[i * 4 + (k % 4)]! += x[j * d + k]!;
      return { logits: new ort.Tensor('float32', out, [1, S, 4]) };
    },
  };
}

describe('prefix-attention probe', () => {
  it('tells a causal graph from a bidirectional one', async () => {
    expect(await probePrefixAttention(fakeDecoder(true, true) as never, cfg)).toBe('causal');
    expect(await probePrefixAttention(fakeDecoder(false, true) as never, cfg)).toBe('bidirectional');
  });

  it('finds the converted onnx-community decoder bidirectional', async () => {
    const s = await ort.InferenceSession.create(`${oc.modelDir}/onnx/decoder_model_merged.onnx`);
    expect(await probePrefixAttention(s, cfg)).toBe('bidirectional');
    await s.release();
  });
});
