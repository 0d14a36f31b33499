// A small typed ONNX graph builder. It emits onnx.ModelProto through protobufjs (proto.ts) and can stream large
// initializers into an external-data file as they are added, so a multi-GB model never sits in memory and the .onnx
// protobuf stays under its 2 GB limit.
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AttrType, DataType, ModelProtoType, bytesPerElement, type DataTypeName } from './proto';

export type Dim = number | string;
export type AttrValue = number | string | number[] | { floats: number[] } | { float: number } | { tensor: TensorInit };
export type Attrs = Record<string, AttrValue | undefined>;
export interface TensorInit { name: string; dtype: DataTypeName; dims: number[]; data: Uint8Array }

interface TensorProtoObj {
  name: string; dims: number[]; data_type: number; raw_data?: Uint8Array;
  data_location?: number; external_data?: { key: string; value: string }[];
}
interface NodeObj { input: string[]; output: string[]; name: string; op_type: string; domain: string; attribute: object[] }
interface ValueInfoObj { name: string; type: object }

/** Opset domains Paliscope uses: the default ONNX domain and onnxruntime's contrib ops. */
export const MS_DOMAIN = 'com.microsoft';
export const DEFAULT_OPSET = 17;

/** Appends tensor bytes to `<model>.onnx_data`, aligned so onnxruntime may memory-map them. */
export class ExternalDataSink {
  readonly location: string;
  private fd: number;
  private offset = 0;
  constructor(readonly path: string, private readonly align = 4096) {
    this.location = basename(path);
    this.fd = openSync(path, 'w');
  }
  write(data: Uint8Array): { offset: number; length: number } {
    const pad = (this.align - (this.offset % this.align)) % this.align;
    if (pad) { writeSync(this.fd, new Uint8Array(pad)); this.offset += pad; }
    const offset = this.offset;
    let done = 0;
    // writeSync takes at most 2³¹−1 bytes per call; the tied head alone is 2.37 GB in fp32.
    while (done < data.length) done += writeSync(this.fd, data, done, Math.min(data.length - done, 1 << 30));
    this.offset += data.length;
    return { offset, length: data.length };
  }
  /** Writes several chunks as one contiguous, aligned tensor. */
  writeChunks(chunks: Iterable<Uint8Array>): { offset: number; length: number } {
    let first: number | null = null, length = 0;
    for (const c of chunks) {
      if (first === null) { first = this.write(c).offset; length = c.length; continue; }
      let done = 0;
      while (done < c.length) done += writeSync(this.fd, c, done, Math.min(c.length - done, 1 << 30));
      this.offset += c.length;
      length += c.length;
    }
    return { offset: first ?? this.write(new Uint8Array(0)).offset, length };
  }
  get bytesWritten(): number { return this.offset; }
  close(): void { closeSync(this.fd); }
}

function asBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function expectedBytes(dtype: DataTypeName, dims: number[]): number {
  return Math.ceil(dims.reduce((a, b) => a * b, 1) * bytesPerElement(dtype));
}

function attrProto(name: string, v: AttrValue): object {
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: v.floats };
  if ('float' in v) return { name, type: AttrType.FLOAT, f: v.float };
  const t = v.tensor;
  return { name, type: AttrType.TENSOR, t: { name: t.name, dims: t.dims, data_type: DataType[t.dtype], raw_data: t.data } };
}

export interface GraphBuilderOptions {
  /** Stream initializers of at least `externalThreshold` bytes to this sink instead of keeping them in memory. */
  external?: ExternalDataSink;
  externalThreshold?: number;
}

export class GraphBuilder {
  private nodes: NodeObj[] = [];
  private inits: TensorProtoObj[] = [];
  private inputs: ValueInfoObj[] = [];
  private outputs: ValueInfoObj[] = [];
  private names = new Set<string>();
  private counter = 0;
  readonly domains = new Map<string, number>([['', DEFAULT_OPSET]]);
  constructor(readonly name: string, private readonly opts: GraphBuilderOptions = {}) {}

