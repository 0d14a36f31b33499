// Greedy decoding with the float64 reference forward pass of models/onnx/reference (no KV cache, full recompute per
// token), for checking the engine's tokens. Test/benchmark helper only: cost grows with the square of the length.
import type { ModelSpec } from '../onnx/config';
import { decoderForward } from '../onnx/reference/gemma';
import { buildEmbeds } from '../onnx/reference/paligemma';
import { visionForward } from '../onnx/reference/siglip';
import type { RefWeights } from '../onnx/reference/weights';

export interface RefGreedy {
  ids: number[];
  /** log-softmax of the chosen id over the unmasked ids, per step */
  logprobs: number[];
  /** top-1 minus top-2 logit per step: how decisive each choice was */
  margins: number[];
}

export function referenceGreedy(w: RefWeights, m: ModelSpec, pixels: Float32Array, promptIds: number[], o: { maxNewTokens: number; eosIds: number[]; vocabLimit: number }): RefGreedy {
  const feats = visionForward(w, m, Float64Array.from(pixels));
  const ids = [...promptIds];
  const out: number[] = [], margins: number[] = [], logprobs: number[] = [];
  const V = m.text.vocab;
  for (let t = 0; t < o.maxNewTokens; t++) {
    const { logits } = decoderForward(w, m, buildEmbeds(w, m, ids, feats), ids.map((_, i) => i + 1), promptIds.length);
    const row = logits.subarray((ids.length - 1) * V, ids.length * V);
    let best = 0, second = -Infinity;
    for (let i = 1; i < o.vocabLimit; i++) {
      if (row[i]! > row[best]!) { second = row[best]!; best = i; } else if (row[i]! > second) second = row[i]!;
    }
    out.push(best);
    margins.push(row[best]! - second);
    let sum = 0;
    for (let i = 0; i < o.vocabLimit; i++) sum += Math.exp(row[i]! - row[best]!);
    logprobs.push(-Math.log(sum));
    if (o.eosIds.includes(best)) break;
    ids.push(best);
  }
  return { ids: out, logprobs, margins };
}
