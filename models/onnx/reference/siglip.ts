// Reference SigLIP vision tower + PaliGemma projector, float64 (doc §2.1–2.3).
import type { ModelSpec } from '../config';
import { PROJ, V } from '../weights';
import { addInPlace, geluTanh, layerNorm, linear, softmaxInPlace } from './math';
import { need, type RefWeights } from './weights';

/**
 * pixels: one image, CHW float in [-1, 1], size imageSize². Returns image_features [numPatches, d_text] =
 * projector(vision(x)) / √d_text — what HF get_image_features and the ONNX vision_encoder return.
 */
export function visionForward(w: RefWeights, m: ModelSpec, pixels: Float64Array): Float64Array {
  const v = m.vision;
  const S = v.imageSize, P = v.patch, g = S / P, N = g * g, D = v.hidden;
  if (pixels.length !== 3 * S * S) throw new Error(`visionForward: pixels have ${pixels.length} values, expected 3×${S}×${S}`);
  // Patch embedding: a VALID conv with stride = kernel = patch, i.e. a linear map of each flattened (c, ky, kx) patch.
  const patches = new Float64Array(N * 3 * P * P);
  for (let gy = 0; gy < g; gy++) for (let gx = 0; gx < g; gx++) {
    const n = gy * g + gx; // raster order
    for (let c = 0; c < 3; c++) for (let ky = 0; ky < P; ky++) for (let kx = 0; kx < P; kx++) {
      patches[n * 3 * P * P + (c * P + ky) * P + kx] = pixels[(c * S + gy * P + ky) * S + gx * P + kx]!;
    }
  }
  let x = linear(patches, N, need(w, `${V}embeddings.patch_embedding.weight`), D, need(w, `${V}embeddings.patch_embedding.bias`));
  addInPlace(x, need(w, `${V}embeddings.position_embedding.weight`));
  for (let l = 0; l < v.layers; l++) {
    const p = `${V}encoder.layers.${l}.`;
    const h = layerNorm(x, D, need(w, `${p}layer_norm1.weight`), need(w, `${p}layer_norm1.bias`), v.eps);
    const proj = (n: string) => linear(h, N, need(w, `${p}self_attn.${n}_proj.weight`), D, need(w, `${p}self_attn.${n}_proj.bias`));
    const q = proj('q'), k = proj('k'), vv = proj('v');
    const att = new Float64Array(N * D);
    const hd = v.headDim, scale = 1 / Math.sqrt(hd);
    for (let head = 0; head < v.heads; head++) {
      for (let i = 0; i < N; i++) {
        const s = new Float64Array(N);
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let e = 0; e < hd; e++) acc += q[i * D + head * hd + e]! * k[j * D + head * hd + e]!;
          s[j] = acc * scale;
        }
        softmaxInPlace(s);
        for (let e = 0; e < hd; e++) {
          let acc = 0;
          for (let j = 0; j < N; j++) acc += s[j]! * vv[j * D + head * hd + e]!;
          att[i * D + head * hd + e] = acc;
        }
      }
    }
    addInPlace(x, linear(att, N, need(w, `${p}self_attn.out_proj.weight`), D, need(w, `${p}self_attn.out_proj.bias`)));
    const h2 = layerNorm(x, D, need(w, `${p}layer_norm2.weight`), need(w, `${p}layer_norm2.bias`), v.eps);
    const f1 = linear(h2, N, need(w, `${p}mlp.fc1.weight`), v.intermediate, need(w, `${p}mlp.fc1.bias`)).map(geluTanh);
    x = addInPlace(x, linear(f1, N, need(w, `${p}mlp.fc2.weight`), D, need(w, `${p}mlp.fc2.bias`)));
  }
  x = layerNorm(x, D, need(w, `${V}post_layernorm.weight`), need(w, `${V}post_layernorm.bias`), v.eps);
  const d = m.text.hidden;
  const feats = linear(x, N, need(w, `${PROJ}weight`), d, need(w, `${PROJ}bias`));
  const root = Math.sqrt(d);
  return feats.map((f) => f / root);
}
