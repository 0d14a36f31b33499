// Reference weights as a quantized model sees them: each converted matrix replaced by its dequantized value, so the
// float64 reference can check a quantized graph exactly (the remaining difference is the graph, not quantization).
import type { ModelSpec } from '../config';
import { f16BitsToF32 } from '../dtype';
import type { RefWeights, Vec } from '../reference/weights';
import { weightSpecs } from '../weights';
import { embedBlock } from './emit';
import { dequantizeQ4Blockwise, f16Bytes, quantizeInt8PerColumn, quantizeQ4Blockwise, quantizeRowsInt8, quantizeRowsQ4, type WeightDtype } from './quant';

function roundF16(a: Vec): Vec {
  const h = f16Bytes(a instanceof Float32Array ? a : Float32Array.from(a));
  return a instanceof Float32Array ? Float32Array.from(h, (b) => f16BitsToF32(b)) : Float64Array.from(h, (b) => f16BitsToF32(b));
}

/**
 * Float32-held weights stay float32 (the dequantized values are then rounded exactly as onnxruntime's float32
 * dequantization rounds them), which halves memory at real widths.
 */
export function dequantizedRefWeights(w: RefWeights, m: ModelSpec, dtype: WeightDtype, q4Block: number): RefWeights {
  const out: RefWeights = new Map(w);
  for (const s of weightSpecs(m)) {
    const W0 = w.get(s.name)!;
    const W = W0 instanceof Float32Array ? W0 : Float32Array.from(W0);
    const from = (len: number, f: (i: number) => number): Vec => {
      const o = W0 instanceof Float32Array ? new Float32Array(len) : new Float64Array(len);
      for (let i = 0; i < len; i++) o[i] = f(i);
      return o;
    };
    const [rows, cols] = s.shape as [number, number];
    if (s.init === 'linear') {
      if (dtype === 'fp16') out.set(s.name, roundF16(W));
      else if (dtype === 'int8') {
        const { q, scale } = quantizeInt8PerColumn(W, rows, cols);
        out.set(s.name, from(W.length, (i) => q[(i % cols) * rows + Math.floor(i / cols)]! * scale[Math.floor(i / cols)]!));
      } else if (dtype === 'q4') {
        const q = quantizeQ4Blockwise(W, rows, cols, q4Block);
        const d = dequantizeQ4Blockwise(q.B, q.scales, rows, cols, q4Block);
        out.set(s.name, W0 instanceof Float32Array ? d : Float64Array.from(d));
      }
    } else if (s.init === 'embed') {
      // The table feeds both the dequantizing Gather and the tied head; the tests pick settings where both use the
      // same values (int8: per-row scales either way; q4: head blocks = embedding blocks).
      if (dtype === 'fp16') out.set(s.name, roundF16(W));
      else if (dtype === 'int8') {
        const { q, scale } = quantizeRowsInt8(W, rows, cols);
        out.set(s.name, from(W.length, (i) => q[i]! * scale[Math.floor(i / cols)]!));
      } else if (dtype === 'q4') {
        const b = embedBlock(q4Block, cols);
        if (b !== q4Block) throw new Error(`dequantizedRefWeights: q4 block ${q4Block} differs from the embedding block ${b}`);
        const { packed, scales } = quantizeRowsQ4(W, rows, cols, b);
        out.set(s.name, from(W.length, (i) => {
          const code = i & 1 ? packed[i >> 1]! >> 4 : packed[i >> 1]! & 15;
          return (code - 8) * scales[Math.floor(i / b)]!;
        }));
      }
    }
  }
  return out;
}
