// Load-time rewrite of the Paddle2ONNX PP-OCR graphs. Their hard-swish activations are exported
// as four element-wise ops (x · clip(x + 3, 0, 6) / 6 = Add, Clip, Mul, Div), each a full pass over
// a feature map; onnxruntime (opset 9 graphs: no HardSwish op) does not fuse them, and in a
// profile of the recognizer they and their layout reorders took about a third of its time.
// HardSigmoid (opset 6) computes clip(x/6 + 1/2, 0, 1) in one pass, so x · HardSigmoid(x) is the
// same function in two ops. PP-LCNetV3's learnable affine blocks (scalar y = s·x + b around every
// activation) are folded into the neighbouring convolution where that is exact: after a
// convolution always, before one only when it has no padding (1×1), since padded borders would
// otherwise see b instead of 0.
import { ModelProtoType } from '../onnx/proto';

export interface AttrMsg { name: string; f?: number; i?: number | { toNumber(): number }; s?: Uint8Array; type?: number; t?: TensorMsg }
export interface TensorMsg { data_type?: number; float_data?: number[]; raw_data?: Uint8Array; dims?: unknown[] }
export interface NodeMsg { input: string[]; output: string[]; name?: string; op_type: string; attribute: AttrMsg[]; domain?: string }
export interface ModelMsg { graph: { node: NodeMsg[] } }

const FLOAT = 1;
const ATTR_FLOAT = 1;

/** Scalar value of a float Constant node's tensor, if it is one. */
function scalarOf(n: NodeMsg | undefined): number | undefined {
  if (!n || n.op_type !== 'Constant') return undefined;
  const t = n.attribute.find((a) => a.name === 'value')?.t;
  if (!t || (t.data_type ?? 0) !== FLOAT) return undefined;
  if (t.float_data?.length === 1) return t.float_data[0];
  const raw = t.raw_data;
  if (raw && raw.length === 4) return new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true);
  return undefined;
}

const attrF = (n: NodeMsg, name: string): number | undefined => {
  const a = n.attribute.find((x) => x.name === name);
  return a ? (a.f ?? 0) : undefined;
};

/** Returns the rewritten model and how many patterns were replaced (0: bytes unchanged). */
export function optimizeOcrGraph(bytes: Uint8Array): { bytes: Uint8Array; fused: number; folded: number } {
  const model = ModelProtoType.decode(bytes) as unknown as Partial<ModelMsg>;
  if (!model.graph?.node.length) return { bytes, fused: 0, folded: 0 };
  const fused = fuseHardSwish(model as ModelMsg);
  const folded = foldAffine(model as ModelMsg);
  if (!fused && !folded) return { bytes, fused, folded };
  return { bytes: ModelProtoType.encode(model as never).finish(), fused, folded };
}

function graphIndex(nodes: NodeMsg[]) {
  const producer = new Map<string, NodeMsg>();
  const consumers = new Map<string, NodeMsg[]>();
  for (const n of nodes) {
    for (const o of n.output) producer.set(o, n);
    for (const i of n.input) {
      let list = consumers.get(i);
      if (!list) consumers.set(i, (list = []));
      list.push(n);
    }
  }
  const only = (name: string): NodeMsg | undefined => {
    const c = consumers.get(name);
    return c && c.length === 1 ? c[0] : undefined;
  };
  return { producer, consumers, only };
}

/** Drops `drop` and every Constant nothing reads any more (onnxruntime warns about each). */
function prune(model: ModelMsg, drop: Set<NodeMsg>): void {
  const kept = model.graph.node.filter((n) => !drop.has(n));
  const used = new Set(kept.flatMap((n) => n.input));
  model.graph.node = kept.filter((n) => n.op_type !== 'Constant' || n.output.some((o) => used.has(o)));
}

