// The safetensors format, read and written by hand because it is trivial: an 8-byte little-endian header length N,
// N bytes of JSON ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then the raw
// little-endian tensor bytes; offsets are relative to the end of the header. Tensors are streamed one at a time.
import { closeSync, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { f16BitsToF32 } from './dtype';

export type StDtype = 'F32' | 'F16' | 'BF16';
const ST_BYTES: Record<StDtype, number> = { F32: 4, F16: 2, BF16: 2 };

export interface TensorSpec { name: string; dtype: StDtype; shape: number[] }
interface HeaderEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

function numel(shape: number[]): number { return shape.reduce((a, b) => a * b, 1); }

/**
 * Writes a safetensors file from tensor specs; `produce(spec)` yields each tensor's bytes in chunks, in order, so
 * only one chunk is in memory at a time.
 */
export function writeSafetensors(path: string, specs: TensorSpec[], produce: (s: TensorSpec) => Iterable<Uint8Array>,
  metadata: Record<string, string> = { format: 'pt' }): number {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  for (const s of specs) {
    const n = numel(s.shape) * ST_BYTES[s.dtype];
    header[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [off, off + n] };
    off += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keep the data 8-byte aligned, as the reference writer does
  const hb = Buffer.from(json, 'utf8');
  const fd = openSync(path, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(hb.length));
    writeSync(fd, len);
    writeSync(fd, hb);
    for (const s of specs) {
      const want = numel(s.shape) * ST_BYTES[s.dtype];
      let got = 0;
      for (const chunk of produce(s)) {
        let done = 0;
        while (done < chunk.length) done += writeSync(fd, chunk, done, Math.min(chunk.length - done, 1 << 30));
        got += chunk.length;
      }
      if (got !== want) throw new Error(`safetensors ${path}: tensor ${s.name} produced ${got} bytes, expected ${want}`);
    }
  } finally { closeSync(fd); }
  return 8 + hb.length + off;
}

export interface StoredTensor { name: string; dtype: StDtype; shape: number[]; file: string; offset: number; bytes: number }

/** Reads a safetensors header (not the data). */
export function readSafetensorsHeader(file: string): StoredTensor[] {
  const fd = openSync(file, 'r');
  try {
    const lb = Buffer.alloc(8);
    if (readSync(fd, lb, 0, 8, 0) !== 8) throw new Error(`${file}: too short for a safetensors header`);
    const n = Number(lb.readBigUInt64LE());
    if (n <= 0 || n > 100_000_000) throw new Error(`${file}: implausible safetensors header length ${n}`);
    const hb = Buffer.alloc(n);
    readSync(fd, hb, 0, n, 8);
    const header = JSON.parse(hb.toString('utf8')) as Record<string, HeaderEntry>;
    const out: StoredTensor[] = [];
    for (const [name, e] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      if (!(e.dtype in ST_BYTES)) throw new Error(`${file}: tensor ${name} has dtype ${e.dtype}; expected F32, F16 or BF16`);
      const dtype = e.dtype as StDtype;
      const bytes = e.data_offsets[1] - e.data_offsets[0];
      if (bytes !== numel(e.shape) * ST_BYTES[dtype]) throw new Error(`${file}: tensor ${name} offsets do not match shape [${e.shape}]`);
      out.push({ name, dtype, shape: e.shape, file, offset: 8 + n + e.data_offsets[0], bytes });
    }
    return out;
  } finally { closeSync(fd); }
}

/**
 * Reads one tensor as float32 (bf16 and fp16 widened exactly). 16-bit data is read in 64 MB chunks and widened
 * into the result, so peak memory is the float32 tensor plus one chunk.
 */
export function readTensorF32(t: StoredTensor): Float32Array {
  return readRangeF32(t, 0, numel(t.shape));
}

/** Rows [row0, row0 + rows) of a 2-D tensor as float32 — for streaming the 257216-row embedding table. */
export function readRowsF32(t: StoredTensor, row0: number, rows: number): Float32Array {
  const cols = numel(t.shape.slice(1));
  if (row0 < 0 || rows < 0 || row0 + rows > t.shape[0]!) throw new Error(`${t.file}: rows ${row0}..${row0 + rows} outside tensor ${t.name} [${t.shape}]`);
  return readRangeF32(t, row0 * cols, rows * cols);
}

function readRangeF32(t: StoredTensor, start0: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const eb = ST_BYTES[t.dtype];
  const fd = openSync(t.file, 'r');
  try {
    if (t.dtype === 'F32') {
      readFully(fd, new Uint8Array(out.buffer), t.offset + start0 * eb, t);
      return out;
    }
    const CHUNK = 32 << 20; // elements
    const buf = new Uint16Array(Math.min(n, CHUNK));
    const o32 = new Uint32Array(out.buffer);
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start);
      const view = buf.subarray(0, len);
      readFully(fd, new Uint8Array(view.buffer, 0, len * 2), t.offset + (start0 + start) * 2, t);
      if (t.dtype === 'BF16') for (let i = 0; i < len; i++) o32[start + i] = view[i]! << 16;
      else for (let i = 0; i < len; i++) out[start + i] = f16BitsToF32(view[i]!);
    }
    return out;
  } finally { closeSync(fd); }
}

function readFully(fd: number, dst: Uint8Array, position: number, t: StoredTensor): void {
  let done = 0;
  while (done < dst.length) {
    const r = readSync(fd, dst, done, Math.min(dst.length - done, 1 << 30), position + done);
    if (r <= 0) throw new Error(`${t.file}: truncated while reading tensor ${t.name}`);
    done += r;
  }
}

/**
 * All tensors of a checkpoint directory: `model.safetensors`, or the shards listed in `model.safetensors.index.json`.
 */
export async function openCheckpoint(dir: string): Promise<Map<string, StoredTensor>> {
  const map = new Map<string, StoredTensor>();
  let files: string[];
  try {
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8')) as { weight_map?: Record<string, string> };
    if (!index.weight_map) throw new Error(`${dir}/model.safetensors.index.json has no weight_map`);
    files = [...new Set(Object.values(index.weight_map))].map((f) => join(dir, f));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    files = [join(dir, 'model.safetensors')];
    if (!existsSync(files[0]!)) throw new Error(`checkpoint ${dir}: expected model.safetensors or model.safetensors.index.json`);
  }
  for (const f of files) {
    for (const t of readSafetensorsHeader(f)) {
      if (map.has(t.name)) throw new Error(`checkpoint ${dir}: tensor ${t.name} appears in two shards (${map.get(t.name)!.file}, ${f})`);
      map.set(t.name, t);
    }
  }
  return map;
}
