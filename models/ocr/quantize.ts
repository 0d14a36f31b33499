// int8 convolutions for the PP-OCR recognizer, made at load time from the float graph (after graph-rewrite.ts) and a
// table of activation ranges measured once on generated lines (int8-calibrate.ts). Convolutions are ≈ 80 % of the
// recognizer's time; onnxruntime runs a QuantizeLinear → DequantizeLinear → Conv → QuantizeLinear → DequantizeLinear
// chain as one QLinearConv on its u8×s8 kernels (VNNI where the CPU has it). Only full and pointwise convolutions are
// quantized: depthwise ones measured slower in int8 than in float (bench/ocr/README.md).
//
// Written by hand because the only maintained quantizer (onnxruntime's Python tools) does not run in Node; the
// format is the standard ONNX QDQ one, so onnxruntime's own fusion does the rest.
//
// Weights are symmetric int8 per output channel; activations are uint8 per tensor from the calibrated range. The
// graph's opset goes from 9 to 14 (per-channel DequantizeLinear needs 13, HardSwish 14): the ops whose form changed —
// Slice and Squeeze take their attributes as inputs — are rewritten; the recognizer's Softmax is on the last axis, where
// opset 13's (and 14's) meaning equals opset 9's, and anything else the upgrade would change makes it refuse.
import { createHash } from 'node:crypto';
import { ModelProtoType } from '../onnx/proto';
import { floatsOf, intsAttr, type AttrMsg, type NodeMsg, type TensorMsg } from './graph-rewrite';

export interface ActivationRange {
  min: number;
  max: number;
}

/** What int8-calibrate.ts writes: ranges for one exact recognizer graph. */
export interface Int8Calibration {
  /** sha256 of the recognizer file the ranges were measured on (before any rewrite). */
  modelSha256: string;
  /** How the ranges were measured (pages, lines), for people reading the file. */
  source: string;
  ranges: Record<string, ActivationRange>;
}

interface GraphMsg { node: NodeMsg[]; output: { name: string; type?: unknown }[] }
interface FullModelMsg { graph: GraphMsg; opset_import: { domain?: string; version: number | { toNumber(): number } }[] }

const FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7;
const ATTR_TENSOR = 4;
/** Ops of the recognizer whose opset-9 form is also their opset-14 form (or is rewritten below). */
const UNCHANGED_UP_TO_14 = new Set([
  'Constant', 'Conv', 'BatchNormalization', 'HardSigmoid', 'Mul', 'Add', 'Sub', 'Div', 'Pow', 'Sqrt', 'Relu', 'Sigmoid',
  'GlobalAveragePool', 'AveragePool', 'Shape', 'Cast', 'Concat', 'Reshape', 'Transpose', 'ReduceMean', 'MatMul', 'Softmax',
  'Slice', 'Squeeze',
]);

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const groupOf = (n: NodeMsg): number => {
  const g = n.attribute.find((a) => a.name === 'group')?.i;
  return g === undefined ? 1 : Number(g);
};

/** The convolutions made int8: every Conv with a constant weight that is not depthwise. */
function quantizable(nodes: NodeMsg[]): NodeMsg[] {
  const constants = new Set(nodes.filter((n) => n.op_type === 'Constant').flatMap((n) => n.output));
  return nodes.filter((n) => n.op_type === 'Conv' && groupOf(n) === 1 && constants.has(n.input[1]!) && (!n.input[2] || constants.has(n.input[2])));
}

/** Names of the activations whose ranges the int8 graph needs: each quantized convolution's input and output. */
export function calibrationTensors(floatGraph: Uint8Array): string[] {
  const model = ModelProtoType.decode(floatGraph) as unknown as FullModelMsg;
  return [...new Set(quantizable(model.graph.node).flatMap((n) => [n.input[0]!, n.output[0]!]))];
}

/** The float graph with `names` added as outputs, so one run shows them all (calibration). */
export function withOutputs(floatGraph: Uint8Array, names: readonly string[]): Uint8Array {
  const model = ModelProtoType.decode(floatGraph) as unknown as FullModelMsg;
  for (const name of names) model.graph.output.push({ name, type: { tensor_type: { elem_type: FLOAT } } });
  return ModelProtoType.encode(model as never).finish();
}

/** uint8 scale and zero point covering [min, max] (widened to hold 0, as the format needs). */
export function uint8Params(r: ActivationRange): { scale: number; zero: number } {
  const min = Math.min(0, r.min), max = Math.max(0, r.max);
  const scale = (max - min) / 255 || 1;
  return { scale, zero: Math.min(255, Math.max(0, Math.round(-min / scale))) };
}