/** Float32 contents of a Constant node (a copy), or undefined. */
export function floatsOf(n: NodeMsg | undefined): { values: Float32Array; dims: number[] } | undefined {
  if (!n || n.op_type !== 'Constant') return undefined;
  const t = n.attribute.find((a) => a.name === 'value')?.t;
  if (!t || (t.data_type ?? 0) !== FLOAT) return undefined;
  const dims = (t.dims ?? []).map(Number);
  if (t.float_data?.length) return { values: Float32Array.from(t.float_data), dims };
  const raw = t.raw_data;
  if (!raw || raw.length % 4) return undefined;
  const values = new Float32Array(raw.length / 4);
  new Uint8Array(values.buffer).set(raw);
  return { values, dims };
}

function setFloats(n: NodeMsg, values: Float32Array): void {
  const t = n.attribute.find((a) => a.name === 'value')!.t!;
  t.float_data = [];
  t.raw_data = new Uint8Array(values.buffer.slice(0));
}

export function constantNode(name: string, values: Float32Array, dims: number[]): NodeMsg {
  return { input: [], output: [name], name, op_type: 'Constant', attribute: [{ name: 'value', type: 4, t: { data_type: FLOAT, dims, raw_data: new Uint8Array(values.buffer.slice(0)) } }] };
}

/** Scalar Mul then scalar Add: returns s, b and the input, when `mul` starts such a pair. */
function affineAt(mul: NodeMsg, g: ReturnType<typeof graphIndex>): { s: number; b: number; x: string; add: NodeMsg } | undefined {
  if (mul.op_type !== 'Mul' || mul.input.length !== 2) return undefined;
  const [m0, m1] = mul.input as [string, string];
  const s0 = scalarOf(g.producer.get(m0)), s1 = scalarOf(g.producer.get(m1));
  const s = s1 ?? s0;
  const x = s1 !== undefined ? m0 : s0 !== undefined ? m1 : undefined;
  if (s === undefined || x === undefined) return undefined;
  const add = g.only(mul.output[0]!);
  if (!add || add.op_type !== 'Add' || add.input.length !== 2) return undefined;
  const other = add.input[0] === mul.output[0] ? add.input[1]! : add.input[0]!;
  const b = scalarOf(g.producer.get(other));
  return b === undefined ? undefined : { s, b, x, add };
}

export function intsAttr(n: NodeMsg, name: string): number[] | undefined {
  const a = n.attribute.find((x) => x.name === name) as { ints?: unknown[] } | undefined;
  return a?.ints?.map(Number);
}

