import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomVae } from './mask/fixture';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli';
import { run } from './cli';

async function call(argv: string[], input: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  async function* stdin(): AsyncGenerator<string> { yield input; }
  const code = await run(argv, { stdin: stdin(), stdout, stderr });
  return { code, out, err };
}

describe('paliscope parse', () => {
  it('detect: JSON boxes in original pixels with labels', async () => {
    const r = await call(['--task', 'detect', '--width', '2046', '--height', '1023'], '<loc0100><loc0200><loc0300><loc0400> cat ; <loc0000><loc0000><loc1023><loc1023> page\n');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { objects: Array<{ label: string; box: number[] }>; warnings: string[] };
    expect(j.objects.map((o) => [o.label, o.box])).toEqual([['cat', [400, 100, 800, 300]], ['page', [0, 0, 2046, 1023]]]);
    expect(j.warnings).toEqual([]);
    expect(r.err).toBe('');
  });
  it('malformed input: partial JSON, warnings on stderr too, exit 0', async () => {
    const r = await call(['--task', 'detect', '--width', '10', '--height', '10'], '<loc0001><loc0002><loc0003> a ; <loc0000><loc0000><loc0500><loc0500> b');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { objects: Array<{ label: string }>; warnings: string[] };
    expect(j.objects.map((o) => o.label)).toEqual(['b']);
    expect(j.warnings).toEqual(['object 1 ("a"): 3 loc tokens, need 4; skipped']);
    expect(r.err).toContain('warning: object 1');
  });
  it('segment keeps the codebook indices; vsr gives a boolean', async () => {
    const seg = Array.from({ length: 16 }, (_, i) => `<seg${String(i).padStart(3, '0')}>`).join('');
    const s = JSON.parse((await call(['--task', 'segment', '--width', '5', '--height', '5'], `<loc0000><loc0000><loc0010><loc0010>${seg} cat`)).out) as { objects: Array<{ seg: number[] }> };
    expect(s.objects[0]!.seg).toEqual(Array.from({ length: 16 }, (_, i) => i));
    const v = JSON.parse((await call(['--task', 'vsr'], 'False\n')).out) as { answer: boolean };
    expect(v).toMatchObject({ kind: 'verdict', answer: false });
    const r = JSON.parse((await call(['--task', 'report'], 'FINDINGS: Clear. IMPRESSION: Normal.<eos>')).out) as unknown;
    expect(r).toMatchObject({ kind: 'report', sections: [{ heading: 'FINDINGS', text: 'Clear.' }, { heading: 'IMPRESSION', text: 'Normal.' }] });
  });
  it('segment with --vae decodes masks as COCO RLE over the image; a missing decoder file is a warning, not a failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paliscope-parse-vae-'));
    try {
      const vae = join(dir, 'vae-oid.npz');
      writeRandomVae(vae, { seed: 3, embeddingDim: 16 });
      const seg = Array.from({ length: 16 }, (_, i) => `<seg${String(i * 7).padStart(3, '0')}>`).join('');
      const raw = `<loc0100><loc0200><loc0800><loc0900>${seg} stamp`;
      const out = JSON.parse((await call(['--task', 'segment', '--width', '40', '--height', '30', '--vae', vae], raw)).out) as { objects: Array<{ mask: { rle: { size: number[]; counts: number[] }; area: number } }> };
      const mask = out.objects[0]!.mask;
      expect(mask.rle.size).toEqual([30, 40]);
      expect(mask.rle.counts.reduce((a, b) => a + b, 0)).toBe(1200);
      expect(mask.area).toBe(mask.rle.counts.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0));
      const missing = await call(['--task', 'segment', '--width', '40', '--height', '30', '--vae', join(dir, 'nope.npz')], raw);
      expect(missing.code).toBe(0);
      expect(missing.err).toContain('masks are not drawn');
      expect(missing.err).toContain('nope.npz');
      expect((await call(['--task', 'detect', '--width', '4', '--height', '4', '--vae', vae], '')).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('table and molecule outputs parse to cells and a canonical SMILES', async () => {
    const t = JSON.parse((await call(['--task', 'table'], '<table><tr><td colspan="2">Revenue</td></tr><tr><td>2023</td><td>1.2</td></tr></table>')).out) as { kind: string; table: { rows: number; cols: number; cells: Array<{ text: string; colspan: number }> } };
    expect(t).toMatchObject({ kind: 'table', table: { rows: 2, cols: 2 } });
    expect(t.table.cells[0]).toMatchObject({ text: 'Revenue', colspan: 2 });
    const m = JSON.parse((await call(['--task', 'molecule'], 'OC(=O)c1ccccc1OC(C)=O')).out) as { molecule: { valid: boolean; canonical: string } };
    expect(m.molecule).toMatchObject({ valid: true, canonical: 'CC(=O)Oc1ccccc1C(=O)O' });
    const bad = JSON.parse((await call(['--task', 'molecule'], 'C1CC')).out) as { molecule: { valid: boolean; error: string } };
    expect(bad.molecule.valid).toBe(false);
    expect(bad.molecule.error.length).toBeGreaterThan(0);
  });

  it('argument errors exit 2 with usage', async () => {
    expect((await call(['--task', 'detect'], '')).code).toBe(2);
    expect((await call(['--task', 'detect', '--width', '0', '--height', '5'], '')).code).toBe(2);
    const bad = await call(['--task', 'poem'], '');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--task poem: expected one of caption, describe, answer, ocr, detect, segment, ocr-boxes, table');
    expect((await call(['--help'], '')).out).toContain('usage: paliscope parse');
  });
  it('is reachable from the paliscope dispatcher', async () => {
    const stdout = process.stdout.write.bind(process.stdout);
    let out = '';
    process.stdout.write = ((c: string) => { out += c; return true; }) as typeof process.stdout.write;
    try {
      expect(await main(['parse', '--help'])).toBe(0);
    } finally {
      process.stdout.write = stdout;
    }
    expect(out).toContain('usage: paliscope parse');
  });
});
