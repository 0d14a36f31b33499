import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBoxes } from '../parse';
import { run as vaeFixtureCli } from './cli';
import { decodeMasks } from './decoder-ts';
import { randomVaeWeights, writeRandomVae } from './fixture';
import { boxEdgeToPixel, objectMask, rleToBitmap } from './mask';
import { decodeSegments, findVae, importVae, maskDecoderFor, VAE_FILE_NAME } from './segment';
import { loadVaeWeights } from './vae-weights';

const RAW = '<loc0100><loc0200><loc0800><loc0900><seg012><seg045><seg127><seg003><seg088><seg064><seg010><seg099>' +
  '<seg001><seg076><seg033><seg120><seg005><seg091><seg047><seg062> cat ; <loc0000><loc0000><loc1023><loc1023>' +
  '<seg000><seg008><seg016><seg024><seg032><seg040><seg048><seg056><seg064><seg072><seg080><seg088><seg096><seg104><seg112><seg120> page';

let dir: string;
let vae: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vae-'));
  vae = join(dir, 'random-vae.npz');
  writeRandomVae(vae, { seed: 11 });
});

describe('decodeSegments', () => {
  it('turns parsed segment objects into image-sized masks, equal to decode + objectMask by hand', async () => {
    const size = { width: 700, height: 420 };
    const parsed = parseBoxes('segment', RAW, size);
    expect(parsed.objects.map((o) => o.seg?.length)).toEqual([16, 16]);
    const r = await decodeSegments(parsed.objects, size, vae);
    expect(r.warnings).toEqual([]);
    const w = loadVaeWeights(vae);
    parsed.objects.forEach((o, i) => {
      const want = rleToBitmap(objectMask(decodeMasks(w, [o.seg!])[0]!, o.box, size).rle);
      expect(r.masks[i]!.rle.size).toEqual([420, 700]);
      const bm = rleToBitmap(r.masks[i]!.rle);
      // ONNX and TypeScript logits differ by ~1e-6, which may flip a pixel sitting right on the threshold.
      let differ = 0, outside = 0;
      const [x0, y0, x1, y1] = o.box.map(boxEdgeToPixel) as [number, number, number, number];
      bm.forEach((v, k) => {
        if (v !== want[k]) differ++;
        const x = k % 700, y = Math.floor(k / 700);
        if (v && !(x >= x0 && x < x1 && y >= y0 && y < y1)) outside++;
      });
      expect(differ).toBeLessThanOrEqual(3);
      expect(outside).toBe(0);
    });
    expect(r.masks[0]!.area).toBeGreaterThan(0);
  });

  it('bad objects give null and a warning naming them, never an exception', async () => {
    const size = { width: 100, height: 50 };
    const good = { box: [10, 5, 60, 40] as [number, number, number, number], seg: new Array(16).fill(3) };
    const r = await decodeSegments([
      { box: [0, 0, 10, 10] },
      good,
      { box: [0, 0, 10, 10], seg: [1, 2, 3] },
      { box: [0, 0, 10, 10], seg: [...new Array(15).fill(0), 128] },
      { box: [0, NaN, 10, 10], seg: new Array(16).fill(0) },
      null as never,
    ], size, vae);
    expect(r.masks.map((m) => (m === null ? null : 'mask'))).toEqual([null, 'mask', null, null, null, null]);
    expect(r.warnings).toEqual([
      'object 1: has no seg codes (4 loc tokens without the 16 <segNNN> tokens); no mask',
      'object 3: has 3 seg codes, need 16; no mask',
      'object 4: has seg code 128 outside 0…127; no mask',
      'object 5: has no valid box; no mask',
      'object 6: has no valid box; no mask',
    ]);
  });

  it('does not need the checkpoint when no object has codes; a missing or corrupt one is an Error naming the path', async () => {
    const none = await decodeSegments([{ box: [0, 0, 5, 5] }], { width: 10, height: 10 }, '/missing/vae-oid.npz');
    expect(none.masks).toEqual([null]);
    const obj = [{ box: [0, 0, 5, 5] as [number, number, number, number], seg: new Array(16).fill(0) }];
    await expect(decodeSegments(obj, { width: 10, height: 10 }, '/missing/vae-oid.npz')).rejects.toThrow('/missing/vae-oid.npz: file not found');
    const corrupt = join(dir, 'corrupt.npz');
    writeFileSync(corrupt, readFileSync(vae).subarray(0, 5000));
    await expect(decodeSegments(obj, { width: 10, height: 10 }, corrupt)).rejects.toThrow(new RegExp(`^${corrupt}: `));
  });

  it('a non-positive image size gives null masks and a warning', async () => {
    const r = await decodeSegments([{ box: [0, 0, 5, 5], seg: new Array(16).fill(0) }], { width: 0, height: 10 }, vae);
    expect(r).toEqual({ masks: [null], warnings: ['image size 0×10 is not positive whole pixels; no masks'] });
  });

  it('caches the decoder per path, and reloads a file replaced on disk', async () => {
    const p = join(dir, 'cached.npz');
    writeRandomVae(p, { seed: 1, embeddingDim: 8 });
    const a = await maskDecoderFor(p);
    expect(a.backend).toBe('onnx');
    expect(await maskDecoderFor(p)).toBe(a);
    await new Promise((r) => setTimeout(r, 20));
    writeRandomVae(p, { seed: 2, embeddingDim: 16 });
    const b = await maskDecoderFor(p);
    expect(b).not.toBe(a);
    const codes = [new Array(16).fill(5)];
    expect(Array.from((await b.decode(codes))[0]!)).not.toEqual(Array.from((await a.decode(codes))[0]!));
  });
});

