// NumPy .npz archives: a zip whose members are .npy files (NEP 1 / numpy.lib.format). Read for the VQ-VAE weights
// (`vae-oid.npz`) and written for test fixtures.
//
// Written by hand on top of node:zlib (raw inflate/deflate and CRC-32) rather than with a zip library because:
// - every error must name the archive AND the member (a generic "invalid zip data" is useless to a user who picked
//   the wrong file), and each member's CRC-32 is checked, which the small in-memory unzip libraries skip;
// - numpy's `savez` writes every member with `force_zip64=True`, so local headers carry a zip64 extra field (and, with
//   some Python versions, 0xFFFFFFFF sizes); reading sizes from the central directory (what we do) sidesteps that;
// - the container is a handful of fixed little-endian records; the .npy header is a Python dict literal.
// Only what .npz files use is supported: stored (0) and deflated (8) members, no encryption, one disk.
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

export type NpyDtype = 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'u1' | 'u2' | 'u4' | 'b1';
export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** C order (row-major), native little-endian. */
  data: NpyData;
}

/** Largest archive readNpz reads (it holds the whole file in memory). */
export const MAX_NPZ_BYTES = 2 ** 30;

/**
 * Most bytes readNpz inflates in all, by default. A hostile archive may declare small sizes and inflate to gigabytes,
 * or declare gigabytes: every member is inflated with `maxOutputLength` set to the size it declares, and the declared
 * sizes together must stay under this bound before anything is inflated.
 */
export const MAX_NPZ_INFLATED_BYTES = 2 ** 30;

export interface ReadNpzOptions {
  /** Most bytes all members may inflate to together (default MAX_NPZ_INFLATED_BYTES). */
  maxInflatedBytes?: number;
}

export class NpzError extends Error {
  constructor(readonly file: string, readonly member: string | null, reason: string) {
    super(`${file}: ${member !== null ? `member "${member}": ` : ''}${reason}`);
    this.name = 'NpzError';
  }
}

