// Emits weights and the ops that consume them, per target dtype. Norm scales, biases and position tables stay fp32
// (tiny next to the matrices); only matrices and the embedding table are converted.
import type { GraphBuilder } from '../builder';
import { MS_DOMAIN } from '../builder';
import { rowBlocks, type RowSource } from './source';
import { f16Bytes, quantizeInt8RowsInto, quantizeQ4Blockwise, quantizeRowsInt8, quantizeRowsQ4, type WeightDtype } from './quant';

export interface EmitOptions {
  dtype: WeightDtype; q4Block: number;
  /** embedding table storage */
  embedDtype: 'fp32' | 'fp16' | 'int8' | 'int4';
  /** Size of the row blocks big matrices are converted in (default 64 MB of float32). */
  rowBlockBytes?: number;
  /**
   * MatMulNBits `accuracy_level` (q4 only): 0 leaves it unset (onnxruntime dequantizes to fp32 and computes in fp32);
   * 4 lets onnxruntime quantize the activations to int8 per block and use its int8 dot-product kernels (AVX-512 VNNI /
   * AVX2 / NEON dot), with the weights prepacked at load — faster, with a small, measured extra error
   * (models/onnx/README.md, "Accuracy vs speed").
   */
  accuracyLevel?: 0 | 4;
  /**
   * int8 matrices: 'dequantize' = DequantizeLinear → MatMul (plain ONNX; what the published int8 recipe does, and
   * onnxruntime turns it into an 8-bit MatMulNBits at 'all'); 'dynamic' = one com.microsoft DynamicQuantizeMatMul
   * (activations quantized per tensor to uint8 on each call, then MLAS's integer GEMM — measured ≈2.5× less CPU than
   * the fused DequantizeLinear path and ≈1.5–1.8× less than q4 int8-activation MatMulNBits on 256-row prefill chunks,
   * bench/vlm/kernels.ts). Default 'dequantize'.
   */
  int8Kernel?: 'dequantize' | 'dynamic';
}

export class WeightEmitter {
  constructor(readonly g: GraphBuilder, readonly o: EmitOptions) {}

  f32(name: string, dims: number[], data: Float32Array): string { return this.g.initializer(name, 'FLOAT', dims, data); }

  /**
   * y = x·Wᵀ (+ b) for W stored [out, in] (PyTorch layout). W may be a RowSource: fp32, fp16 and q4 are row-local and
   * are then converted and written block by block (the 257216-row tied head never sits in memory whole).
   */
  linear(x: string, name: string, Win: Float32Array | RowSource, out: number, inp: number, bias?: Float32Array): string {
    const g = this.g;
    const bb = this.o.rowBlockBytes;
    const src: RowSource = Win instanceof Float32Array ? { rows: out, cols: inp, read: (r, n) => Win.subarray(r * inp, (r + n) * inp), all: () => Win } : Win;
    let y: string;
    switch (this.o.dtype) {
      case 'fp32': {
        const W = g.initializerChunks(name, 'FLOAT', [out, inp], (function* () { for (const [, b] of rowBlocks(src, bb)) yield b; })());
        y = this.gemmTransB(x, W, out, inp);
        break;
      }
      case 'fp16': {
        // fp16 storage, fp32 compute: onnxruntime's CPU provider has few fp16 kernels, and fp32 I/O is what
        // keep_io_types exports offer anyway.
        const W = g.initializerChunks(name, 'FLOAT16', [out, inp], (function* () { for (const [, b] of rowBlocks(src, bb)) yield f16Bytes(b); })());
        y = this.gemmTransB(x, g.cast(W, 'FLOAT'), out, inp);
        break;
      }
      case 'int8': {
        // [in, out] layout (per-column scales for DequantizeLinear axis 1) is a transpose of the checkpoint's rows, so
        // the int8 result is assembled in memory (a quarter of the fp32 size) from row blocks.
        const q = new Int8Array(out * inp);
        const scale = new Float32Array(out);
        for (const [r0, b] of rowBlocks(src, bb)) quantizeInt8RowsInto(b, r0, out, inp, q, scale);
        if (this.o.int8Kernel === 'dynamic') {
          // Stored as uint8 with zero point 128, not int8: MLAS's u8×s8 kernels on AVX2 (no VNNI) sum pairs of
          // products in int16 and saturate with full-range int8 weights (measured: 20 % relative error); u8×u8 is
          // exact on every CPU and costs ≈7 % more time here. The bias rides in the op's last input.
          const u = new Uint8Array(q.buffer, q.byteOffset, q.length);
          for (let i = 0; i < q.length; i++) u[i] = q[i]! + 128;
          const ins = [x, g.initializer(name, 'UINT8', [inp, out], u), g.initializer(`${name}.scale`, 'FLOAT', [out], scale),
            g.initializer(`${name}.zero_point`, 'UINT8', [out], new Uint8Array(out).fill(128))];
          if (bias) ins.push(this.f32(`${name}.bias`, [out], bias));
          return g.op('DynamicQuantizeMatMul', ins, {}, MS_DOMAIN);
        }
        const deq = g.op('DequantizeLinear', [g.initializer(name, 'INT8', [inp, out], q), g.initializer(`${name}.scale`, 'FLOAT', [out], scale)], { axis: 1 });
        y = g.matmul(x, deq);
        break;
      }
      case 'q4': {
        const block = this.o.q4Block;
        const kBlocks = Math.ceil(inp / block);
        const scales = new Float32Array(out * kBlocks);
        const B = g.initializerChunks(name, 'UINT8', [out, kBlocks, block / 2], (function* () {
          for (const [r0, rows] of rowBlocks(src, bb)) {
            const q = quantizeQ4Blockwise(rows, rows.length / inp, inp, block);
            scales.set(q.scales, r0 * kBlocks);
            yield q.B;
          }
        })());
        y = g.op('MatMulNBits', [x, B, g.initializer(`${name}.scales`, 'FLOAT', [out * kBlocks], scales)],
          { K: inp, N: out, bits: 4, block_size: block, accuracy_level: this.o.accuracyLevel || undefined }, MS_DOMAIN);
        break;
      }
    }
    return bias ? g.add(y, this.f32(`${name}.bias`, [out], bias)) : y;
  }

