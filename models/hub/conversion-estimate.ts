// What converting a checkpoint will take, computed from its config.json before anything large is downloaded: the
// size of the converted model on disk and the converter's peak memory. Arithmetic over the tensor shapes and the
// converter's storage rules (models/onnx/README.md "Weight dtypes" and "Memory"), with the constant parts fitted to
// conversions measured on this kind of machine (bench/convert, models/hub/README.md); they are estimates and are
// labelled as such wherever they are shown.
import { totalmem } from 'node:os';
import type { ModelSpec } from '../onnx/config';
import { weightSpecs } from '../onnx/weights';
import type { CONVERT_DTYPES } from './catalog';

export type ConvertDtype = (typeof CONVERT_DTYPES)[number];

/** q4 blocks of 32 weights share one fp32 scale (the converter's default block). */
const Q4_BYTES_PER_WEIGHT = 0.5 + 4 / 32;
const MATRIX_BYTES: Record<ConvertDtype, number> = { fp32: 4, fp16: 2, int8: 1, q4: Q4_BYTES_PER_WEIGHT };
/** Node, onnxruntime-free converter code and protobuf buffers: the measured floor of a conversion's RSS. */
const BASE_RSS = 300e6;
/** Big matrices stream in row blocks of this many float32 bytes (models/onnx/convert/source.ts rowBlocks). */
const ROW_BLOCK = 64 << 20;

export interface ConversionEstimate {
  /** Parameters in the checkpoint. */
  params: number;
  /** The converted model on disk (three graphs and their external data). */
  outputBytes: number;
  /** The converter's peak resident memory. */
  peakMemoryBytes: number;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function estimateConversion(spec: ModelSpec, dtype: ConvertDtype): ConversionEstimate {
  let params = 0;
  let matrices = 0;
  let other = 0;
  let largestMatrix = 0;
  let table = 0;
  for (const w of weightSpecs(spec)) {
    const n = count(w.shape);
    params += n;
    if (w.name.includes('embed_tokens')) table = n;
    else if (w.shape.length === 2 && !w.name.includes('position_embedding')) {
      matrices += n;
      largestMatrix = Math.max(largestMatrix, n);
    } else other += n; // norms, biases, the position table and the patch convolution stay fp32
  }
  // The embedding table is written twice: as the embed_tokens graph and as the decoder's tied output head.
  const tableBytes = 2 * table * MATRIX_BYTES[dtype];
  const outputBytes = Math.ceil(matrices * MATRIX_BYTES[dtype] + 4 * other + tableBytes);
  // One matrix is read as float32 while its converted copies are built (3× its float32 size fits the 28B-width run:
  // 2.22 GB measured); int8 assembles each transposed matrix whole,
  // and the head's int8 copy (the table's size) is the largest of those.
  const peakMemoryBytes = Math.ceil(BASE_RSS + ROW_BLOCK + 3 * 4 * largestMatrix + (dtype === 'int8' ? table : 0));
  return { params, outputBytes, peakMemoryBytes };
}

/** The memory this process may use: the machine's, or a container's limit when one is set (cgroups). */
export function memoryLimit(): number {
  const total = totalmem();
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 && limit < total ? limit : total;
}
