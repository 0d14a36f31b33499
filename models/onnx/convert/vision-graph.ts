// vision_encoder graph: pixel_values [B, 3, S, S] → image_features [B, N, d_text] = projector(SigLIP(x)) / √d_text.
import type { GraphBuilder } from '../builder';
import { PROJ, V } from '../weights';
import type { WeightEmitter } from './emit';
import { geluTanh, mergeHeads, splitHeads } from './graph-ops';
import type { CheckpointSource } from './source';

export function buildVisionGraph(src: CheckpointSource, e: WeightEmitter): void {
  const g: GraphBuilder = e.g;
  const v = src.spec.vision, d = src.spec.text.hidden, D = v.hidden, S = v.imageSize;
  const px = g.input('pixel_values', 'FLOAT', ['batch_size', 3, S, S]);
  // The patch conv stays fp32 in every dtype: it is small (≈2.3 MB at So400m) and Conv has no weight-only path.
  const conv = g.op('Conv', [px, e.f32('patch_embedding.weight', [D, 3, v.patch, v.patch], src.get(`${V}embeddings.patch_embedding.weight`)),
    e.f32('patch_embedding.bias', [D], src.get(`${V}embeddings.patch_embedding.bias`))],
  { kernel_shape: [v.patch, v.patch], strides: [v.patch, v.patch] });
  let x = g.transpose(g.reshape(conv, [0, D, -1]), [0, 2, 1]); // raster order [B, N, D]
  x = g.add(x, e.f32('position_embedding', [v.numPatches, D], src.get(`${V}embeddings.position_embedding.weight`)));
  const ln = (h: string, n: string) => g.layerNorm(h, e.f32(`${n}.weight`, [D], src.get(`${V}${n}.weight`)), e.f32(`${n}.bias`, [D], src.get(`${V}${n}.bias`)), v.eps);
  for (let l = 0; l < v.layers; l++) {
    const p = `encoder.layers.${l}.`;
    const lin = (h: string, n: string, out: number, inp: number) =>
      e.linear(h, `${p}${n}`, src.get(`${V}${p}${n}.weight`), out, inp, src.get(`${V}${p}${n}.bias`));
    const h = ln(x, `${p}layer_norm1`);
    const q = splitHeads(g, lin(h, 'self_attn.q_proj', D, D), v.heads, v.headDim);
    const k = splitHeads(g, lin(h, 'self_attn.k_proj', D, D), v.heads, v.headDim);
    const vv = splitHeads(g, lin(h, 'self_attn.v_proj', D, D), v.heads, v.headDim);
    const scores = g.mul(g.matmul(q, g.transpose(k, [0, 1, 3, 2])), g.scalarF32(1 / Math.sqrt(v.headDim)));
    const att = mergeHeads(g, g.matmul(g.softmax(scores), vv), v.heads, v.headDim);
    x = g.add(x, lin(att, 'self_attn.out_proj', D, D));
    const h2 = ln(x, `${p}layer_norm2`);
    const f = geluTanh(g, lin(h2, 'mlp.fc1', v.intermediate, D));
    x = g.add(x, lin(f, 'mlp.fc2', D, v.intermediate));
  }
  x = ln(x, 'post_layernorm');
  const feats = e.linear(x, 'multi_modal_projector', src.get(`${PROJ}weight`), d, D, src.get(`${PROJ}bias`));
  // HF get_image_features divides by √d_text; the decoder multiplies every row by √d again (doc §2.3).
  g.output('image_features', 'FLOAT', ['batch_size', v.numPatches, d], g.div(feats, g.scalarF32(Math.sqrt(d))));
}
