import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeNpz, f32Array, MAX_NPZ_BYTES, readNpz, writeNpz, type NpyArray } from './npz';
import { npzBomb } from '../../../testing/hostile/archives';

const data = (f: string) => join(__dirname, 'testdata', f);

describe('readNpz on files numpy wrote (testdata/make-golden.py)', () => {
  for (const file of ['numpy-savez.npz', 'numpy-savez-compressed.npz']) {
    it(`reads every dtype and shape of ${file}`, () => {
      const a = readNpz(data(file));
      expect([...a.keys()].sort()).toEqual(['bytes', 'doubles', 'empty', 'flags', 'ints', 'scalar', 'weights']);
      const w = a.get('weights')!;
      expect(w.dtype).toBe('f4');
      expect(w.shape).toEqual([2, 3, 4]);
      expect(Array.from(w.data)).toEqual(Array.from({ length: 24 }, (_, i) => i / 8 - 1));
      expect(a.get('doubles')).toMatchObject({ dtype: 'f8', shape: [4] });
      expect(Array.from(a.get('doubles')!.data)).toEqual([0.1, -2.5, 1e300, 3]);
      expect(a.get('ints')).toMatchObject({ dtype: 'i4', shape: [2, 2] });
      expect(Array.from(a.get('ints')!.data)).toEqual([1, -2, 2147483647, -2147483648]);
      expect(Array.from(a.get('bytes')!.data)).toEqual([0, 7, 255]);
      expect(a.get('flags')).toMatchObject({ dtype: 'b1', shape: [3] });
      expect(Array.from(a.get('flags')!.data)).toEqual([1, 0, 1]);
      expect(a.get('scalar')).toMatchObject({ dtype: 'f4', shape: [] });
      expect(Array.from(a.get('scalar')!.data)).toEqual([2.5]);
      expect(a.get('empty')).toMatchObject({ shape: [0, 3] });
      expect(a.get('empty')!.data.length).toBe(0);
    });
  }

  it('refuses a big-endian array, naming file and member', () => {
    expect(() => readNpz(data('numpy-bigendian.npz'))).toThrow(/numpy-bigendian\.npz: member "big\.npy": dtype ">f4" is not little-endian/);
  });

  it('refuses a Fortran-order array', () => {
    expect(() => readNpz(data('numpy-fortran.npz'))).toThrow(/member "f\.npy": Fortran-order arrays are not supported/);
  });
});

describe('encodeNpz / writeNpz', () => {
  const arrays: Record<string, NpyArray> = {
    a: f32Array([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6.5])),
    'decoder.4.weight': f32Array([1, 1, 4, 4], Float32Array.from({ length: 16 }, (_, i) => -i)),
    d: { dtype: 'f8', shape: [2], data: Float64Array.from([Math.PI, -0]) },
    i: { dtype: 'i4', shape: [3], data: Int32Array.from([-1, 0, 1]) },
  };
  for (const compress of [false, true]) {
    it(`round-trips ${compress ? 'deflated' : 'stored'} members, names with dots kept`, () => {
      const back = readNpz(encodeNpz(arrays, { compress }), 'mem.npz');
      expect([...back.keys()]).toEqual(Object.keys(arrays));
      for (const [k, v] of Object.entries(arrays)) {
        expect(back.get(k)!.shape).toEqual(v.shape);
        expect(back.get(k)!.dtype).toBe(v.dtype);
        expect(Array.from(back.get(k)!.data)).toEqual(Array.from(v.data));
      }
    });
  }

  it('writes a file readNpz reads back (atomically: no temporary left behind)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npz-'));
    const p = join(dir, 'x.npz');
    writeNpz(p, arrays);
    expect(readNpz(p).get('a')!.shape).toEqual([2, 3]);
    expect(readFileSync(p).length).toBeGreaterThan(100);
  });
});

