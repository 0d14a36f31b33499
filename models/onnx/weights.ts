// PaliGemma checkpoint tensor names. Canonical names are the HF convention up to transformers 4.51
// (`language_model.model.layers…`); newer checkpoints (`model.language_model.layers…`, `lm_head.weight`) are mapped
// onto them so the rest of the code sees one convention.
import type { ModelSpec } from './config';

export type InitKind = 'linear' | 'conv' | 'bias' | 'ln_weight' | 'ln_bias' | 'rms' | 'pos' | 'embed';
export interface WeightSpec { name: string; shape: number[]; init: InitKind }

export const V = 'vision_tower.vision_model.';
export const T = 'language_model.model.';
export const PROJ = 'multi_modal_projector.linear.';

/** Maps either naming convention to the canonical (legacy) one. */
export function canonicalName(name: string): string {
  if (name.startsWith('model.language_model.')) return T + name.slice('model.language_model.'.length);
  if (name === 'lm_head.weight') return 'language_model.lm_head.weight';
  if (name.startsWith('model.vision_tower.')) return name.slice('model.'.length);
  if (name.startsWith('model.multi_modal_projector.')) return name.slice('model.'.length);
  return name;
}
/** The newer convention (transformers ≥ 4.52) for a canonical name. */
export function modernName(name: string): string {
  if (name.startsWith(T)) return 'model.language_model.' + name.slice(T.length);
  if (name === 'language_model.lm_head.weight') return 'lm_head.weight';
  if (name.startsWith('vision_tower.') || name.startsWith('multi_modal_projector.')) return 'model.' + name;
  return name;
}

/** Every tensor of a PaliGemma checkpoint (the tied lm_head is omitted, as HF's safetensors export omits it). */
export function weightSpecs(m: ModelSpec): WeightSpec[] {
  const v = m.vision, t = m.text;
  const w: WeightSpec[] = [];
  const add = (name: string, shape: number[], init: InitKind) => w.push({ name, shape, init });
  add(`${V}embeddings.patch_embedding.weight`, [v.hidden, 3, v.patch, v.patch], 'conv');
  add(`${V}embeddings.patch_embedding.bias`, [v.hidden], 'bias');
  add(`${V}embeddings.position_embedding.weight`, [v.numPatches, v.hidden], 'pos');
  for (let i = 0; i < v.layers; i++) {
    const p = `${V}encoder.layers.${i}.`;
    add(`${p}layer_norm1.weight`, [v.hidden], 'ln_weight');
    add(`${p}layer_norm1.bias`, [v.hidden], 'ln_bias');
    for (const n of ['q', 'k', 'v', 'out']) {
      add(`${p}self_attn.${n}_proj.weight`, [v.hidden, v.hidden], 'linear');
      add(`${p}self_attn.${n}_proj.bias`, [v.hidden], 'bias');
    }
    add(`${p}layer_norm2.weight`, [v.hidden], 'ln_weight');
    add(`${p}layer_norm2.bias`, [v.hidden], 'ln_bias');
    add(`${p}mlp.fc1.weight`, [v.intermediate, v.hidden], 'linear');
    add(`${p}mlp.fc1.bias`, [v.intermediate], 'bias');
    add(`${p}mlp.fc2.weight`, [v.hidden, v.intermediate], 'linear');
    add(`${p}mlp.fc2.bias`, [v.hidden], 'bias');
  }
  add(`${V}post_layernorm.weight`, [v.hidden], 'ln_weight');
  add(`${V}post_layernorm.bias`, [v.hidden], 'ln_bias');
  add(`${PROJ}weight`, [t.hidden, v.hidden], 'linear');
  add(`${PROJ}bias`, [t.hidden], 'bias');
  add(`${T}embed_tokens.weight`, [t.vocab, t.hidden], 'embed');
  for (let i = 0; i < t.layers; i++) {
    const p = `${T}layers.${i}.`;
    add(`${p}input_layernorm.weight`, [t.hidden], 'rms');
    add(`${p}self_attn.q_proj.weight`, [t.heads * t.headDim, t.hidden], 'linear');
    add(`${p}self_attn.k_proj.weight`, [t.kvHeads * t.headDim, t.hidden], 'linear');
    add(`${p}self_attn.v_proj.weight`, [t.kvHeads * t.headDim, t.hidden], 'linear');
    add(`${p}self_attn.o_proj.weight`, [t.hidden, t.heads * t.headDim], 'linear');
    // Gemma 1: post_attention_layernorm is the pre-MLP norm. Gemma 2: it normalizes the attention output, and
    // pre/post_feedforward_layernorm wrap the MLP.
    add(`${p}post_attention_layernorm.weight`, [t.hidden], 'rms');
    if (t.family === 'gemma2') {
      add(`${p}pre_feedforward_layernorm.weight`, [t.hidden], 'rms');
      add(`${p}post_feedforward_layernorm.weight`, [t.hidden], 'rms');
    }
    add(`${p}mlp.gate_proj.weight`, [t.intermediate, t.hidden], 'linear');
    add(`${p}mlp.up_proj.weight`, [t.intermediate, t.hidden], 'linear');
    add(`${p}mlp.down_proj.weight`, [t.hidden, t.intermediate], 'linear');
  }
  add(`${T}norm.weight`, [t.hidden], 'rms');
  return w;
}
