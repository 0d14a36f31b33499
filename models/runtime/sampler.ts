// Token choosers for one logits row. The decode loop masks and scores; a sampler only picks.
import { argmax, logSoftmax, topK } from './logits';

export interface SamplingOptions {
  /** > 0; 1 = the model's distribution. */
  temperature?: number;
  /** Keep only the k most likely ids (0 or undefined = all). */
  topK?: number;
  /** Keep the smallest set of most likely ids whose probability reaches topP (1 = all). */
  topP?: number;
  /** Seed of the sampler's RNG; the same seed, model and prompt give the same tokens. */
  seed?: number;
}

export interface Sampler { pick(logits: Float32Array): number }

export const greedySampler: Sampler = { pick: argmax };

/** mulberry32: small, fast, seedable; quality is ample for picking tokens. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Temperature, then top-k, then top-p (the order transformers applies its warpers), then a draw. */
export function createSampler(o: SamplingOptions): Sampler {
  const temperature = o.temperature ?? 1;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`sampling temperature ${temperature}: expected a finite number > 0`);
  const k = o.topK ?? 0;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`sampling topK ${k}: expected a non-negative integer`);
  const p = o.topP ?? 1;
  if (!(p > 0 && p <= 1)) throw new RangeError(`sampling topP ${p}: expected a number in (0, 1]`);
  const rand = seededRandom(o.seed ?? 0);
  return {
    pick(logits) {
      const scaled = new Float32Array(logits.length);
      for (let i = 0; i < logits.length; i++) scaled[i] = logits[i]! / temperature;
      // Candidates sorted by probability: all finite ids when no top-k (sorting once is fine per token on CPU).
      let cand: number[];
      if (k > 0) cand = topK(scaled, k);
      else {
        cand = [];
        for (let i = 0; i < scaled.length; i++) if (scaled[i] !== -Infinity) cand.push(i);
        cand.sort((a, b) => scaled[b]! - scaled[a]! || a - b);
      }
      const lp = logSoftmax(cand.map((i) => scaled[i]!));
      const probs = Array.from(lp, Math.exp);
      let keep = probs.length;
      if (p < 1) {
        let cum = 0;
        for (let j = 0; j < probs.length; j++) { cum += probs[j]!; if (cum >= p) { keep = j + 1; break; } }
      }
      let total = 0;
      for (let j = 0; j < keep; j++) total += probs[j]!;
      let u = rand() * total;
      for (let j = 0; j < keep; j++) { u -= probs[j]!; if (u < 0) return cand[j]!; }
      return cand[keep - 1]!;
    },
  };
}
