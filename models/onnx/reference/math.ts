// Float64 building blocks of the reference forward pass. Row-major matrices; written for clarity, not speed.
import type { Vec } from './weights';

/** y[n, out] = x[n, in] · Wᵀ + b, with W stored [out, in] as in PyTorch checkpoints. */
export function linear(x: Float64Array, n: number, W: Vec, out: number, b?: Vec): Float64Array {
  const inp = W.length / out;
  if (x.length !== n * inp) throw new Error(`linear: input has ${x.length} values, expected ${n}×${inp}`);
  const y = new Float64Array(n * out);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < out; j++) {
      let acc = b ? b[j]! : 0;
      for (let k = 0; k < inp; k++) acc += x[i * inp + k]! * W[j * inp + k]!;
      y[i * out + j] = acc;
    }
  }
  return y;
}

export function layerNorm(x: Float64Array, d: number, w: Vec, b: Vec, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let m = 0, v = 0;
    for (let k = 0; k < d; k++) m += x[r * d + k]!;
    m /= d;
    for (let k = 0; k < d; k++) v += (x[r * d + k]! - m) ** 2;
    v /= d;
    const inv = 1 / Math.sqrt(v + eps);
    for (let k = 0; k < d; k++) y[r * d + k] = (x[r * d + k]! - m) * inv * w[k]! + b[k]!;
  }
  return y;
}

/** Gemma RMSNorm: x·rsqrt(mean(x²) + eps)·(1 + w); checkpoints store the offset w. */
export function rmsNorm(x: Float64Array, d: number, w: Vec, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let ms = 0;
    for (let k = 0; k < d; k++) ms += x[r * d + k]! ** 2;
    const inv = 1 / Math.sqrt(ms / d + eps);
    for (let k = 0; k < d; k++) y[r * d + k] = x[r * d + k]! * inv * (1 + w[k]!);
  }
  return y;
}

/** GELU, tanh approximation (flax nn.gelu default, HF gelu_pytorch_tanh). */
export function geluTanh(v: number): number {
  return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
}

export function softcap(v: number, cap: number | null): number {
  return cap === null ? v : cap * Math.tanh(v / cap);
}

/** In-place softmax over `scores`, ignoring entries that are -Infinity (masked). */
export function softmaxInPlace(s: Float64Array): void {
  let mx = -Infinity;
  for (const v of s) mx = Math.max(mx, v);
  let z = 0;
  for (let i = 0; i < s.length; i++) { s[i] = s[i] === -Infinity ? 0 : Math.exp(s[i]! - mx); z += s[i]!; }
  for (let i = 0; i < s.length; i++) s[i] = s[i]! / z;
}

export function addInPlace(a: Float64Array, b: Vec): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
  return a;
}
