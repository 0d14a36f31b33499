// Load-time probe for onnx-community decoders that declare an attention_mask (doc §4.2, §10.2): if such a graph let
// Gemma build its default causal mask, the image + prefix block would be causal, unlike training, and outputs would
// quietly degrade. Two 3-token calls that differ only in the last embedding tell: position 0's logits change only if
// position 0 can see position 2.
import * as ort from 'onnxruntime-node';
import type { PaliGemmaConfig } from './model-config';

export type PrefixAttention = 'bidirectional' | 'causal';

type DecoderLike = Pick<ort.InferenceSession, 'inputNames' | 'run'>;

export async function probePrefixAttention(decoder: DecoderLike, cfg: PaliGemmaConfig): Promise<PrefixAttention> {
  const t = cfg.spec.text, d = t.hidden, S = 3;
  const logitsAt0 = async (last: number): Promise<Float32Array> => {
    const e = new Float32Array(S * d);
    // Deterministic, non-degenerate rows (the values only need to differ between the two calls).
    for (let i = 0; i < e.length; i++) e[i] = Math.sin(i * 0.37 + 1) * 0.5;
    for (let j = 0; j < d; j++) e[(S - 1) * d + j] = last * Math.cos(j * 0.11);
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', e, [1, S, d]),
      position_ids: new ort.Tensor('int64', BigInt64Array.of(1n, 2n, 3n), [1, S]),
    };
    if (decoder.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', BigInt64Array.of(1n, 1n, 1n), [1, S]);
    if (decoder.inputNames.includes('num_logits_to_keep')) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.of(BigInt(S)), []);
    if (decoder.inputNames.includes('use_cache_branch')) feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.of(0), [1]);
    for (let l = 0; l < t.layers; l++) {
      for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, t.kvHeads, 0, t.headDim]);
    }
    const out = await decoder.run(feeds);
    const logits = out.logits!;
    const V = logits.dims[logits.dims.length - 1]!;
    const rows = logits.dims[logits.dims.length - 2]!;
    if (rows !== S) throw new Error(`prefix-attention probe: decoder returned logits for ${rows} positions, expected ${S}`);
    const row0 = (logits.data as Float32Array).slice(0, V);
    for (const v of Object.values(out)) v.dispose();
    return row0;
  };
  const a = await logitsAt0(1), b = await logitsAt0(-1);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  return diff > 1e-6 ? 'bidirectional' : 'causal';
}
