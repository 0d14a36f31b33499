// PaliGemma model description: parsed from a Hugging Face config.json, or built from a fixture preset.

export interface VisionSpec {
  hidden: number; intermediate: number; layers: number; heads: number; headDim: number;
  patch: number; imageSize: number; numPatches: number; eps: number;
}
export interface TextSpec {
  family: 'gemma' | 'gemma2';
  hidden: number; intermediate: number; layers: number; heads: number; kvHeads: number; headDim: number;
  /** Multiplier applied to q before q·kᵀ (Gemma 2: query_pre_attn_scalar^-½, Gemma: head_dim^-½). */
  queryScale: number;
  attnSoftcap: number | null; finalSoftcap: number | null;
  /** Window of the sliding-window layers (even layer indices in Gemma 2), null when none. */
  slidingWindow: number | null;
  vocab: number; eps: number; ropeTheta: number;
}
export interface ModelSpec { vision: VisionSpec; text: TextSpec; imageTokenIndex: number; numImageTokens: number }

/** Gemma 2 applies the sliding window on even layers (HF: `layer_idx % 2 == 0`). */
export function isSlidingLayer(t: TextSpec, layer: number): boolean {
  return t.slidingWindow !== null && t.family === 'gemma2' && layer % 2 === 0;
}

type Json = Record<string, unknown>;
function num(obj: Json, key: string, where: string, dflt?: number): number {
  const v = obj[key];
  if (typeof v === 'number') return v;
  if (v === undefined && dflt !== undefined) return dflt;
  throw new Error(`${where}.${key}: expected a number, got ${JSON.stringify(v)}`);
}
function optNum(obj: Json, key: string): number | null {
  const v = obj[key];
  return typeof v === 'number' ? v : null;
}

/** transformers' Gemma2Config / GemmaConfig defaults for the fields a saved config.json may leave out. */
const GEMMA2_DEFAULTS = { hidden_size: 2304, intermediate_size: 9216, num_hidden_layers: 26, num_attention_heads: 8, num_key_value_heads: 4 };
const GEMMA_DEFAULTS = { hidden_size: 3072, intermediate_size: 24576, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 16 };