  /** A fresh value name with a readable stem. */
  fresh(stem: string): string {
    let n = `${stem}_${this.counter++}`;
    while (this.names.has(n)) n = `${stem}_${this.counter++}`;
    this.names.add(n);
    return n;
  }
  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`graph ${this.name}: value name "${name}" is already defined`);
    this.names.add(name);
    return name;
  }

  input(name: string, dtype: DataTypeName, shape: Dim[]): string {
    this.inputs.push({ name: this.claim(name), type: tensorType(dtype, shape) });
    return name;
  }
  /** Declares `value` as a graph output named `name` (an Identity is inserted when the names differ). */
  output(name: string, dtype: DataTypeName, shape: Dim[], value: string): void {
    if (value !== name) this.node('Identity', [value], {}, { outputs: [name] });
    this.outputs.push({ name, type: tensorType(dtype, shape) });
  }
  initializer(name: string, dtype: DataTypeName, dims: number[], data: ArrayBufferView): string {
    const bytes = asBytes(data);
    const want = expectedBytes(dtype, dims);
    if (bytes.length !== want) throw new Error(`initializer ${name}: ${dtype}[${dims.join(',')}] needs ${want} bytes, got ${bytes.length}`);
    this.claim(name);
    const t: TensorProtoObj = { name, dims, data_type: DataType[dtype] };
    const ext = this.opts.external;
    if (ext && bytes.length >= (this.opts.externalThreshold ?? 1024)) {
      const { offset, length } = ext.write(bytes);
      t.data_location = 1;
      t.external_data = [
        { key: 'location', value: ext.location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ];
    } else {
      // Copy: the caller may reuse its buffer for the next tensor while we hold this one until serialization.
      t.raw_data = bytes.slice();
    }
    this.inits.push(t);
    return name;
  }

  /**
   * An initializer produced in chunks (concatenated in order). With an external sink the chunks go straight to disk,
   * so only one chunk is ever in memory; without one they are joined in memory.
   */
  initializerChunks(name: string, dtype: DataTypeName, dims: number[], chunks: Iterable<ArrayBufferView>): string {
    const want = expectedBytes(dtype, dims);
    const ext = this.opts.external;
    if (!ext || want < (this.opts.externalThreshold ?? 1024)) {
      const all = new Uint8Array(want);
      let at = 0;
      for (const c of chunks) {
        const b = asBytes(c);
        if (at + b.length > want) throw new Error(`initializer ${name}: chunks exceed ${want} bytes`);
        all.set(b, at); at += b.length;
      }
      if (at !== want) throw new Error(`initializer ${name}: ${dtype}[${dims.join(',')}] needs ${want} bytes, chunks gave ${at}`);
      return this.initializer(name, dtype, dims, all);
    }
    this.claim(name);
    const { offset, length } = ext.writeChunks((function* () { for (const c of chunks) yield asBytes(c); })());
    if (length !== want) throw new Error(`initializer ${name}: ${dtype}[${dims.join(',')}] needs ${want} bytes, chunks gave ${length}`);
    this.inits.push({
      name, dims, data_type: DataType[dtype], data_location: 1,
      external_data: [{ key: 'location', value: ext.location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(length) }],
    });
    return name;
  }

  /** Constant helpers (stored as small initializers, never external). */
  f32(values: number[] | Float32Array, dims?: number[]): string {
    const a = Float32Array.from(values);
    return this.smallInit('c', 'FLOAT', dims ?? [a.length], a);
  }
  scalarF32(v: number): string { return this.smallInit('c', 'FLOAT', [], Float32Array.of(v)); }
  i64(values: number[], dims?: number[]): string {
    return this.smallInit('c', 'INT64', dims ?? [values.length], BigInt64Array.from(values.map(BigInt)));
  }
  scalarI64(v: number): string { return this.smallInit('c', 'INT64', [], BigInt64Array.of(BigInt(v))); }
  private smallInit(stem: string, dtype: DataTypeName, dims: number[], data: ArrayBufferView): string {
    const name = this.fresh(stem);
    this.names.delete(name);
    this.inits.push({ name: this.claim(name), dims, data_type: DataType[dtype], raw_data: asBytes(data).slice() });
    return name;
  }

  /** Adds a node; returns its output names (fresh ones unless `outputs` is given). */
  node(op: string, inputs: string[], attrs: Attrs = {}, o: { outputs?: string[] | number; domain?: string; name?: string } = {}): string[] {
    const domain = o.domain ?? '';
    if (domain && !this.domains.has(domain)) this.domains.set(domain, 1);
    const outs = Array.isArray(o.outputs) ? o.outputs.map((n) => this.claim(n))
      : Array.from({ length: o.outputs ?? 1 }, () => this.fresh(op.toLowerCase()));
    const attribute = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => attrProto(k, v as AttrValue));
    this.nodes.push({ input: inputs, output: outs, name: o.name ?? this.fresh(`n_${op}`), op_type: op, domain, attribute });
    return outs;
  }
  /** Single-output node. */
  op(op: string, inputs: string[], attrs: Attrs = {}, domain?: string): string {
    const [out] = this.node(op, inputs, attrs, domain ? { domain } : {});
    return out!;
  }

  // Typed helpers for the ops Paliscope's graphs use.
  matmul(a: string, b: string): string { return this.op('MatMul', [a, b]); }
  add(a: string, b: string): string { return this.op('Add', [a, b]); }
  sub(a: string, b: string): string { return this.op('Sub', [a, b]); }
  mul(a: string, b: string): string { return this.op('Mul', [a, b]); }
  div(a: string, b: string): string { return this.op('Div', [a, b]); }
  tanh(a: string): string { return this.op('Tanh', [a]); }
  sqrt(a: string): string { return this.op('Sqrt', [a]); }
  neg(a: string): string { return this.op('Neg', [a]); }
  cos(a: string): string { return this.op('Cos', [a]); }
  sin(a: string): string { return this.op('Sin', [a]); }
  cast(a: string, to: DataTypeName): string { return this.op('Cast', [a], { to: DataType[to] }); }
  reduceMean(a: string, axes: number[], keepdims = 1): string { return this.op('ReduceMean', [a], { axes, keepdims }); }
  softmax(a: string, axis = -1): string { return this.op('Softmax', [a], { axis }); }
  reshape(a: string, shape: number[]): string { return this.op('Reshape', [a, this.i64(shape)]); }
  transpose(a: string, perm: number[]): string { return this.op('Transpose', [a], { perm }); }
  concat(xs: string[], axis: number): string { return this.op('Concat', xs, { axis }); }
  split2(a: string, axis: number, sizes: [number, number]): [string, string] {
    const [x, y] = this.node('Split', [a, this.i64(sizes)], { axis }, { outputs: 2 });
    return [x!, y!];
  }
  gather(data: string, idx: string, axis = 0): string { return this.op('Gather', [data, idx], { axis }); }
  unsqueeze(a: string, axes: number[]): string { return this.op('Unsqueeze', [a, this.i64(axes)]); }
  shape(a: string, start?: number, end?: number): string { return this.op('Shape', [a], { start, end }); }
  where(c: string, a: string, b: string): string { return this.op('Where', [c, a, b]); }
  lessOrEqual(a: string, b: string): string { return this.op('LessOrEqual', [a, b]); }
  less(a: string, b: string): string { return this.op('Less', [a, b]); }
  and(a: string, b: string): string { return this.op('And', [a, b]); }
  or(a: string, b: string): string { return this.op('Or', [a, b]); }
  range(start: string, limit: string, delta: string): string { return this.op('Range', [start, limit, delta]); }
  layerNorm(x: string, scale: string, bias: string, epsilon: number): string {
    return this.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: epsilon } });
  }

  toGraphProto(): object {
    return { node: this.nodes, name: this.name, initializer: this.inits, input: this.inputs, output: this.outputs };
  }
  get initializerCount(): number { return this.inits.length; }
}

function tensorType(dtype: DataTypeName, shape: Dim[]): object {
  const dim = shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { tensor_type: { elem_type: DataType[dtype], shape: { dim } } };
}

export interface ModelMeta { producer?: string; docString?: string; metadata?: Record<string, string> }

/** Serializes a graph to ModelProto bytes (IR version 8, opset 17 + any extra domains used). */
export function encodeModel(g: GraphBuilder, meta: ModelMeta = {}): Uint8Array {
  const model = {
    ir_version: 8,
    producer_name: meta.producer ?? 'paliscope',
    producer_version: '0.1.0',
    doc_string: meta.docString ?? '',
    graph: g.toGraphProto(),
    opset_import: [...g.domains].map(([domain, version]) => ({ domain, version })),
    metadata_props: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const err = ModelProtoType.verify(model);
  if (err) throw new Error(`graph ${g.name}: invalid ModelProto: ${err}`);
  return ModelProtoType.encode(model).finish();
}

export async function saveModel(g: GraphBuilder, path: string, meta: ModelMeta = {}): Promise<number> {
  const bytes = encodeModel(g, meta);
  await writeFile(path, bytes);
  return bytes.length;
}