/** Symmetric int8 per output channel (axis 0). */
export function int8PerChannel(w: Float32Array, channels: number): { q: Int8Array; scales: Float32Array } {
  const per = w.length / channels;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let amax = 0;
    for (let i = c * per; i < (c + 1) * per; i++) amax = Math.max(amax, Math.abs(w[i]!));
    const s = amax / 127 || 1;
    scales[c] = s;
    for (let i = c * per; i < (c + 1) * per; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / s)));
  }
  return { q, scales };
}

function tensorNode(name: string, dataType: number, dims: number[], raw: ArrayBufferView): NodeMsg {
  const t: TensorMsg = { data_type: dataType, dims, raw_data: new Uint8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) };
  return { input: [], output: [name], name, op_type: 'Constant', attribute: [{ name: 'value', type: ATTR_TENSOR, t } as AttrMsg] };
}
const int64Node = (name: string, values: number[]) => tensorNode(name, INT64, [values.length], BigInt64Array.from(values.map(BigInt)));

/**
 * x · HardSigmoid(x) (graph-rewrite.ts's form of hard-swish for opset 9) becomes one HardSwish (opset 14): one pass
 * over the feature map instead of two. The op changes of opset 14 for this graph are new types only.
 */
function fuseHardSwish(nodes: NodeMsg[]): void {
  const producer = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const readers = new Map<string, number>();
  for (const n of nodes) for (const i of n.input) readers.set(i, (readers.get(i) ?? 0) + 1);
  const attr = (n: NodeMsg, name: string) => n.attribute.find((a) => a.name === name)?.f;
  const gone = new Set<NodeMsg>();
  for (const mul of nodes) {
    if (mul.op_type !== 'Mul' || mul.input.length !== 2) continue;
    const [a, b] = mul.input as [string, string];
    const hs = [producer.get(a), producer.get(b)].find((p, k) => p?.op_type === 'HardSigmoid' && p.input[0] === mul.input[1 - k]);
    if (!hs || readers.get(hs.output[0]!) !== 1) continue;
    if (Math.abs((attr(hs, 'alpha') ?? 0.2) - 1 / 6) > 1e-6 || Math.abs((attr(hs, 'beta') ?? 0.5) - 0.5) > 1e-6) continue;
    gone.add(hs);
    mul.op_type = 'HardSwish';
    mul.input = [hs.input[0]!];
    mul.attribute = [];
  }
  for (let i = nodes.length - 1; i >= 0; i--) if (gone.has(nodes[i]!)) nodes.splice(i, 1);
}

/**
 * The int8 recognizer: `floatGraph` (opset 9, rewritten) with its full and pointwise convolutions in QDQ form and its
 * opset raised to 14. Throws when a quantized convolution has no calibrated range or the graph holds an op this
 * upgrade does not know to be unchanged.
 */