const DTYPES: Record<NpyDtype, { bytes: number; make: (b: ArrayBuffer, n: number) => NpyData }> = {
  f4: { bytes: 4, make: (b, n) => new Float32Array(b, 0, n) },
  f8: { bytes: 8, make: (b, n) => new Float64Array(b, 0, n) },
  i1: { bytes: 1, make: (b, n) => new Int8Array(b, 0, n) },
  i2: { bytes: 2, make: (b, n) => new Int16Array(b, 0, n) },
  i4: { bytes: 4, make: (b, n) => new Int32Array(b, 0, n) },
  u1: { bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  u2: { bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  u4: { bytes: 4, make: (b, n) => new Uint32Array(b, 0, n) },
  b1: { bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
};

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function numel(shape: readonly number[]): number { return shape.reduce((a, b) => a * b, 1); }

// ---------------------------------------------------------------------------------------------------------------- .npy

/** Parses one .npy file. `where` names it in errors (`fail(reason)` throws). */
export function parseNpy(bytes: Uint8Array, fail: (reason: string) => never): NpyArray {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy array (bad magic)');
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, headerStart: number;
  if (major === 1) { headerLen = dv.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated .npy header');
    headerLen = dv.getUint32(8, true); headerStart = 12;
  } else fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) fail('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`unreadable .npy header ${JSON.stringify(header.trim().slice(0, 120))}`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported (expected C order)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);

  // '<' little-endian, '|' not applicable (1-byte types), '=' native (little-endian on every platform numpy ships for
  // that writes these files in practice, but not provable from the file: refuse it like '>').
  const m = /^([<|>=])([fiub])(\d+)$/.exec(descr);
  const kind = m ? (`${m[2]}${m[3]}` as NpyDtype) : null;
  if (!m || !kind || !(kind in DTYPES)) fail(`unsupported dtype "${descr}" (supported: little-endian f4, f8, i1, i2, i4, u1, u2, u4, b1)`);
  const spec = DTYPES[kind];
  if (spec.bytes > 1 && m[1] !== '<') fail(`dtype "${descr}" is not little-endian`);

  const n = numel(shape);
  const need = n * spec.bytes;
  if (bytes.length - dataStart < need) fail(`truncated data: shape (${shape.join(', ')}) ${descr} needs ${need} bytes, found ${bytes.length - dataStart}`);
  // Copy into a fresh buffer: typed arrays need aligned offsets, and the archive buffer can then be dropped.
  const buf = new ArrayBuffer(need);
  new Uint8Array(buf).set(bytes.subarray(dataStart, dataStart + need));
  return { dtype: kind, shape, data: spec.make(buf, n) };
}

/** Encodes a C-order little-endian array as .npy version 1.0 (header padded to a multiple of 64 bytes, as numpy does). */
export function encodeNpy(a: NpyArray): Uint8Array {
  if (numel(a.shape) !== a.data.length) throw new Error(`encodeNpy: shape (${a.shape.join(', ')}) holds ${numel(a.shape)} values, data has ${a.data.length}`);
  const descr = `${DTYPES[a.dtype].bytes === 1 ? '|' : '<'}${a.dtype}`;
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + a.data.byteLength);
  out.set(NPY_MAGIC, 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), 10 + header.length);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------- zip

const SIG_LOCAL = 0x04034b50, SIG_CENTRAL = 0x02014b50, SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50, SIG_ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff, U16_MAX = 0xffff;

interface ZipEntry { name: string; method: number; flags: number; crc: number; csize: number; usize: number; localOffset: number }

function u64(dv: DataView, at: number): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('64-bit size beyond 2^53');
  return Number(v);
}

function readCentralDirectory(bytes: Uint8Array, file: string): ZipEntry[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (reason: string): never => { throw new NpzError(file, null, reason); };
  if (bytes.length < 22) bad(`not a .npz archive (${bytes.length} bytes is too short for a zip file)`);
  // The end-of-central-directory record is the last 22 bytes, plus a comment of up to 65535 bytes.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (dv.getUint32(at, true) === SIG_EOCD) { eocd = at; break; }
  }
  if (eocd < 0) bad('not a .npz archive (no zip end-of-central-directory record; truncated or not a zip file)');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (dv.getUint16(eocd + 4, true) !== 0 || dv.getUint16(eocd + 6, true) !== 0) bad('multi-disk zip archives are not supported');
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== SIG_ZIP64_LOCATOR) bad('zip64 archive without its end-of-central-directory locator');
    const rec = u64(dv, loc + 8);
    if (rec + 56 > bytes.length || dv.getUint32(rec, true) !== SIG_ZIP64_EOCD) bad('zip64 end-of-central-directory record missing or corrupt');
    count = u64(dv, rec + 32);
    cdSize = u64(dv, rec + 40);
    cdOffset = u64(dv, rec + 48);
  }
  if (cdOffset + cdSize > bytes.length) bad(`central directory (${cdSize} bytes at ${cdOffset}) runs past the end of the file (${bytes.length} bytes): truncated`);

  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || dv.getUint32(at, true) !== SIG_CENTRAL) bad(`central directory entry ${i + 1} of ${count} is corrupt`);
    const flags = dv.getUint16(at + 8, true);
    const method = dv.getUint16(at + 10, true);
    const crc = dv.getUint32(at + 16, true);
    let csize = dv.getUint32(at + 20, true);
    let usize = dv.getUint32(at + 24, true);
    const nameLen = dv.getUint16(at + 28, true);
    const extraLen = dv.getUint16(at + 30, true);
    const commentLen = dv.getUint16(at + 32, true);
    let localOffset = dv.getUint32(at + 42, true);
    const name = new TextDecoder((flags & 0x800) ? 'utf-8' : 'latin1').decode(bytes.subarray(at + 46, at + 46 + nameLen));
    // Zip64 extended information (id 1): the 64-bit values present are exactly those whose 32-bit field is saturated.
    let e = at + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = dv.getUint16(e, true), len = dv.getUint16(e + 2, true);
      if (id === 1) {
        let p = e + 4;
        if (usize === U32_MAX) { usize = u64(dv, p); p += 8; }
        if (csize === U32_MAX) { csize = u64(dv, p); p += 8; }
        if (localOffset === U32_MAX) { localOffset = u64(dv, p); }
      }
      e += 4 + len;
    }
    entries.push({ name, method, flags, crc, csize, usize, localOffset });
    at = extraEnd + commentLen;
  }
  return entries;
}

function memberBytes(bytes: Uint8Array, file: string, z: ZipEntry): Uint8Array {
  const fail = (reason: string): never => { throw new NpzError(file, z.name, reason); };
  if (z.flags & 1) fail('encrypted zip members are not supported');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (z.localOffset + 30 > bytes.length || dv.getUint32(z.localOffset, true) !== SIG_LOCAL) fail('local header missing or corrupt');
  const start = z.localOffset + 30 + dv.getUint16(z.localOffset + 26, true) + dv.getUint16(z.localOffset + 28, true);
  if (start + z.csize > bytes.length) fail(`data runs past the end of the file (needs ${z.csize} bytes at ${start}, file has ${bytes.length}): truncated`);
  const raw = bytes.subarray(start, start + z.csize);
  let out: Uint8Array;
  if (z.method === 0) out = raw;
  else if (z.method === 8) {
    // Never more than the member declares: a member that inflates past it is a compressed bomb, stopped right there.
    try { out = inflateRawSync(raw, { maxOutputLength: Math.max(1, z.usize) }); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return fail(`inflates to more than the ${z.usize} bytes the archive declares for it (a compressed bomb?)`);
      return fail(`deflate data is corrupt (${(e as Error).message})`);
    }
  } else return fail(`unsupported zip compression method ${z.method} (only stored and deflated)`);
  if (out.length !== z.usize) fail(`size ${out.length} differs from the ${z.usize} bytes the archive declares`);
  if ((crc32(out) >>> 0) !== z.crc) fail('CRC-32 mismatch: the member is corrupt');
  return out;
}

