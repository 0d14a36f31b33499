// Composite ops shared by the vision and decoder graphs, in plain ONNX opset-17 ops.
import { MS_DOMAIN, type GraphBuilder } from '../builder';

/** Gemma RMSNorm with the (1 + w) offset folded into `scale` at conversion time. */
export function rmsNorm(g: GraphBuilder, x: string, scale: string, eps: number): string {
  const ms = g.reduceMean(g.mul(x, x), [-1]);
  const inv = g.op('Reciprocal', [g.sqrt(g.add(ms, g.scalarF32(eps)))]);
  return g.mul(g.mul(x, inv), scale);
}

/**
 * The same RMSNorm as one onnxruntime node: SimplifiedLayerNormalization (default ONNX domain in onnxruntime, fp32
 * statistics for fp32 input) computes x·rsqrt(mean(x²) + eps)·scale over the last axis.
 */
export function rmsNormFused(g: GraphBuilder, x: string, scale: string, eps: number): string {
  return g.op('SimplifiedLayerNormalization', [x, scale], { axis: -1, epsilon: { float: eps }, stash_type: 1 });
}

/**
 * Residual add and the next RMSNorm in one node (com.microsoft SkipSimplifiedLayerNormalization):
 * returns [RMSNorm(x + skip)·scale, x + skip] — output 3 is the sum the residual stream carries on.
 */
export function skipRmsNorm(g: GraphBuilder, x: string, skip: string, scale: string, eps: number): [string, string] {
  const [y, , , sum] = g.node('SkipSimplifiedLayerNormalization', [x, skip, scale], { epsilon: { float: eps } }, { outputs: 4, domain: MS_DOMAIN });
  return [y!, sum!];
}

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(g: GraphBuilder, x: string): string {
  const x3 = g.mul(g.mul(x, x), x);
  const inner = g.mul(g.add(x, g.mul(x3, g.scalarF32(0.044715))), g.scalarF32(Math.sqrt(2 / Math.PI)));
  return g.mul(g.mul(x, g.scalarF32(0.5)), g.add(g.tanh(inner), g.scalarF32(1)));
}

/** cap·tanh(x / cap), or x when there is no cap. */
export function softcap(g: GraphBuilder, x: string, cap: number | null): string {
  if (cap === null) return x;
  return g.mul(g.tanh(g.div(x, g.scalarF32(cap))), g.scalarF32(cap));
}

/** [B, S, H·hd] → [B, H, S, hd]. */
export function splitHeads(g: GraphBuilder, x: string, heads: number, hd: number): string {
  return g.transpose(g.reshape(x, [0, 0, heads, hd]), [0, 2, 1, 3]);
}
/** [B, H, S, hd] → [B, S, H·hd]. */
export function mergeHeads(g: GraphBuilder, x: string, heads: number, hd: number): string {
  return g.reshape(g.transpose(x, [0, 2, 1, 3]), [0, 0, heads * hd]);
}