export function quantizeRecognizer(floatGraph: Uint8Array, ranges: Record<string, ActivationRange>): Uint8Array {
  const model = ModelProtoType.decode(floatGraph) as unknown as FullModelMsg;
  const opset = Number(model.opset_import.find((o) => !o.domain)?.version ?? 0);
  if (opset > 14) throw new Error(`the recognizer is opset ${opset}; int8 expects 14 or below`);
  const nodes = model.graph.node;
  const unknown = [...new Set(nodes.map((n) => n.op_type).filter((op) => !UNCHANGED_UP_TO_14.has(op)))];
  if (unknown.length) throw new Error(`the recognizer has ops the int8 rewrite does not handle: ${unknown.join(', ')}`);
  const producer = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const targets = new Set(quantizable(nodes));
  const out: NodeMsg[] = [];
  let id = 0;
  for (const n of nodes) {
    if (n.op_type === 'Slice' && opset < 10) {
      // Slice-1 attributes (starts, ends, axes) become inputs.
      const inputs = [n.input[0]!];
      for (const name of ['starts', 'ends', 'axes']) {
        const values = intsAttr(n, name);
        if (!values) continue;
        const c = `int8_${name}_${id++}`;
        out.push(int64Node(c, values));
        inputs.push(c);
      }
      out.push({ ...n, input: inputs, attribute: [] });
      continue;
    }
    if (n.op_type === 'Squeeze' && opset < 13) {
      const axes = intsAttr(n, 'axes');
      if (!axes) { out.push(n); continue; }
      const c = `int8_squeeze_${id++}`;
      out.push(int64Node(c, axes));
      out.push({ ...n, input: [n.input[0]!, c], attribute: n.attribute.filter((a) => a.name !== 'axes') });
      continue;
    }
    if (n.op_type === 'Softmax' && opset < 13) {
      // Opset 9 flattens the axes from `axis` on; only the last axis means the same in 13. Its rank is not in the graph,
      // so this checks the PP-OCR layout: attention scores (rank 4, axis 3) and the class scores (rank 3, axis 2).
      const axis = Number(n.attribute.find((a) => a.name === 'axis')?.i ?? 1);
      if (axis !== 2 && axis !== 3 && axis !== -1) throw new Error(`Softmax on axis ${axis} would change meaning in opset 13`);
      out.push(n);
      continue;
    }
    if (!targets.has(n)) { out.push(n); continue; }
    const x = n.input[0]!, y = n.output[0]!;
    const rx = ranges[x], ry = ranges[y];
    if (!rx || !ry) throw new Error(`no calibrated range for convolution ${n.name ?? y} (${!rx ? x : y})`);
    const w = floatsOf(producer.get(n.input[1]!))!;
    const channels = w.dims[0]!;
    const k = `int8_${id++}`;
    const px = uint8Params(rx), py = uint8Params(ry);
    const { q, scales } = int8PerChannel(w.values, channels);
    out.push(
      tensorNode(`${k}_sx`, FLOAT, [], Float32Array.of(px.scale)), tensorNode(`${k}_zx`, UINT8, [], Uint8Array.of(px.zero)),
      tensorNode(`${k}_sy`, FLOAT, [], Float32Array.of(py.scale)), tensorNode(`${k}_zy`, UINT8, [], Uint8Array.of(py.zero)),
      tensorNode(`${k}_w`, INT8, w.dims, q), tensorNode(`${k}_sw`, FLOAT, [channels], scales), tensorNode(`${k}_zw`, INT8, [channels], new Int8Array(channels)),
      { input: [x, `${k}_sx`, `${k}_zx`], output: [`${k}_xq`], name: `${k}_qx`, op_type: 'QuantizeLinear', attribute: [] },
      { input: [`${k}_xq`, `${k}_sx`, `${k}_zx`], output: [`${k}_xd`], name: `${k}_dqx`, op_type: 'DequantizeLinear', attribute: [] },
      { input: [`${k}_w`, `${k}_sw`, `${k}_zw`], output: [`${k}_wd`], name: `${k}_dqw`, op_type: 'DequantizeLinear', attribute: [{ name: 'axis', type: 2, i: 0 } as AttrMsg] },
    );
    const inputs = [`${k}_xd`, `${k}_wd`];
    if (n.input[2]) {
      // The bias in int32 at the scale of input × weight, as QLinearConv adds it.
      const b = floatsOf(producer.get(n.input[2]))!;
      const bScales = scales.map((s) => s * px.scale);
      const bq = Int32Array.from(b.values, (v, c) => Math.round(v / bScales[c]!));
      out.push(
        tensorNode(`${k}_b`, INT32, [channels], bq), tensorNode(`${k}_sb`, FLOAT, [channels], bScales), tensorNode(`${k}_zb`, INT32, [channels], new Int32Array(channels)),
        { input: [`${k}_b`, `${k}_sb`, `${k}_zb`], output: [`${k}_bd`], name: `${k}_dqb`, op_type: 'DequantizeLinear', attribute: [{ name: 'axis', type: 2, i: 0 } as AttrMsg] },
      );
      inputs.push(`${k}_bd`);
    }
    out.push(
      { ...n, input: inputs, output: [`${k}_y`] },
      { input: [`${k}_y`, `${k}_sy`, `${k}_zy`], output: [`${k}_yq`], name: `${k}_qy`, op_type: 'QuantizeLinear', attribute: [] },
      { input: [`${k}_yq`, `${k}_sy`, `${k}_zy`], output: [y], name: `${k}_dqy`, op_type: 'DequantizeLinear', attribute: [] },
    );
  }
  fuseHardSwish(out);
  // The float weights and biases of the quantized convolutions are read by nothing now.
  const used = new Set(out.flatMap((n) => n.input));
  model.graph.node = out.filter((n) => n.op_type !== 'Constant' || n.output.some((o) => used.has(o)));
  model.opset_import = [...model.opset_import.filter((o) => o.domain), { domain: '', version: 14 }];
  return ModelProtoType.encode(model as never).finish();
}
