// Reference Gemma / Gemma 2 decoder with prefix-LM attention, float64 (doc §2.4, §2.6).
import { isSlidingLayer, type ModelSpec } from '../config';
import { T } from '../weights';
import { addInPlace, geluTanh, linear, rmsNorm, softcap, softmaxInPlace } from './math';
import { need, type RefWeights } from './weights';

/**
 * Can query i see key j? Inside the prefix block [0, prefixLen) attention is bidirectional, after it causal (each
 * suffix token sees the whole prefix and earlier suffix). Sliding-window layers additionally hide keys ≥ window
 * positions back (HF Gemma 2: kv_idx > q_idx − window); indices are positions in the full sequence.
 */
export function canAttend(i: number, j: number, prefixLen: number, window: number | null): boolean {
  if (!(j <= i || j < prefixLen)) return false;
  return window === null || i - j < window;
}

/** Half-split ("rotate_half") RoPE on one head vector in place. */
export function rope(x: Float64Array, off: number, hd: number, pos: number, theta: number): void {
  const half = hd / 2;
  for (let k = 0; k < half; k++) {
    const a = pos * theta ** ((-2 * k) / hd);
    const c = Math.cos(a), s = Math.sin(a);
    const x1 = x[off + k]!, x2 = x[off + k + half]!;
    x[off + k] = x1 * c - x2 * s;
    x[off + k + half] = x2 * c + x1 * s;
  }
}

export interface DecoderOutput { logits: Float64Array; hidden: Float64Array }

/**
 * embeds: inputs_embeds [S, d] as the ONNX decoder receives them (raw embedding rows for text, image_features for
 * image tokens); every row is multiplied by √d here, so image rows enter at net scale 1 and text rows at ×√d.
 * positions: RoPE positions (HF: 1-based). Returns logits [rows, vocab] after the final soft-cap (rows = all positions
 * unless opts.logitRows picks some).
 */
export function decoderForward(w: RefWeights, m: ModelSpec, embeds: Float64Array, positions: number[], prefixLen: number,
  opts: { logitRows?: number[] } = {}): DecoderOutput {
  const t = m.text, d = t.hidden, S = positions.length, hd = t.headDim;
  if (embeds.length !== S * d) throw new Error(`decoderForward: embeds have ${embeds.length} values, expected ${S}×${d}`);
  const root = Math.sqrt(d);
  let x: Float64Array = embeds.map((v) => v * root);
  const G = t.heads / t.kvHeads;
  for (let l = 0; l < t.layers; l++) {
    const p = `${T}layers.${l}.`;
    const h = rmsNorm(x, d, need(w, `${p}input_layernorm.weight`), t.eps);
    const q = linear(h, S, need(w, `${p}self_attn.q_proj.weight`), t.heads * hd);
    const k = linear(h, S, need(w, `${p}self_attn.k_proj.weight`), t.kvHeads * hd);
    const v = linear(h, S, need(w, `${p}self_attn.v_proj.weight`), t.kvHeads * hd);
    for (let i = 0; i < S; i++) {
      for (let a = 0; a < t.heads; a++) rope(q, (i * t.heads + a) * hd, hd, positions[i]!, t.ropeTheta);
      for (let a = 0; a < t.kvHeads; a++) rope(k, (i * t.kvHeads + a) * hd, hd, positions[i]!, t.ropeTheta);
    }
    const window = isSlidingLayer(t, l) ? t.slidingWindow : null;
    const att = new Float64Array(S * t.heads * hd);
    for (let a = 0; a < t.heads; a++) {
      const kv = Math.floor(a / G); // GQA: kv head k serves q heads [k·G, (k+1)·G)
      for (let i = 0; i < S; i++) {
        const s = new Float64Array(S);
        for (let j = 0; j < S; j++) {
          let acc = 0;
          for (let e = 0; e < hd; e++) acc += q[(i * t.heads + a) * hd + e]! * t.queryScale * k[(j * t.kvHeads + kv) * hd + e]!;
          s[j] = canAttend(i, j, prefixLen, window) ? softcap(acc, t.attnSoftcap) : -Infinity;
        }
        softmaxInPlace(s);
        for (let e = 0; e < hd; e++) {
          let acc = 0;
          for (let j = 0; j < S; j++) acc += s[j]! * v[(j * t.kvHeads + kv) * hd + e]!;
          att[(i * t.heads + a) * hd + e] = acc;
        }
      }
    }
    let o = linear(att, S, need(w, `${p}self_attn.o_proj.weight`), d);
    if (t.family === 'gemma2') o = rmsNorm(o, d, need(w, `${p}post_attention_layernorm.weight`), t.eps);
    addInPlace(x, o);
    // Gemma 1 names its pre-MLP norm post_attention_layernorm; Gemma 2 has pre/post_feedforward_layernorm.
    const preName = t.family === 'gemma2' ? 'pre_feedforward_layernorm' : 'post_attention_layernorm';
    const h2 = rmsNorm(x, d, need(w, `${p}${preName}.weight`), t.eps);
    const gate = linear(h2, S, need(w, `${p}mlp.gate_proj.weight`), t.intermediate);
    const up = linear(h2, S, need(w, `${p}mlp.up_proj.weight`), t.intermediate);
    for (let i = 0; i < gate.length; i++) gate[i] = geluTanh(gate[i]!) * up[i]!;
    let f = linear(gate, S, need(w, `${p}mlp.down_proj.weight`), d);
    if (t.family === 'gemma2') f = rmsNorm(f, d, need(w, `${p}post_feedforward_layernorm.weight`), t.eps);
    x = addInPlace(x, f);
  }
  const hidden = rmsNorm(x, d, need(w, `${T}norm.weight`), t.eps);
  // Tied head: logits = h·Eᵀ (an explicit lm_head, if the checkpoint has one, takes precedence).
  const head = w.get('language_model.lm_head.weight') ?? need(w, `${T}embed_tokens.weight`);
  // Optionally only some rows (the vocabulary projection dominates the cost at real widths).
  const rows = opts.logitRows ?? positions.map((_, i) => i);
  const picked = new Float64Array(rows.length * d);
  rows.forEach((r, k) => picked.set(hidden.subarray(r * d, (r + 1) * d), k * d));
  const logits = linear(picked, rows.length, head, t.vocab).map((z) => softcap(z, t.finalSoftcap));
  return { logits, hidden };
}
