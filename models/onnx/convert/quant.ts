// Weight quantizers for the converter: fp16 storage, int8 per-output-channel symmetric, 4-bit block-wise (the
// com.microsoft MatMulNBits layout), and int8 / int4 per-row embedding tables.
import { toF16 } from '../dtype';

export type WeightDtype = 'fp32' | 'fp16' | 'int8' | 'q4';

/** W[out, in] (PyTorch layout) → int8 [in, out] plus one scale per output column: w ≈ q·scale. */
export function quantizeInt8PerColumn(W: Float32Array, out: number, inp: number): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(out * inp);
  const scale = new Float32Array(out);
  quantizeInt8RowsInto(W, 0, out, inp, q, scale);
  return { q, scale };
}

/**
 * Quantizes rows [row0, row0 + rows) of W (given as `block`, [rows, inp]) into the transposed int8 matrix q [inp, out]
 * and their scales — so a big matrix can be read in row blocks while only the int8 result is held whole.
 */
export function quantizeInt8RowsInto(block: Float32Array, row0: number, out: number, inp: number, q: Int8Array, scale: Float32Array): void {
  const rows = block.length / inp;
  const s64 = new Float64Array(rows); // divide by the unrounded scale, exactly as quantizeRowsInt8 does
  for (let o = 0; o < rows; o++) {
    let mx = 0;
    for (let k = 0; k < inp; k++) mx = Math.max(mx, Math.abs(block[o * inp + k]!));
    s64[o] = mx > 0 ? mx / 127 : 1;
    scale[row0 + o] = s64[o]!;
  }
  // The output is the transpose of the input: walk it in 64×64 tiles so both sides stay in cache.
  const T = 64;
  for (let o0 = 0; o0 < rows; o0 += T) for (let k0 = 0; k0 < inp; k0 += T) {
    const o1 = Math.min(rows, o0 + T), k1 = Math.min(inp, k0 + T);
    for (let o = o0; o < o1; o++) {
      const s = s64[o]!;
      for (let k = k0; k < k1; k++) q[k * out + row0 + o] = Math.max(-127, Math.min(127, Math.round(block[o * inp + k]! / s)));
    }
  }
}

/**
 * MatMulNBits 4-bit layout: B uint8 [N, kBlocks, block/2] with codes packed low nibble first along K, scales
 * [N·kBlocks], no zero points (the op then uses 8, so w ≈ (code − 8)·scale). Symmetric: scale = absmax / 7.
 * W is [N = out, K = in] (PyTorch layout), which is exactly MatMulNBits' row order.
 */
export function quantizeQ4Blockwise(W: Float32Array, N: number, K: number, block: number): { B: Uint8Array; scales: Float32Array; kBlocks: number } {
  if (![16, 32, 64, 128, 256].includes(block)) throw new Error(`q4 block size ${block}: expected 16, 32, 64, 128 or 256`);
  const kBlocks = Math.ceil(K / block);
  const blob = block / 2;
  const B = new Uint8Array(N * kBlocks * blob);
  const scales = new Float32Array(N * kBlocks);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kBlocks; b++) {
      const k0 = b * block, k1 = Math.min(K, k0 + block);
      let mx = 0;
      for (let k = k0; k < k1; k++) mx = Math.max(mx, Math.abs(W[n * K + k]!));
      const s = mx > 0 ? mx / 7 : 1;
      scales[n * kBlocks + b] = s;
      for (let k = k0; k < k1; k++) {
        const code = Math.max(0, Math.min(15, Math.round(W[n * K + k]! / s) + 8));
        const i = k - k0;
        const byte = (n * kBlocks + b) * blob + (i >> 1);
        B[byte] = B[byte]! | (i & 1 ? code << 4 : code);
      }
      // Positions past K (K not a multiple of the block) get code 8, i.e. weight 0.
      for (let i = k1 - k0; i < block; i++) {
        const byte = (n * kBlocks + b) * blob + (i >> 1);
        B[byte] = B[byte]! | (i & 1 ? 8 << 4 : 8);
      }
    }
  }
  return { B, scales, kBlocks };
}

/** Embedding table [V, d] → int8 rows + one scale per row. */
export function quantizeRowsInt8(E: Float32Array, V: number, d: number): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(V * d);
  const scale = new Float32Array(V);
  for (let r = 0; r < V; r++) {
    let mx = 0;
    for (let k = 0; k < d; k++) mx = Math.max(mx, Math.abs(E[r * d + k]!));
    const s = mx > 0 ? mx / 127 : 1;
    scale[r] = s;
    for (let k = 0; k < d; k++) q[r * d + k] = Math.round(E[r * d + k]! / s);
  }
  return { q, scale };
}

/**
 * Embedding table [V, d] → 4-bit codes per row in blocks of `block` along d, stored as uint8 [V, d/2] (low nibble
 * first) with scales [V, d/block]; w ≈ (code − 8)·scale.
 */
export function quantizeRowsQ4(E: Float32Array, V: number, d: number, block: number): { packed: Uint8Array; scales: Float32Array } {
  if (d % block !== 0 || block % 2 !== 0) throw new Error(`int4 embedding: hidden size ${d} is not a multiple of block ${block}`);
  const nb = d / block;
  const packed = new Uint8Array((V * d) / 2);
  const scales = new Float32Array(V * nb);
  for (let r = 0; r < V; r++) {
    for (let b = 0; b < nb; b++) {
      let mx = 0;
      for (let k = b * block; k < (b + 1) * block; k++) mx = Math.max(mx, Math.abs(E[r * d + k]!));
      const s = mx > 0 ? mx / 7 : 1;
      scales[r * nb + b] = s;
      for (let k = b * block; k < (b + 1) * block; k++) {
        const code = Math.max(0, Math.min(15, Math.round(E[r * d + k]! / s) + 8));
        const idx = r * d + k;
        packed[idx >> 1] = packed[idx >> 1]! | (idx & 1 ? code << 4 : code);
      }
    }
  }
  return { packed, scales };
}

export function f16Bytes(a: Float32Array): Uint16Array { return toF16(a); }

/** Inverse of quantizeQ4Blockwise (what MatMulNBits computes with): W [N, K]. */
export function dequantizeQ4Blockwise(B: Uint8Array, scales: Float32Array, N: number, K: number, block: number): Float32Array {
  const kBlocks = Math.ceil(K / block), blob = block / 2;
  const W = new Float32Array(N * K);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
    const b = Math.floor(k / block), i = k % block;
    const byte = B[(n * kBlocks + b) * blob + (i >> 1)]!;
    const code = i & 1 ? byte >> 4 : byte & 15;
    W[n * K + k] = (code - 8) * scales[n * kBlocks + b]!;
  }
  return W;
}
