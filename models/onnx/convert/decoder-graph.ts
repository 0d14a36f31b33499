// Decoder graph (Gemma / Gemma 2 with KV cache).
//  paliscope layout: inputs_embeds [B,S,d], position_ids [B,S], attention_mask [B,P+S] (1 = real token, 0 = padding),
//    prefix_length [B] (keys at sequence index < prefix_length form the bidirectional image+prefix block; later
//    tokens are causal), logits_index [K] (chunk positions whose logits to return, negative = from the end; pass [-1]
//    for the last token), past_key_values.{i}.key/value [B,kv,P,hd] → logits [B,K,V], present.{i}.key/value.
//  onnx-community layout (the public export recipe, doc §4.2): no mask inputs — every call is fully bidirectional
//    over past + current tokens, no sliding window — and logits for every position.
import { MS_DOMAIN, type GraphBuilder } from '../builder';
import { isSlidingLayer } from '../config';
import { T } from '../weights';
import type { WeightEmitter } from './emit';
import { geluTanh, mergeHeads, rmsNorm, rmsNormFused, skipRmsNorm, softcap, splitHeads } from './graph-ops';
import type { CheckpointSource } from './source';

export type DecoderMode = 'paliscope' | 'onnx-community';
/**
 * 'fused' (paliscope layout only): one com.microsoft GroupQueryAttention node per layer (causal = 0, the prefix-LM
 * and sliding-window mask in its attention_bias, the soft-cap inside — onnxruntime applies it before the bias, which
 * is Gemma 2's order), SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization for the RMSNorms and residual
 * adds. 'plain': standard ONNX ops only (the parity baseline; the onnx-community layout always uses it).
 */
export type DecoderOps = 'fused' | 'plain';

