// The architecture of Google's PaliGemma 2 checkpoints by size (doc §2.1, §2.4; the same widths and depths appear in the
// configs of repositories derived from them and in keras-hub's presets), so the Models window can show a converted size
// and the conversion's memory before config.json — gated — can be read. The download itself always reads the real
// config.json.
import type { ModelSpec } from '../onnx/config';

export const PG2_SIZES = ['3b', '10b', '28b'] as const;
export type Pg2Size = (typeof PG2_SIZES)[number];

const TEXT: Record<Pg2Size, { hidden: number; intermediate: number; layers: number; heads: number; kvHeads: number; headDim: number; queryPreAttnScalar: number }> = {
  '3b': { hidden: 2304, intermediate: 9216, layers: 26, heads: 8, kvHeads: 4, headDim: 256, queryPreAttnScalar: 256 },
  '10b': { hidden: 3584, intermediate: 14336, layers: 42, heads: 16, kvHeads: 8, headDim: 256, queryPreAttnScalar: 256 },
  '28b': { hidden: 4608, intermediate: 36864, layers: 46, heads: 32, kvHeads: 16, headDim: 128, queryPreAttnScalar: 144 },
};

/** SigLIP So400m/14 (27 layers) + Gemma 2 decoder of the given size, at a resolution of 224, 448 or 896. */
export function paligemma2Spec(size: Pg2Size, resolution: number): ModelSpec {
  const t = TEXT[size];
  const numPatches = (resolution / 14) ** 2;
  return {
    vision: { hidden: 1152, intermediate: 4304, layers: 27, heads: 16, headDim: 72, patch: 14, imageSize: resolution, numPatches, eps: 1e-6 },
    text: {
      family: 'gemma2', hidden: t.hidden, intermediate: t.intermediate, layers: t.layers, heads: t.heads, kvHeads: t.kvHeads, headDim: t.headDim,
      queryScale: 1 / Math.sqrt(t.queryPreAttnScalar), attnSoftcap: 50, finalSoftcap: 30, slidingWindow: 4096, vocab: 257216, eps: 1e-6, ropeTheta: 10000,
    },
    imageTokenIndex: 257152,
    numImageTokens: numPatches,
  };
}