/** Folds scalar affine pairs into convolutions (see the file comment); returns how many. */
function foldAffine(model: ModelMsg): number {
  let folded = 0;
  const extra: NodeMsg[] = [];
  const weightsOf = (conv: NodeMsg, g: ReturnType<typeof graphIndex>) => {
    const wNode = g.producer.get(conv.input[1]!);
    const w = floatsOf(wNode);
    // Only weights read by this convolution alone may be changed in place.
    if (!wNode || !w || g.consumers.get(conv.input[1]!)?.length !== 1 || w.dims.length !== 4) return undefined;
    const outC = w.dims[0]!;
    let bNode = conv.input[2] ? g.producer.get(conv.input[2]) : undefined;
    let bias: Float32Array | undefined;
    if (conv.input[2]) {
      const b = floatsOf(bNode);
      if (!bNode || !b || b.values.length !== outC || g.consumers.get(conv.input[2])?.length !== 1) return undefined;
      bias = b.values;
    } else {
      bias = new Float32Array(outC);
      bNode = constantNode(`${conv.output[0]}.folded_bias`, bias, [outC]);
      extra.push(bNode);
      conv.input[2] = bNode.output[0]!;
    }
    return { wNode, w: w.values, outC, bNode, bias };
  };
  // After a convolution: s·(W∗x + c) + b = (sW)∗x + (s·c + b).
  {
    const g = graphIndex(model.graph.node);
    const drop = new Set<NodeMsg>();
    for (const conv of model.graph.node) {
      if (conv.op_type !== 'Conv' || conv.input.length < 2) continue;
      const mul = g.only(conv.output[0]!);
      const aff = mul && affineAt(mul, g);
      if (!mul || !aff || aff.x !== conv.output[0]) continue;
      const wb = weightsOf(conv, g);
      if (!wb) continue;
      for (let i = 0; i < wb.w.length; i++) wb.w[i]! *= aff.s;
      for (let o = 0; o < wb.outC; o++) wb.bias[o] = wb.bias[o]! * aff.s + aff.b;
      setFloats(wb.wNode, wb.w);
      setFloats(wb.bNode, wb.bias);
      conv.output = [aff.add.output[0]!];
      drop.add(mul);
      drop.add(aff.add);
      folded++;
    }
    model.graph.node.push(...extra.splice(0));
    prune(model, drop);
  }
  // Before an unpadded convolution: W∗(s·x + b) + c = (sW)∗x + (c + b·ΣW).
  {
    const g = graphIndex(model.graph.node);
    const drop = new Set<NodeMsg>();
    for (const mul of model.graph.node) {
      const aff = affineAt(mul, g);
      const conv = aff && g.only(aff.add.output[0]!);
      if (!aff || !conv || conv.op_type !== 'Conv' || conv.input[0] !== aff.add.output[0]) continue;
      const pads = intsAttr(conv, 'pads') ?? [];
      const autoPad = conv.attribute.find((a) => a.name === 'auto_pad');
      if (pads.some((p) => p !== 0) || (autoPad && new TextDecoder().decode(autoPad.s ?? new Uint8Array()) !== 'NOTSET')) continue;
      const wb = weightsOf(conv, g);
      if (!wb) continue;
      const per = wb.w.length / wb.outC;
      for (let o = 0; o < wb.outC; o++) {
        let sum = 0;
        for (let i = o * per; i < (o + 1) * per; i++) {
          sum += wb.w[i]!;
          wb.w[i]! *= aff.s;
        }
        wb.bias[o] = wb.bias[o]! + aff.b * sum;
      }
      setFloats(wb.wNode, wb.w);
      setFloats(wb.bNode, wb.bias);
      conv.input[0] = aff.x;
      drop.add(mul);
      drop.add(aff.add);
      folded++;
    }
    model.graph.node.push(...extra.splice(0));
    prune(model, drop);
  }
  return folded;
}

function fuseHardSwish(model: ModelMsg): number {
  const nodes = model.graph.node;
  const { producer, only } = graphIndex(nodes);
  const drop = new Set<NodeMsg>();
  let fused = 0;
  for (const clip of nodes) {
    if (clip.op_type !== 'Clip') continue;
    // Opset < 11 gives the bounds as attributes, opset ≥ 11 as (constant) inputs.
    const [lo, hi] = clip.input.length === 1 ? [attrF(clip, 'min'), attrF(clip, 'max')] : [scalarOf(producer.get(clip.input[1] ?? '')), scalarOf(producer.get(clip.input[2] ?? ''))];
    if (lo !== 0 || hi !== 6) continue;
    const add = producer.get(clip.input[0]!);
    if (!add || add.op_type !== 'Add' || only(add.output[0]!) !== clip) continue;
    const [a0, a1] = add.input as [string, string];
    const x = scalarOf(producer.get(a1)) === 3 ? a0 : scalarOf(producer.get(a0)) === 3 ? a1 : undefined;
    if (x === undefined) continue;
    const mul = only(clip.output[0]!);
    if (!mul || mul.op_type !== 'Mul' || !mul.input.includes(x)) continue;
    const div = only(mul.output[0]!);
    if (!div || div.op_type !== 'Div' || div.input[0] !== mul.output[0] || scalarOf(producer.get(div.input[1]!)) !== 6) continue;
    // add → HardSigmoid(x) writing the clip's output; mul → x · that, writing the div's output.
    add.op_type = 'HardSigmoid';
    add.input = [x];
    add.output = [clip.output[0]!];
    add.attribute = [
      { name: 'alpha', f: 1 / 6, type: ATTR_FLOAT },
      { name: 'beta', f: 0.5, type: ATTR_FLOAT },
    ];
    mul.output = [div.output[0]!];
    drop.add(clip);
    drop.add(div);
    fused++;
  }
  prune(model, drop);
  return fused;
}
