// Reference weights as a quantized model sees them: each converted matrix replaced by its dequantized value, so the
// float64 reference can check a quantized graph exactly (the remaining difference is the graph, not quantization).
import type { ModelSpec } from '../config';
import { f16BitsToF32 } from '../dtype';
import type { RefWeights, Vec } from '../reference/weights';
import { weightSpecs } from '../weights';
import { embedBlock } from './emit';
import { dequantizeQ4Blockwise, f16Bytes, quantizeInt8PerColumn, quantizeQ4Blockwise, quantizeRowsInt8, quantizeRowsQ4, type WeightDtype } from './quant';

function roundF16(a: Vec): Float64Array {
  const h = f16Bytes(Float32Array.from(a));
  return Float64Array.from(h, (b) => f16BitsToF32(b));
}

export function dequantizedRefWeights(w: RefWeights, m: ModelSpec, dtype: WeightDtype, q4Block: number): RefWeights {
  const out: RefWeights = new Map(w);
  for (const s of weightSpecs(m)) {
    const W = w.get(s.name)!;
    const [rows, cols] = s.shape as [number, number];
    if (s.init === 'linear') {
      if (dtype === 'fp16') out.set(s.name, roundF16(W));
      else if (dtype === 'int8') {
        const { q, scale } = quantizeInt8PerColumn(Float32Array.from(W), rows, cols);
        out.set(s.name, Float64Array.from({ length: W.length }, (_, i) => q[(i % cols) * rows + Math.floor(i / cols)]! * scale[Math.floor(i / cols)]!));
      } else if (dtype === 'q4') {
        const q = quantizeQ4Blockwise(Float32Array.from(W), rows, cols, q4Block);
        out.set(s.name, Float64Array.from(dequantizeQ4Blockwise(q.B, q.scales, rows, cols, q4Block)));
      }
    } else if (s.init === 'embed') {
      // The table feeds both the dequantizing Gather and the tied head; the tests pick settings where both use the
      // same values (int8: per-row scales either way; q4: head blocks = embedding blocks).
      if (dtype === 'fp16') out.set(s.name, roundF16(W));
      else if (dtype === 'int8') {
        const { q, scale } = quantizeRowsInt8(Float32Array.from(W), rows, cols);
        out.set(s.name, Float64Array.from(q, (v, i) => v * scale[Math.floor(i / cols)]!));
      } else if (dtype === 'q4') {
        const b = embedBlock(q4Block, cols);
        if (b !== q4Block) throw new Error(`dequantizedRefWeights: q4 block ${q4Block} differs from the embedding block ${b}`);
        const { packed, scales } = quantizeRowsQ4(Float32Array.from(W), rows, cols, b);
        out.set(s.name, Float64Array.from({ length: W.length }, (_, i) => {
          const code = i & 1 ? packed[i >> 1]! >> 4 : packed[i >> 1]! & 15;
          return (code - 8) * scales[Math.floor(i / b)]!;
        }));
      }
    }
  }
  return out;
}
