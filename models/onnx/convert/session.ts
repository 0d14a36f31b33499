// Thin helpers to run converted graphs with onnxruntime-node (used by tests and benchmarks; the app's runtime has
// its own engine). Batch size 1.
import * as ort from 'onnxruntime-node';
import type { ModelSpec } from '../config';

export async function openSession(path: string, level: 'basic' | 'all' = 'all'): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { graphOptimizationLevel: level, intraOpNumThreads: 1, logSeverityLevel: 3 });
}

export async function runVision(s: ort.InferenceSession, pixels: Float32Array, size: number): Promise<Float32Array> {
  const out = await s.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, size, size]) });
  return out.image_features!.data as Float32Array;
}

export async function runEmbed(s: ort.InferenceSession, ids: number[]): Promise<Float32Array> {
  const out = await s.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) });
  return out.inputs_embeds!.data as Float32Array;
}

export type Cache = { key: ort.Tensor; value: ort.Tensor }[];
export function emptyCache(m: ModelSpec): Cache {
  const z = () => new ort.Tensor('float32', new Float32Array(0), [1, m.text.kvHeads, 0, m.text.headDim]);
  return Array.from({ length: m.text.layers }, () => ({ key: z(), value: z() }));
}

export interface StepInput {
  embeds: Float32Array; positions: number[]; cache: Cache;
  /** paliscope layout only */
  prefixLength?: number; logitsIndex?: number[]; attentionMask?: number[];
}

/** One decoder call (paliscope layout when `prefixLength` is given, else onnx-community). */
export async function runDecoder(s: ort.InferenceSession, m: ModelSpec, x: StepInput): Promise<{ logits: Float32Array; cache: Cache }> {
  const S = x.positions.length, d = m.text.hidden;
  const feeds: Record<string, ort.Tensor> = {
    inputs_embeds: new ort.Tensor('float32', x.embeds, [1, S, d]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(x.positions.map(BigInt)), [1, S]),
  };
  const past = x.cache[0]!.key.dims[2]!;
  if (x.prefixLength !== undefined) {
    const mask = x.attentionMask ?? Array(past + S).fill(1);
    feeds.attention_mask = new ort.Tensor('int64', BigInt64Array.from(mask.map(BigInt)), [1, mask.length]);
    feeds.prefix_length = new ort.Tensor('int64', BigInt64Array.of(BigInt(x.prefixLength)), [1]);
    const idx = x.logitsIndex ?? [-1];
    feeds.logits_index = new ort.Tensor('int64', BigInt64Array.from(idx.map(BigInt)), [idx.length]);
  }
  x.cache.forEach((c, l) => { feeds[`past_key_values.${l}.key`] = c.key; feeds[`past_key_values.${l}.value`] = c.value; });
  const out = await s.run(feeds);
  const cache = x.cache.map((_, l) => ({ key: out[`present.${l}.key`]!, value: out[`present.${l}.value`]! }));
  return { logits: out.logits!.data as Float32Array, cache };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
