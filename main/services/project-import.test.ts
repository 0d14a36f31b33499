import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../models/store/store';
import { SCHEMA_VERSION } from '../../models/store/migrations';
import type { ProjectImportProgress } from '../../preload/contract';
import { ProjectService } from './project';
import { ResultsImporter } from './project-import';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'paliscope-import-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A shard file as a cluster task leaves it: one document, `pages` pages, each run. */
function shard(name: string, sha: string, pages: number): Uint8Array {
  const path = join(dir, name);
  const s = Store.open(path);
  const batch = s.createBatch({ signature: 'sig', task: 'ocr-builtin', prompt: '', modelId: 'builtin-ppocr', modelName: 'PP-OCRv4' });
  const { document } = s.registerDocument({ path: `/scans/${name}.tif`, sha256: sha.repeat(64), pageCount: pages, size: 1 });
  const records = s.ensurePages(document.id, Array.from({ length: pages }, (_, i) => ({ index: i, width: 10, height: 10 })));
  s.addBatchItems(batch.id, records.map((p) => p.id));
  for (const item of s.batchItems(batch.id)) {
    s.startItem(item.id);
    s.finishItem(item.id, { pageId: item.pageId, modelId: 'builtin-ppocr', modelName: 'PP-OCRv4', task: 'ocr-builtin', prompt: '', raw: `page ${item.page}`, status: 'done' });
  }
  s.close();
  return new Uint8Array(readFileSync(path));
}

const ctx = (chunks: ProjectImportProgress[], signal = new AbortController().signal) => ({ signal, send: (c: ProjectImportProgress) => chunks.push(c), caller: { id: 'test' } }) as never;

describe('ResultsImporter', () => {
  it('merges the files into the open project with progress, and adds nothing the second time', async () => {
    const project = new ProjectService({ userDataDir: dir, path: join(dir, 'open.paliscope') });
    const importer = new ResultsImporter({ project, busy: () => null, workDir: join(dir, 'incoming') });
    const files = [{ name: 'out-0.paliscope', bytes: shard('a', 'a', 3) }, { name: 'out-1.paliscope', bytes: shard('b', 'b', 2) }];
    const chunks: ProjectImportProgress[] = [];
    const r = await importer.import({ files }, ctx(chunks));
    expect(r.files.map((f) => [f.name, f.runs.added, f.batches.added])).toEqual([['out-0.paliscope', 3, 1], ['out-1.paliscope', 2, 0]]);
    expect(r.project.counts).toMatchObject({ documents: 2, runs: 5 });
    expect(chunks.some((c) => c.file === 'out-1.paliscope' && c.index === 1 && c.files === 2 && c.phase === 'runs')).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ file: 'out-1.paliscope', phase: 'done' });
    const again = await importer.import({ files }, ctx([]));
    expect(again.files.map((f) => f.runs.added)).toEqual([0, 0]);
    expect(project.store!.batchCounts(1)).toMatchObject({ total: 5, done: 5 });
    project.close();
  });

  it('checks every file before merging any: a bad one is refused by its name and nothing is merged', async () => {
    const project = new ProjectService({ userDataDir: dir, path: join(dir, 'open.paliscope') });
    const importer = new ResultsImporter({ project, busy: () => null, workDir: join(dir, 'incoming') });
    const good = { name: 'out-0.paliscope', bytes: shard('a', 'a', 3) };
    await expect(importer.import({ files: [good, { name: 'notes.paliscope', bytes: new TextEncoder().encode('notes '.repeat(40)) }] }, ctx([])))
      .rejects.toThrow('notes.paliscope is not a Paliscope project: it is not an SQLite database');
    const newerPath = join(dir, 'newer');
    shard('newer', 'c', 1);
    const db = new Database(newerPath);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(importer.import({ files: [good, { name: 'later.paliscope', bytes: new Uint8Array(readFileSync(newerPath)) }] }, ctx([])))
      .rejects.toThrow(`later.paliscope was written by a newer Paliscope (schema version ${SCHEMA_VERSION + 1}`);
    const other = join(dir, 'other');
    const o = new Database(other);
    o.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (1)');
    o.pragma('user_version = 1');
    o.close();
    await expect(importer.import({ files: [good, { name: 'contacts.paliscope', bytes: new Uint8Array(readFileSync(other)) }] }, ctx([])))
      .rejects.toThrow(/^contacts\.paliscope: not a Paliscope project \(no documents, pages, runs/);
    expect(project.info().counts).toMatchObject({ documents: 0, runs: 0 });
    project.close();
  });

  it('is refused while a batch runs', async () => {
    const project = new ProjectService({ userDataDir: dir, path: join(dir, 'open.paliscope') });
    const importer = new ResultsImporter({ project, busy: () => 'batch 3 is running', workDir: join(dir, 'incoming') });
    await expect(importer.import({ files: [{ name: 'out-0.paliscope', bytes: shard('a', 'a', 1) }] }, ctx([])))
      .rejects.toThrow('Results cannot be imported while batch 3 is running: pause or cancel it first');
    project.close();
  });
});