/** Parses a PaliGemmaForConditionalGeneration config.json (PG1: gemma text model, PG2: gemma2). */
export function parseConfig(cfg: Json): ModelSpec {
  if (cfg.model_type !== 'paligemma') throw new Error(`config.json: model_type is ${JSON.stringify(cfg.model_type)}, expected "paligemma"`);
  const tc = cfg.text_config as Json | undefined;
  const vc = cfg.vision_config as Json | undefined;
  if (!tc || !vc) throw new Error('config.json: expected text_config and vision_config objects');
  const family = tc.model_type === 'gemma2' ? 'gemma2' : tc.model_type === 'gemma' ? 'gemma' : null;
  if (!family) throw new Error(`config.json text_config.model_type: expected "gemma" or "gemma2", got ${JSON.stringify(tc.model_type)}`);
  // Hugging Face writes only the fields that differ from the text model's class defaults (Google's PaliGemma 2 3B
  // config.json has no num_attention_heads, for one), so a missing field means that default, as transformers reads it.
  const d = family === 'gemma2' ? GEMMA2_DEFAULTS : GEMMA_DEFAULTS;
  const hidden = num(tc, 'hidden_size', 'text_config', d.hidden_size);
  const heads = num(tc, 'num_attention_heads', 'text_config', d.num_attention_heads);
  const headDim = num(tc, 'head_dim', 'text_config', 256);
  const qpas = family === 'gemma2' ? num(tc, 'query_pre_attn_scalar', 'text_config', 256) : headDim;
  const vh = num(vc, 'hidden_size', 'vision_config', 1152);
  const vheads = num(vc, 'num_attention_heads', 'vision_config', 16);
  const patch = num(vc, 'patch_size', 'vision_config', 14);
  const imageSize = num(vc, 'image_size', 'vision_config', 224);
  const numPatches = (imageSize / patch) ** 2;
  if (!Number.isInteger(numPatches)) throw new Error(`config.json vision_config: image_size ${imageSize} is not a multiple of patch_size ${patch}`);
  if (vc.vision_use_head === true) throw new Error('config.json vision_config.vision_use_head is true; PaliGemma uses no MAP head');
  // Absent soft-caps / window take the Gemma 2 defaults; an explicit null turns them off, as in transformers.
  const capOr = (key: string, dflt: number | null) => (tc[key] === undefined ? dflt : optNum(tc, key));
  const text: TextSpec = {
    family, hidden, heads, headDim,
    intermediate: num(tc, 'intermediate_size', 'text_config', d.intermediate_size),
    layers: num(tc, 'num_hidden_layers', 'text_config', d.num_hidden_layers),
    kvHeads: num(tc, 'num_key_value_heads', 'text_config', d.num_key_value_heads),
    queryScale: 1 / Math.sqrt(qpas),
    attnSoftcap: family === 'gemma2' ? capOr('attn_logit_softcapping', 50) : null,
    finalSoftcap: family === 'gemma2' ? capOr('final_logit_softcapping', 30) : null,
    slidingWindow: family === 'gemma2' ? capOr('sliding_window', 4096) : null,
    vocab: num(tc, 'vocab_size', 'text_config', num(cfg, 'vocab_size', 'config', 257216)),
    eps: num(tc, 'rms_norm_eps', 'text_config', 1e-6),
    ropeTheta: num(tc, 'rope_theta', 'text_config', 10000),
  };
  if (heads % text.kvHeads !== 0) throw new Error(`config.json text_config: num_attention_heads ${heads} is not a multiple of num_key_value_heads ${text.kvHeads}`);
  const vision: VisionSpec = {
    hidden: vh, heads: vheads, headDim: vh / vheads, patch, imageSize, numPatches,
    intermediate: num(vc, 'intermediate_size', 'vision_config', 4304),
    layers: num(vc, 'num_hidden_layers', 'vision_config', 27),
    eps: num(vc, 'layer_norm_eps', 'vision_config', 1e-6),
  };
  const proj = num(cfg, 'projection_dim', 'config', hidden);
  if (proj !== hidden) throw new Error(`config.json: projection_dim ${proj} differs from text_config.hidden_size ${hidden}`);
  return { vision, text, imageTokenIndex: num(cfg, 'image_token_index', 'config', 257152), numImageTokens: numPatches };
}

/** Inverse of parseConfig: the HF-shaped config.json for a spec. */
export function toHfConfig(m: ModelSpec): Json {
  const t = m.text, v = m.vision;
  const g2 = t.family === 'gemma2';
  const text_config: Json = {
    model_type: t.family, hidden_size: t.hidden, intermediate_size: t.intermediate, num_hidden_layers: t.layers,
    num_attention_heads: t.heads, num_key_value_heads: t.kvHeads, head_dim: t.headDim, vocab_size: t.vocab,
    rms_norm_eps: t.eps, rope_theta: t.ropeTheta, hidden_activation: 'gelu_pytorch_tanh', max_position_embeddings: 8192,
    num_image_tokens: m.numImageTokens, torch_dtype: 'float32',
  };
  if (g2) Object.assign(text_config, {
    query_pre_attn_scalar: Math.round(1 / t.queryScale ** 2), attn_logit_softcapping: t.attnSoftcap,
    final_logit_softcapping: t.finalSoftcap, sliding_window: t.slidingWindow, cache_implementation: 'hybrid',
    eos_token_id: [1, 107],
  });
  return {
    architectures: ['PaliGemmaForConditionalGeneration'], model_type: 'paligemma',
    bos_token_id: 2, eos_token_id: 1, pad_token_id: 0, image_token_index: m.imageTokenIndex,
    hidden_size: t.hidden, projection_dim: t.hidden, vocab_size: t.vocab, num_image_tokens: m.numImageTokens,
    torch_dtype: 'float32', transformers_version: '4.47.0',
    text_config,
    vision_config: {
      model_type: 'siglip_vision_model', hidden_size: v.hidden, intermediate_size: v.intermediate,
      num_hidden_layers: v.layers, num_attention_heads: v.heads, patch_size: v.patch, image_size: v.imageSize,
      num_image_tokens: v.numPatches, projection_dim: t.hidden, layer_norm_eps: v.eps,
      hidden_act: 'gelu_pytorch_tanh', vision_use_head: false,
    },
  };
}