describe('readNpz on broken input', () => {
  const good = encodeNpz({ w: f32Array([4], Float32Array.from([1, 2, 3, 4])) });

  it('a missing file', () => {
    expect(() => readNpz('/nonexistent/vae-oid.npz')).toThrow('/nonexistent/vae-oid.npz: file not found');
  });

  it('a file too large to read whole is refused before reading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npz-'));
    const p = join(dir, 'huge.npz');
    writeFileSync(p, '');
    truncateSync(p, MAX_NPZ_BYTES + 1); // sparse: no disk used
    expect(() => readNpz(p)).toThrow(/huge\.npz: 1\.0 GiB is larger than the 1 GiB this reader accepts/);
  });

  it('bytes that are not a zip', () => {
    expect(() => readNpz(new TextEncoder().encode('<html>404 not found</html>'), 'dl.npz')).toThrow(/dl\.npz: not a \.npz archive/);
  });

  it('a truncated file', () => {
    expect(() => readNpz(good.subarray(0, good.length - 30), 'cut.npz')).toThrow(/cut\.npz: not a \.npz archive .*truncated/);
    const dir = mkdtempSync(join(tmpdir(), 'npz-'));
    const p = join(dir, 'half.npz');
    writeFileSync(p, readFileSync(data('numpy-savez.npz')).subarray(0, 900));
    expect(() => readNpz(p)).toThrow(/half\.npz: /);
  });

  it('a corrupt member: CRC mismatch names the member', () => {
    const bad = good.slice();
    bad[30 + 'w.npy'.length + 128]! ^= 0xff; // a byte of the float data (after the 128-byte .npy header)
    expect(() => readNpz(bad, 'flip.npz')).toThrow('flip.npz: member "w.npy": CRC-32 mismatch: the member is corrupt');
  });

  it('a corrupt deflate stream', () => {
    const z = encodeNpz({ w: f32Array([64]) }, { compress: true });
    const bad = z.slice();
    for (let i = 36; i < 44; i++) bad[i] = 0xff;
    expect(() => readNpz(bad, 'z.npz')).toThrow(/z\.npz: member "w\.npy": (deflate data is corrupt|CRC-32 mismatch|size)/);
  });

  it('an unsupported compression method', () => {
    const bad = good.slice();
    const dv = new DataView(bad.buffer);
    const cd = dv.getUint32(bad.length - 22 + 16, true);
    dv.setUint16(cd + 10, 14, true); // LZMA
    expect(() => readNpz(bad, 'lzma.npz')).toThrow('lzma.npz: member "w.npy": unsupported zip compression method 14 (only stored and deflated)');
  });

  it('a member that is not a .npy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npz-'));
    const p = join(dir, 'notnpy.npz');
    // Break the .npy magic, then repair both CRC fields so only the .npy check can object.
    const bytes = encodeNpz({ t: f32Array([1]) });
    bytes[30 + 't.npy'.length] = 0x50;
    const dv = new DataView(bytes.buffer);
    const size = dv.getUint32(18, true);
    const crc = crc32(bytes.subarray(30 + 5, 30 + 5 + size)) >>> 0;
    dv.setUint32(14, crc, true);
    dv.setUint32(dv.getUint32(bytes.length - 22 + 16, true) + 16, crc, true);
    writeFileSync(p, bytes);
    expect(() => readNpz(p)).toThrow(/notnpy\.npz: member "t\.npy": not a \.npy array \(bad magic\)/);
  });
});

describe('readNpz on compressed bombs (models/testing/hostile)', () => {
  it('stops a member that inflates past the size it declares, before it is all in memory', () => {
    // 64 MiB of zeros in about 64 KB, declaring 1 KiB.
    const bomb = npzBomb({ inflatedBytes: 64 * 2 ** 20, declaredBytes: 1024 });
    expect(bomb.byteLength).toBeLessThan(2 ** 20);
    expect(() => readNpz(bomb, 'bomb.npz')).toThrow(/^bomb\.npz: member "bomb\.npy": inflates to more than the 1024 bytes the archive declares/);
  });

  it('refuses an archive declaring more than the bound before inflating anything', () => {
    const bomb = npzBomb({ inflatedBytes: 2 ** 20, declaredBytes: 3 * 2 ** 30 });
    expect(() => readNpz(bomb, 'big.npz')).toThrow(/^big\.npz: its members declare 3072\.0 MiB uncompressed, more than the 1024\.0 MiB/);
    // A caller that knows what it expects bounds it lower (the VQ-VAE weights do).
    const small = npzBomb({ inflatedBytes: 2 ** 20, declaredBytes: 2 ** 20 });
    expect(() => readNpz(small, 'small.npz', { maxInflatedBytes: 2 ** 19 })).toThrow(/declare 1\.0 MiB uncompressed, more than the 0\.5 MiB/);
  });
});
