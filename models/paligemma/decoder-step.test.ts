import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../onnx/config';
import { DecoderStepper } from './decoder-step';
import type { PaliGemmaConfig } from './model-config';

const spec = { text: { hidden: 4, layers: 1, kvHeads: 1, headDim: 2, vocab: 8 }, imageTokenIndex: 7, numImageTokens: 2 } as unknown as ModelSpec;
const cfg = { spec, eosIds: [1], vocabLimit: 7 } as unknown as PaliGemmaConfig;

/** Records feeds; returns logits for every row (or one) and a present cache grown by the chunk length. */
function fakeDecoder(inputNames: string[], allRows: boolean) {
  const calls: Record<string, number[]>[] = [];
  return {
    calls,
    session: {
      inputNames,
      async run(feeds: Record<string, ort.Tensor>) {
        const rec: Record<string, number[]> = {};
        for (const [k, t] of Object.entries(feeds)) rec[k] = k === 'inputs_embeds' || k.startsWith('past') ? [...t.dims] : Array.from(t.data as ArrayLike<number | bigint>, Number);
        calls.push(rec);
        const S = feeds.inputs_embeds!.dims[1]!, P = feeds['past_key_values.0.key']!.dims[2]!;
        const rows = allRows ? S : 1;
        const logits = new Float32Array(rows * 8);
        logits[(rows - 1) * 8 + 3] = 5; // the last row prefers id 3
        const kv = () => new ort.Tensor('float32', new Float32Array((P + S) * 2), [1, 1, P + S, 2]);
        return { logits: new ort.Tensor('float32', logits, [1, rows, 8]), 'present.0.key': kv(), 'present.0.value': kv() };
      },
    } as unknown as ort.InferenceSession,
  };
}
const embed = { async run(f: Record<string, ort.Tensor>) { return { inputs_embeds: new ort.Tensor('float32', new Float32Array(f.input_ids!.dims[1]! * 4), [1, f.input_ids!.dims[1]!, 4]) }; } } as unknown as ort.InferenceSession;

describe('DecoderStepper feeds', () => {
  it('paliscope: mask, prefix length, last-row logits index, 1-based positions, growing cache', async () => {
    const f = fakeDecoder([], false);
    const s = new DecoderStepper(f.session, embed, cfg, 'paliscope', 5);
    const p = await s.prefill(new Float32Array(5 * 4));
    expect(p.logits[3]).toBe(5);
    const n = await s.step(p.state, 3);
    expect(f.calls[0]).toMatchObject({ position_ids: [1, 2, 3, 4, 5], attention_mask: [1, 1, 1, 1, 1], prefix_length: [5], logits_index: [-1], 'past_key_values.0.key': [1, 1, 0, 2] });
    expect(f.calls[1]).toMatchObject({ position_ids: [6], attention_mask: [1, 1, 1, 1, 1, 1], prefix_length: [5], 'past_key_values.0.key': [1, 1, 5, 2] });
    expect(n.state.length).toBe(6);
    s.release(p.state);
    s.release(n.state);
  });

  it('onnx-community: optional inputs fed only when declared; last row of all-row logits kept', async () => {
    const f = fakeDecoder(['inputs_embeds', 'position_ids', 'attention_mask', 'num_logits_to_keep', 'use_cache_branch'], true);
    const s = new DecoderStepper(f.session, embed, cfg, 'onnx-community', 3);
    const p = await s.prefill(new Float32Array(3 * 4));
    expect(p.logits.length).toBe(8);
    expect(p.logits[3]).toBe(5);
    await s.step(p.state, 2);
    expect(f.calls[0]).toMatchObject({ attention_mask: [1, 1, 1], num_logits_to_keep: [1], use_cache_branch: [0] });
    expect(f.calls[1]).toMatchObject({ position_ids: [4], attention_mask: [1, 1, 1, 1], use_cache_branch: [1] });
    expect(f.calls[1]!.prefix_length).toBeUndefined();
    const bare = fakeDecoder(['inputs_embeds', 'position_ids'], true);
    await new DecoderStepper(bare.session, embed, cfg, 'onnx-community', 3).prefill(new Float32Array(12));
    expect(Object.keys(bare.calls[0]!).sort()).toEqual(['inputs_embeds', 'past_key_values.0.key', 'past_key_values.0.value', 'position_ids']);
  });

  it('refuses to run without a KV cache on onnx-community graphs', () => {
    expect(() => new DecoderStepper(fakeDecoder([], true).session, embed, cfg, 'onnx-community', 3, false)).toThrow(/needs the paliscope layout/);
  });
});