describe('findVae / importVae', () => {
  it('finds <modelsDir>/vae-oid.npz, or null', () => {
    const models = mkdtempSync(join(tmpdir(), 'models-'));
    expect(findVae(models)).toBeNull();
    expect(findVae(join(models, 'nope'))).toBeNull();
    writeRandomVae(join(models, VAE_FILE_NAME), { seed: 1, embeddingDim: 4 });
    expect(findVae(models)).toBe(join(models, VAE_FILE_NAME));
  });

  it('validates, then copies through a temporary file; a bad file never replaces a good one', () => {
    const models = join(mkdtempSync(join(tmpdir(), 'models-')), 'nested', 'models');
    const dest = importVae(vae, models);
    expect(dest).toBe(join(models, VAE_FILE_NAME));
    expect(readFileSync(dest).equals(readFileSync(vae))).toBe(true);
    const bad = join(dir, 'not-a-vae.npz');
    writeFileSync(bad, 'hello');
    expect(() => importVae(bad, models)).toThrow(new RegExp(`^${bad}: not a \\.npz archive`));
    expect(() => importVae(join(dir, 'absent.npz'), models)).toThrow(`${join(dir, 'absent.npz')}: file not found`);
    expect(readFileSync(dest).equals(readFileSync(vae))).toBe(true);
    expect(readdirSync(models)).toEqual([VAE_FILE_NAME]);
  });
});

describe('paliscope vae-fixture', () => {
  const io = () => {
    const out = new PassThrough(), err = new PassThrough();
    let o = '', e = '';
    out.on('data', (c) => { o += c; }); err.on('data', (c) => { e += c; });
    return { io: { stdout: out, stderr: err }, text: () => ({ o, e }) };
  };

  it('writes a checkpoint in the real layout that loads, deterministic for a seed', async () => {
    const p = join(dir, 'cli.npz');
    const t = io();
    expect(await vaeFixtureCli([p, '--seed', '4', '--embedding-dim', '32'], t.io)).toBe(0);
    expect(t.text().o).toMatch(/^wrote .*cli\.npz: random VQ-VAE decoder \(D = 32, seed 4\)/);
    const w = loadVaeWeights(p);
    expect(w.embeddingDim).toBe(32);
    expect(Array.from(w.upsample[1]!.weight.slice(0, 8))).toEqual(Array.from(randomVaeWeights({ seed: 4, embeddingDim: 32 }).upsample[1]!.weight.slice(0, 8)));
    const c = join(dir, 'cli-z.npz');
    expect(await vaeFixtureCli([c, '--compress'], io().io)).toBe(0);
    expect(loadVaeWeights(c).embeddingDim).toBe(512);
  });

  it('bad arguments exit 2 with the usage', async () => {
    const t = io();
    expect(await vaeFixtureCli([], t.io)).toBe(2);
    expect(t.text().e).toMatch(/the output path is required[\s\S]*usage: paliscope vae-fixture/);
    expect(await vaeFixtureCli(['x.npz', '--embedding-dim', '0'], io().io)).toBe(2);
    expect(await vaeFixtureCli(['x.npz', '--seed', 'abc'], io().io)).toBe(2);
    const h = io();
    expect(await vaeFixtureCli(['--help'], h.io)).toBe(0);
    expect(h.text().o).toMatch(/^usage: paliscope vae-fixture/);
  });

  it('an unwritable destination exits 1 naming it', async () => {
    const t = io();
    expect(await vaeFixtureCli(['/nonexistent-dir/x.npz'], t.io)).toBe(1);
    expect(t.text().e).toMatch(/nonexistent-dir/);
    expect(existsSync('/nonexistent-dir')).toBe(false);
  });
});