export function buildDecoderGraph(src: CheckpointSource, e: WeightEmitter, mode: DecoderMode, ops: DecoderOps = 'plain'): void {
  const g: GraphBuilder = e.g;
  const t = src.spec.text, d = t.hidden, hd = t.headDim, G = t.heads / t.kvHeads;
  const embeds = g.input('inputs_embeds', 'FLOAT', ['batch_size', 'sequence_length', d]);
  const posIds = g.input('position_ids', 'INT64', ['batch_size', 'sequence_length']);
  const pv = mode === 'paliscope';
  if (ops === 'fused' && !pv) throw new Error('fused decoder ops need the paliscope layout (the onnx-community layout keeps the export recipe graph)');
  const fused = ops === 'fused';
  const attnMask = pv ? g.input('attention_mask', 'INT64', ['batch_size', 'total_sequence_length']) : null;
  const prefixLen = pv ? g.input('prefix_length', 'INT64', ['batch_size']) : null;
  const logitsIndex = pv ? g.input('logits_index', 'INT64', ['num_logits']) : null;
  const past: [string, string][] = [];
  for (let l = 0; l < t.layers; l++) {
    past.push([
      g.input(`past_key_values.${l}.key`, 'FLOAT', ['batch_size', t.kvHeads, 'past_sequence_length', hd]),
      g.input(`past_key_values.${l}.value`, 'FLOAT', ['batch_size', t.kvHeads, 'past_sequence_length', hd]),
    ]);
  }

  // RoPE tables [B, 1, S, hd] (half-split layout: the same frequencies repeated for both halves).
  const invFreq = Float32Array.from({ length: hd / 2 }, (_, i) => t.ropeTheta ** ((-2 * i) / hd));
  const freqs = g.mul(g.unsqueeze(g.cast(posIds, 'FLOAT'), [2]), g.f32(invFreq));
  // [B, 1, S, hd] for heads-first tensors (plain), [B, S, 1, hd] for the sequence-first ones GQA takes (fused).
  const emb = g.unsqueeze(g.concat([freqs, freqs], -1), [fused ? 2 : 1]);
  const cos = g.cos(emb), sin = g.sin(emb);
  const rope = (x: string) => {
    const [x1, x2] = g.split2(x, -1, [hd / 2, hd / 2]);
    return g.add(g.mul(x, cos), g.mul(g.concat([g.neg(x2), x1], -1), sin));
  };

  // Additive attention bias [B, 1, 1, S, T] (0 = visible, −1e9 = hidden), one for global and one for sliding layers.
  let biasGlobal: string | null = null, biasSliding: string | null = null;
  if (pv) {
    const pastLen = g.gather(g.shape(past[0]![0]), g.scalarI64(2));
    const seqLen = g.gather(g.shape(embeds), g.scalarI64(1));
    const total = g.add(pastLen, seqLen);
    const one = g.scalarI64(1);
    const kIdx = g.range(g.scalarI64(0), total, one); // [T]
    const qIdx = g.unsqueeze(g.range(pastLen, total, one), [1]); // [S, 1]
    const causal = g.lessOrEqual(kIdx, qIdx); // [S, T]
    const inPrefix = g.less(g.reshape(kIdx, [1, 1, -1]), g.reshape(prefixLen!, [-1, 1, 1])); // [B, 1, T]
    const valid = g.unsqueeze(g.cast(attnMask!, 'BOOL'), [1]); // [B, 1, T]
    const allowed = g.and(g.or(causal, inPrefix), valid); // [B, S, T]
    // Plain: [B, 1, 1, S, T] against scores [B, kv, G, S, T]; GQA takes [B, 1, S, T].
    const toBias = (m: string) => g.unsqueeze(g.where(m, g.scalarF32(0), g.scalarF32(-1e9)), fused ? [1] : [1, 2]);
    biasGlobal = toBias(allowed);
    if (t.slidingWindow !== null && t.family === 'gemma2') {
      const near = g.less(g.sub(qIdx, kIdx), g.scalarI64(t.slidingWindow)); // HF: kv_idx > q_idx − window
      biasSliding = toBias(g.and(allowed, near));
    }
  }

  const normScale = (name: string) => e.f32(`${name}.scale`, [d], src.get(`${T}${name}.weight`).map((v) => 1 + v));
  const norm = (x: string, name: string) => (fused ? rmsNormFused : rmsNorm)(g, x, normScale(name), t.eps);
  /** x + skip and the RMSNorm of that sum: one fused node, or an Add and a norm. */
  const addNorm = (x: string, skip: string, name: string): [string, string] => {
    if (fused) return skipRmsNorm(g, x, skip, normScale(name), t.eps);
    const sum = g.add(x, skip);
    return [norm(sum, name), sum];
  };
  // GQA's sequence-length inputs: every row of the batch spans past + chunk (padding is masked in the bias instead).
  let seqlensK = '', totalLen = '';
  if (fused) {
    const total = g.add(g.gather(g.shape(past[0]![0]), g.scalarI64(2)), g.gather(g.shape(embeds), g.scalarI64(1)));
    totalLen = g.cast(total, 'INT32');
    const batch = g.shape(embeds, 0, 1);
    seqlensK = g.op('Expand', [g.cast(g.sub(total, g.scalarI64(1)), 'INT32'), batch]);
  }
  const presents: [string, string][] = [];
  let x = g.mul(embeds, g.scalarF32(Math.sqrt(d)));
  // Gemma 1 calls its pre-MLP norm post_attention_layernorm.
  const preFfwName = (p: string) => (t.family === 'gemma2' ? `${p}pre_feedforward_layernorm` : `${p}post_attention_layernorm`);
  let h = norm(x, 'layers.0.input_layernorm');
  for (let l = 0; l < t.layers; l++) {
    const p = `layers.${l}.`;
    const lin = (hh: string, n: string, out: number, inp: number) => e.linear(hh, `${p}${n}`, src.get(`${T}${p}${n}.weight`), out, inp);
    const [pastK, pastV] = past[l]!;
    const bias = isSlidingLayer(t, l) && biasSliding ? biasSliding : biasGlobal;
    let attn: string;
    if (fused) {
      // RoPE on [B, S, heads, hd], then GQA on the flat [B, S, heads·hd] projections; it appends k/v to the past.
      const ropeSeq = (y: string, heads: number) => g.reshape(rope(g.reshape(y, [0, 0, heads, hd])), [0, 0, heads * hd]);
      const q = ropeSeq(lin(h, 'self_attn.q_proj', t.heads * hd, d), t.heads);
      const k = ropeSeq(lin(h, 'self_attn.k_proj', t.kvHeads * hd, d), t.kvHeads);
      const v = lin(h, 'self_attn.v_proj', t.kvHeads * hd, d);
      const [o, presentK, presentV] = g.node('GroupQueryAttention',
        [q, k, v, pastK, pastV, seqlensK, totalLen, '', '', '', bias!],
        { num_heads: t.heads, kv_num_heads: t.kvHeads, scale: { float: t.queryScale }, softcap: { float: t.attnSoftcap ?? 0 }, causal: 0 },
        { outputs: 3, domain: MS_DOMAIN });
      presents.push([presentK!, presentV!]);
      attn = o!;
    } else {
      const q = rope(splitHeads(g, lin(h, 'self_attn.q_proj', t.heads * hd, d), t.heads, hd));
      const k = rope(splitHeads(g, lin(h, 'self_attn.k_proj', t.kvHeads * hd, d), t.kvHeads, hd));
      const v = splitHeads(g, lin(h, 'self_attn.v_proj', t.kvHeads * hd, d), t.kvHeads, hd);
      const presentK = g.concat([pastK, k], 2);
      const presentV = g.concat([pastV, v], 2);
      presents.push([presentK, presentV]);
      // GQA without copying K/V: q [B,kv,G,S,hd] against k [B,kv,1,hd,T] (kv head k serves q heads k·G … k·G+G−1).
      const q5 = g.reshape(g.mul(q, g.scalarF32(t.queryScale)), [0, t.kvHeads, G, -1, hd]);
      const kT5 = g.unsqueeze(g.transpose(presentK, [0, 1, 3, 2]), [2]);
      let scores = softcap(g, g.matmul(q5, kT5), t.attnSoftcap);
      if (bias) scores = g.add(scores, bias);
      const ctx = g.matmul(g.softmax(scores), g.unsqueeze(presentV, [2])); // [B,kv,G,S,hd]
      attn = mergeHeads(g, g.reshape(ctx, [0, t.heads, -1, hd]), t.heads, hd);
    }
    let o = lin(attn, 'self_attn.o_proj', d, t.heads * hd);
    if (t.family === 'gemma2') o = norm(o, `${p}post_attention_layernorm`);
    let h2: string;
    [h2, x] = addNorm(x, o, preFfwName(p));
    const act = g.mul(geluTanh(g, lin(h2, 'mlp.gate_proj', t.intermediate, d)), lin(h2, 'mlp.up_proj', t.intermediate, d));
    let f = lin(act, 'mlp.down_proj', d, t.intermediate);
    if (t.family === 'gemma2') f = norm(f, `${p}post_feedforward_layernorm`);
    if (l + 1 < t.layers) [h, x] = addNorm(x, f, `layers.${l + 1}.input_layernorm`);
    else x = g.add(x, f);
  }
  // Only the requested rows reach the norm and the (large) vocabulary projection.
  const rows = logitsIndex ? g.gather(x, logitsIndex, 1) : x;
  const hidden = norm(rows, 'norm');
  const headName = src.has('language_model.lm_head.weight') ? 'language_model.lm_head.weight' : `${T}embed_tokens.weight`;
  const logits = softcap(g, e.linear(hidden, 'lm_head', src.rows(headName), t.vocab, d), t.finalSoftcap);
  // Output order as in the published exports: logits, then present.{i}.key/value.
  g.output('logits', 'FLOAT', ['batch_size', pv ? 'num_logits' : 'sequence_length', t.vocab], logits);
  presents.forEach(([k, v], l) => {
    g.output(`present.${l}.key`, 'FLOAT', ['batch_size', t.kvHeads, 'total_sequence_length', hd], k);
    g.output(`present.${l}.value`, 'FLOAT', ['batch_size', t.kvHeads, 'total_sequence_length', hd], v);
  });
}