/**
 * Reads every array of a .npz archive, keyed by name without the `.npy` suffix. `source` is a path or the file's
 * bytes (then `label` names it in errors). Throws NpzError naming the file and member on anything malformed.
 */
export function readNpz(source: string | Uint8Array, label?: string, o: ReadNpzOptions = {}): Map<string, NpyArray> {
  const file = typeof source === 'string' ? source : label ?? '(npz bytes)';
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      // The whole archive is read into memory; a file this large is not a checkpoint of this kind (and Node's
      // readFileSync stops at 2 GiB with a less helpful message).
      const size = statSync(source).size;
      if (size > MAX_NPZ_BYTES) throw new NpzError(file, null, `${(size / 2 ** 30).toFixed(1)} GiB is larger than the ${MAX_NPZ_BYTES / 2 ** 30} GiB this reader accepts`);
      bytes = readFileSync(source);
    } catch (e) {
      if (e instanceof NpzError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new NpzError(file, null, code === 'ENOENT' ? 'file not found' : `cannot read (${(e as Error).message})`);
    }
  } else bytes = source;
  const entries = readCentralDirectory(bytes, file);
  const maxInflated = o.maxInflatedBytes ?? MAX_NPZ_INFLATED_BYTES;
  const declared = entries.reduce((sum, z) => sum + z.usize, 0);
  if (declared > maxInflated) {
    throw new NpzError(file, null, `its members declare ${mib(declared)} uncompressed, more than the ${mib(maxInflated)} this reader accepts`);
  }
  const out = new Map<string, NpyArray>();
  for (const z of entries) {
    if (z.name.endsWith('/')) continue; // a directory entry
    const name = z.name.endsWith('.npy') ? z.name.slice(0, -4) : z.name;
    out.set(name, parseNpy(memberBytes(bytes, file, z), (reason) => { throw new NpzError(file, z.name, reason); }));
  }
  return out;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

// ------------------------------------------------------------------------------------------------------------- write

/** Builds a .npz archive (zip, no zip64: fixtures stay far below 4 GB). `compress` deflates members like savez_compressed. */
export function encodeNpz(arrays: Record<string, NpyArray> | Map<string, NpyArray>, o: { compress?: boolean } = {}): Uint8Array {
  const entries = arrays instanceof Map ? [...arrays] : Object.entries(arrays);
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  const enc = new TextEncoder();
  // DOS date/time of 1980-01-01 00:00: fixtures are byte-for-byte reproducible.
  const dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1;
  for (const [key, arr] of entries) {
    const name = enc.encode(`${key}.npy`);
    const data = encodeNpy(arr);
    const body = o.compress ? deflateRawSync(data) : data;
    const method = o.compress ? 8 : 0;
    const crc = crc32(data) >>> 0;
    if (offset > U32_MAX || body.length > U32_MAX) throw new Error('encodeNpz: archive too large for a non-zip64 fixture');
    const lh = new Uint8Array(30 + name.length);
    const l = new DataView(lh.buffer);
    l.setUint32(0, SIG_LOCAL, true); l.setUint16(4, 20, true); l.setUint16(6, 0, true); l.setUint16(8, method, true);
    l.setUint16(10, dosTime, true); l.setUint16(12, dosDate, true); l.setUint32(14, crc, true);
    l.setUint32(18, body.length, true); l.setUint32(22, data.length, true); l.setUint16(26, name.length, true); l.setUint16(28, 0, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const c = new DataView(ch.buffer);
    c.setUint32(0, SIG_CENTRAL, true); c.setUint16(4, 20, true); c.setUint16(6, 20, true); c.setUint16(8, 0, true);
    c.setUint16(10, method, true); c.setUint16(12, dosTime, true); c.setUint16(14, dosDate, true); c.setUint32(16, crc, true);
    c.setUint32(20, body.length, true); c.setUint32(24, data.length, true); c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    ch.set(name, 46);
    locals.push(lh, body);
    centrals.push(ch);
    offset += lh.length + body.length;
  }
  const cdSize = centrals.reduce((a, b) => a + b.length, 0);
  const eocd = new Uint8Array(22);
  const e = new DataView(eocd.buffer);
  e.setUint32(0, SIG_EOCD, true); e.setUint16(8, entries.length, true); e.setUint16(10, entries.length, true);
  e.setUint32(12, cdSize, true); e.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, eocd];
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Writes a .npz atomically (temporary file + rename), so a reader never sees half a file. */
export function writeNpz(path: string, arrays: Record<string, NpyArray> | Map<string, NpyArray>, o: { compress?: boolean } = {}): number {
  const bytes = encodeNpz(arrays, o);
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
  return bytes.length;
}

/** A float32 array of the given shape (helper for fixtures and tests). */
export function f32Array(shape: number[], data?: Float32Array): NpyArray {
  const d = data ?? new Float32Array(numel(shape));
  if (d.length !== numel(shape)) throw new Error(`f32Array: shape (${shape.join(', ')}) needs ${numel(shape)} values, got ${d.length}`);
  return { dtype: 'f4', shape, data: d };
}