  /**
   * x[..., in] · Wᵀ with W kept in its checkpoint layout [out, in] (Gemm transB): no transposed copy of any matrix
   * is ever built, which matters for the 257216×2304 tied head.
   */
  private gemmTransB(x: string, W: string, out: number, inp: number): string {
    const g = this.g;
    const lead = g.shape(x, 0, -1);
    const y2 = g.op('Gemm', [g.reshape(x, [-1, inp]), W], { transB: 1 });
    return g.op('Reshape', [y2, g.concat([lead, g.i64([out])], 0)]);
  }

  /** Embedding lookup rows = E[ids] for E [V, d], with a dequantizing Gather when the table is quantized. */
  embedding(ids: string, name: string, Ein: Float32Array | RowSource, V: number, d: number): string {
    const g = this.g;
    const bb = this.o.rowBlockBytes;
    const src: RowSource = Ein instanceof Float32Array ? { rows: V, cols: d, read: (r, n) => Ein.subarray(r * d, (r + n) * d), all: () => Ein } : Ein;
    const blocks = <T extends ArrayBufferView>(f: (r0: number, b: Float32Array) => T) =>
      (function* () { for (const [r0, b] of rowBlocks(src, bb)) yield f(r0, b); })();
    switch (this.o.embedDtype) {
      case 'fp32': return g.gather(g.initializerChunks(name, 'FLOAT', [V, d], blocks((_, b) => b)), ids);
      case 'fp16': return g.cast(g.gather(g.initializerChunks(name, 'FLOAT16', [V, d], blocks((_, b) => f16Bytes(b))), ids), 'FLOAT');
      case 'int8': {
        const scale = new Float32Array(V);
        const q = g.initializerChunks(name, 'INT8', [V, d], blocks((r0, b) => {
          const r = quantizeRowsInt8(b, b.length / d, d);
          scale.set(r.scale, r0);
          return r.q;
        }));
        const rows = g.cast(g.gather(q, ids), 'FLOAT');
        return g.mul(rows, g.gather(g.initializer(`${name}.scale`, 'FLOAT', [V, 1], scale), ids));
      }
      case 'int4': {
        // Rows of packed nibbles [V, d/2]: gather, split low/high nibbles, interleave back to [.., d], subtract 8,
        // times the per-block scale.
        const block = embedBlock(this.o.q4Block, d);
        const nb = d / block;
        const scales = new Float32Array(V * nb);
        const packed = g.initializerChunks(name, 'UINT8', [V, d / 2], blocks((r0, b) => {
          const r = quantizeRowsQ4(b, b.length / d, d, block);
          scales.set(r.scales, r0 * nb);
          return r.packed;
        }));
        const bytes = g.cast(g.gather(packed, ids), 'INT32');
        const sixteen = g.op('Constant', [], { value: { tensor: { name: 'c16', dtype: 'INT32', dims: [], data: new Uint8Array(Int32Array.of(16).buffer) } } });
        const lo = g.op('Mod', [bytes, sixteen]);
        const hi = g.div(bytes, sixteen);
        const codes = g.reshape(g.concat([g.unsqueeze(lo, [-1]), g.unsqueeze(hi, [-1])], -1), [0, 0, nb, block]);
        const vals = g.sub(g.cast(codes, 'FLOAT'), g.scalarF32(8));
        const s = g.reshape(g.gather(g.initializer(`${name}.scales`, 'FLOAT', [V, nb], scales), ids), [0, 0, nb, 1]);
        return g.reshape(g.mul(vals, s), [0, 0, d]);
      }
    }
  }
}

/** Block of the int4 embedding rows: the q4 block if it divides d, else the largest of 64/32/16 that does. */
export function embedBlock(q4Block: number, d: number): number {
  const b = [q4Block, 64, 32, 16].find((x) => d % x === 0);
  if (!b) throw new Error(`int4 embedding: hidden size ${d} is not a multiple of 16`);
  return b;
}
