// Deterministic random numbers for fixtures: each tensor gets its own stream derived from (seed, tensor name), so a
// tensor's values do not depend on write order and can be regenerated chunk by chunk while streaming.

import { seededRandom } from '../runtime/sampler';

/** 32-bit FNV-1a hash, used to derive per-tensor seeds. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}

/** Uniform random numbers from the shared seeded generator (mulberry32), plus fill helpers for weights. */
export class Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  constructor(seed: number) { this.next = seededRandom(seed); }
  /** Fills `out` with zero-mean uniform values of standard deviation `std` around `mean`. */
  fillUniform(out: Float32Array, std: number, mean = 0): Float32Array {
    const a = std * Math.sqrt(3);
    for (let i = 0; i < out.length; i++) out[i] = mean + (this.next() * 2 - 1) * a;
    return out;
  }
}
