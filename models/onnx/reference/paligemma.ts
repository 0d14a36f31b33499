// Reference PaliGemma forward: image + prompt ids → logits, composing siglip.ts and gemma.ts the way the host does
// with the ONNX graphs (embedding rows, image_features over the <image> rows, 1-based positions).
import type { ModelSpec } from '../config';
import { T } from '../weights';
import { decoderForward, type DecoderOutput } from './gemma';
import { visionForward } from './siglip';
import { need, type RefWeights } from './weights';

/** inputs_embeds for `ids`: raw embedding rows, with image_features copied over the <image> positions. */
export function buildEmbeds(w: RefWeights, m: ModelSpec, ids: number[], imageFeatures?: Float64Array): Float64Array {
  const d = m.text.hidden;
  const E = need(w, `${T}embed_tokens.weight`);
  const out = new Float64Array(ids.length * d);
  let img = 0;
  ids.forEach((id, i) => {
    if (id === m.imageTokenIndex && imageFeatures) {
      out.set(imageFeatures.subarray(img * d, (img + 1) * d), i * d);
      img++;
    } else {
      if (id < 0 || id >= m.text.vocab) throw new Error(`buildEmbeds: token id ${id} at ${i} is outside [0, ${m.text.vocab})`);
      out.set(E.subarray(id * d, (id + 1) * d), i * d);
    }
  });
  if (imageFeatures && img * d !== imageFeatures.length) throw new Error(`buildEmbeds: ${img} <image> tokens but ${imageFeatures.length / d} image features`);
  return out;
}

/** Full forward; `prefixLen` = image + <bos> + prefix + "\n" length. Positions are 1-based as in HF. */
export function paligemmaForward(w: RefWeights, m: ModelSpec, pixels: Float64Array | null, ids: number[], prefixLen: number): DecoderOutput {
  const feats = pixels ? visionForward(w, m, pixels) : undefined;
  const embeds = buildEmbeds(w, m, ids, feats);
  return decoderForward(w, m, embeds, ids.map((_, i) => i + 1), prefixLen);
}
