// Token choosers for one logits row. The decode loop masks and scores; a sampler only picks.
import { argmax, topK } from './logits';

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

/**
 * Among `idx` sorted by descending weight, the smallest prefix whose weight reaches p·total, then a draw from it
 * proportional to weight.
 */
function drawNucleus(idx: number[], w: (i: number) => number, total: number, p: number, u: number): number {
  let keep = idx.length;
  if (p < 1) {
    let cum = 0;
    for (let j = 0; j < idx.length; j++) { cum += w(idx[j]!); if (cum >= p * total) { keep = j + 1; break; } }
  }
  let kept = 0;
  for (let j = 0; j < keep; j++) kept += w(idx[j]!);
  let r = u * kept;
  for (let j = 0; j < keep; j++) { r -= w(idx[j]!); if (r < 0) return idx[j]!; }
  return idx[keep - 1]!;
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
      let max = -Infinity;
      for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
      if (max === -Infinity) throw new Error('sampler: every logit is -Infinity (all ids masked)');
      // Unnormalised probabilities at this temperature; masked ids get weight 0.
      const e = new Float64Array(logits.length);
      let total = 0;
      for (let i = 0; i < logits.length; i++) { e[i] = Math.exp((logits[i]! - max) / temperature); total += e[i]!; }
      const w = (i: number) => e[i]!;
      const u = rand();
      if (k > 0) {
        const idx = topK(e, k);
        let sub = 0;
        for (const i of idx) sub += e[i]!;
        return drawNucleus(idx, w, sub, p, u);
      }
      if (p >= 1) {
        let r = u * total, last = 0;
        for (let i = 0; i < e.length; i++) { if (e[i]! > 0) { last = i; r -= e[i]!; if (r < 0) return i; } }
        return last;
      }
      // Top-p without top-k: sorting all 257k ids per token is slow, and the nucleus only ever holds the most likely
      // ids. Every id with weight ≥ t sorts before every id below t, so if those ids already reach p the nucleus
      // lies among them; otherwise lower t tenfold and retry. Exact; a peaked distribution needs a pass or two over
      // the vocabulary and a sort of a few ids.
      for (let t = 0.1; ; t *= 0.1) {
        const idx: number[] = [];
        let mass = 0;
        for (let i = 0; i < e.length; i++) if (e[i]! >= t || t < 1e-300) { if (e[i]! > 0) { idx.push(i); mass += e[i]!; } }
        if (mass >= p * total || t < 1e-300) {
          idx.sort((a, b) => e[b]! - e[a]! || a - b);
          return drawNucleus(idx, w, total, p, u);
        }
      }
    },
  };
}
