import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { batchSignature, enqueueBatch, type InspectDocument } from './enqueue';
import { expandInputs } from './inputs';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'paliscope-enqueue-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Page count from the file's text ("pages=N"), so tests need no real images; counts the opens. */
function inspector() {
  const opened: string[] = [];
  const inspect: InspectDocument = async (path) => {
    opened.push(path);
    const { readFileSync } = await import('node:fs');
    const m = /pages=(\d+)/.exec(readFileSync(path, 'utf8'));
    if (!m) throw new Error(`${path}: the content is not a PNG, JPEG, WebP, BMP, GIF, TIFF or PDF file`);
    return { pages: Array.from({ length: Number(m[1]) }, (_, index) => ({ index, width: 100, height: 150 })) };
  };
  return { inspect, opened };
}

describe('expandInputs', () => {
  it('walks folders in name order (known extensions, no hidden entries), keeps named files, names missing inputs', async () => {
    mkdirSync(join(dir, 'b/sub'), { recursive: true });
    mkdirSync(join(dir, '.hidden'));
    for (const f of ['b/2.PDF', 'b/1.png', 'b/sub/0.tif', 'b/notes.txt', 'b/.x.png', '.hidden/y.png', 'odd.dat']) writeFileSync(join(dir, f), 'x');
    const r = await expandInputs([join(dir, 'b'), join(dir, 'odd.dat'), join(dir, 'b/1.png'), join(dir, 'nope')]);
    expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual(['b/1.png', 'b/2.PDF', 'b/sub/0.tif', 'odd.dat']);
    expect(r.problems).toEqual([{ path: join(dir, 'nope'), reason: 'no such file or folder' }]);
  });
});

describe('enqueueBatch', () => {
  it('one item per page; the same request again resumes its batch, adds only new pages and skips unchanged files', async () => {
    writeFileSync(join(dir, 'a.tif'), 'pages=3');
    writeFileSync(join(dir, 'b.pdf'), 'pages=2');
    writeFileSync(join(dir, 'c.png'), 'garbage');
    const s = Store.open(':memory:');
    const req = { inputs: [dir], task: 'ocr', prompt: 'ocr', modelId: 'm', modelName: 'm', parameters: { maxNewTokens: 64 } };
    const i1 = inspector();
    const first = await enqueueBatch(s, req, i1.inspect);
    expect(first).toMatchObject({ resumed: false, added: 5 });
    expect(first.problems).toEqual([{ path: join(dir, 'c.png'), reason: 'the content is not a PNG, JPEG, WebP, BMP, GIF, TIFF or PDF file' }]);
    expect(s.batchItems(first.batch.id).map((i) => `${i.documentPath.slice(dir.length + 1)}#${i.page}`)).toEqual(['a.tif#0', 'a.tif#1', 'a.tif#2', 'b.pdf#0', 'b.pdf#1']);
    expect(s.pages(first.documents[0]!.documentId)[0]).toMatchObject({ width: 100, height: 150 });

    writeFileSync(join(dir, 'd.tif'), 'pages=1');
    const i2 = inspector();
    const second = await enqueueBatch(s, req, i2.inspect);
    expect(second).toMatchObject({ resumed: true, added: 1, batch: { id: first.batch.id } });
    // a.tif and b.pdf were neither hashed nor opened again.
    expect(i2.opened.map((p) => p.slice(dir.length + 1))).toEqual(['c.png', 'd.tif']);

    // An edited file (new content, new mtime) is a new document with its own pages.
    writeFileSync(join(dir, 'a.tif'), 'pages=4 edited');
    utimesSync(join(dir, 'a.tif'), new Date(), new Date(Date.now() + 5000));
    const third = await enqueueBatch(s, req, inspector().inspect);
    expect(third.documents.find((d) => d.path.endsWith('a.tif'))).toMatchObject({ match: 'changed', pages: 4 });
    expect(third.added).toBe(4);
    s.close();
  });

  it('signature: same inputs in any order or relative form → same batch; other task, model or parameters → another', () => {
    const base = { inputs: ['x', 'y'], task: 'ocr', prompt: 'ocr', modelId: 'm', modelName: 'm', parameters: { a: 1, b: 2 } };
    expect(batchSignature({ ...base, inputs: ['y', join(process.cwd(), 'x')], parameters: { b: 2, a: 1 } })).toBe(batchSignature(base));
    expect(batchSignature({ ...base, task: 'caption' })).not.toBe(batchSignature(base));
    expect(batchSignature({ ...base, modelId: 'n' })).not.toBe(batchSignature(base));
    expect(batchSignature({ ...base, parameters: { a: 1, b: 3 } })).not.toBe(batchSignature(base));
  });
});
