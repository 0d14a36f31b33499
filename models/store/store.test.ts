import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileIdentity } from './hash';
import { SCHEMA_VERSION } from './migrations';
import { Store } from './store';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'paliscope-store-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (c: string) => c.repeat(64).slice(0, 64);

function seed(store: Store) {
  const { document } = store.registerDocument({ path: '/scans/a.tif', sha256: sha('a'), pageCount: 2, size: 100 });
  const pages = store.ensurePages(document.id, [{ index: 0, width: 800, height: 1000 }, { index: 1 }]);
  const run = store.addRun({ pageId: pages[0]!.id, modelId: 'm1', modelName: 'tiny', task: 'caption', prompt: 'caption en', raw: 'a cat', parsed: { text: 'a cat' }, logprobs: [-0.1, -0.2], status: 'done', timings: { totalMs: 12 }, provider: 'cpu' });
  return { document, pages, run };
}

describe('Store', () => {
  it('opens a file store in WAL with synchronous=FULL and foreign keys, at the current schema version', () => {
    const s = Store.open(join(dir, 'p.paliscope'));
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.migrated).toEqual([1, 2, 3]);
    s.close();
    const again = Store.open(join(dir, 'p.paliscope'));
    expect(again.migrated).toEqual([]);
    again.close();
  });

  it('keeps runs with JSON fields, per-token logprobs and parameters, in memory too', () => {
    const s = Store.open(':memory:');
    const { run, pages } = seed(s);
    expect(s.run(run.id)).toMatchObject({ raw: 'a cat', parsed: { text: 'a cat' }, logprobs: [-0.1, -0.2], timings: { totalMs: 12 }, parameters: {}, provider: 'cpu', status: 'done', error: null });
    expect(s.runsOfPage(pages[0]!.id)).toHaveLength(1);
    expect(() => s.addRun({ pageId: 999, modelId: 'm', modelName: 'm', task: 't', prompt: 'p', status: 'done' })).toThrow(/FOREIGN KEY/);
    s.close();
  });

  it('finds a moved file by its hash and notices an edited one', () => {
    const s = Store.open(':memory:');
    const a = s.registerDocument({ path: '/x/a.pdf', sha256: sha('1'), pageCount: 3, size: 10 });
    expect(a.match).toBe('new');
    expect(s.registerDocument({ path: '/x/a.pdf', sha256: sha('1'), pageCount: 3, size: 10 }).match).toBe('unchanged');
    const moved = s.registerDocument({ path: '/y/renamed.pdf', sha256: sha('1'), pageCount: 3, size: 10 });
    expect(moved).toMatchObject({ match: 'moved', document: { id: a.document.id, path: '/y/renamed.pdf' } });
    // A copy (the old path still holds the bytes) is the same document and keeps its path.
    expect(s.registerDocument({ path: '/z/copy.pdf', sha256: sha('1'), pageCount: 3, size: 10 }, { stillHolds: (p) => p === '/y/renamed.pdf' })).toMatchObject({ match: 'duplicate', document: { id: a.document.id, path: '/y/renamed.pdf' } });
    const edited = s.registerDocument({ path: '/y/renamed.pdf', sha256: sha('2'), pageCount: 4, size: 12 });
    expect(edited.match).toBe('changed');
    expect(edited.document.id).not.toBe(a.document.id);
    expect(s.document(a.document.id)!.replacedBy).toBe(edited.document.id);
    expect(s.documentByPath('/y/renamed.pdf')!.id).toBe(edited.document.id);
    expect(s.documentByHash(sha('1'))!.id).toBe(a.document.id);
    s.close();
  });

  it('hashes files by content: a copy has the same hash, an edit a different one', async () => {
    writeFileSync(join(dir, 'a.bin'), 'hello');
    writeFileSync(join(dir, 'b.bin'), 'hello');
    const a = await fileIdentity(join(dir, 'a.bin'));
    expect(a.sha256).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect((await fileIdentity(join(dir, 'b.bin'))).sha256).toBe(a.sha256);
    writeFileSync(join(dir, 'a.bin'), 'hellO');
    expect((await fileIdentity(join(dir, 'a.bin'))).sha256).not.toBe(a.sha256);
    await expect(fileIdentity(join(dir, 'missing.bin'))).rejects.toThrow(/ENOENT/);
  });

  it('reviews keep every change in history; undo appends an entry restoring the previous state, and walks back', () => {
    const s = Store.open(':memory:');
    const { run } = seed(s);
    expect(s.undoReview(run.id)).toBeUndefined();
    s.setReview(run.id, { status: 'accepted' });
    s.setReview(run.id, { status: 'corrected', value: { text: 'a black cat' }, note: 'colour' });
    s.setReview(run.id, { status: 'rejected' });
    expect(s.review(run.id)).toMatchObject({ status: 'rejected', value: null });
    expect(s.undoReview(run.id)).toEqual({ status: 'corrected', value: { text: 'a black cat' }, note: 'colour' });
    expect(s.review(run.id)).toMatchObject({ status: 'corrected', value: { text: 'a black cat' }, note: 'colour' });
    expect(s.undoReview(run.id)).toMatchObject({ status: 'accepted' });
    expect(s.undoReview(run.id)).toBeNull();
    expect(s.review(run.id)).toBeUndefined();
    expect(s.undoReview(run.id)).toBeUndefined();
    const h = s.reviewHistory(run.id);
    expect(h.map((e) => e.state?.status ?? null)).toEqual(['accepted', 'corrected', 'rejected', 'corrected', 'accepted', null]);
    expect(h.slice(3).map((e) => e.undoOf)).toEqual([h[2]!.id, h[1]!.id, h[0]!.id]);
    expect(h[2]!.previous).toEqual({ status: 'corrected', value: { text: 'a black cat' }, note: 'colour' });
    // A new change after undos is itself undoable.
    s.setReview(run.id, { status: 'accepted', note: 'ok' });
    expect(s.undoReview(run.id)).toBeNull();
    s.close();
  });

  it('refuses bad reviews with a clear reason', () => {
    const s = Store.open(':memory:');
    const { run } = seed(s);
    expect(() => s.setReview(run.id, { status: 'corrected' })).toThrow(/needs the corrected value/);
    expect(() => s.setReview(run.id, { status: 'maybe' as never })).toThrow(/unknown status "maybe"/);
    expect(() => s.setReview(4242, { status: 'accepted' })).toThrow(/no run 4242/);
    expect(s.reviewHistory(run.id)).toEqual([]);
    s.close();
  });

  it('filters results by task, model and review status', () => {
    const s = Store.open(':memory:');
    const { run, pages } = seed(s);
    const other = s.addRun({ pageId: pages[1]!.id, modelId: 'm2', modelName: 'other', task: 'detect', prompt: 'detect cat', raw: '', status: 'error', error: 'boom' });
    s.setReview(run.id, { status: 'corrected', value: { text: 'a dog' } });
    expect(s.results().map((r) => r.run.id)).toEqual([run.id, other.id]);
    expect(s.results({ review: 'reviewed' })).toHaveLength(1);
    expect(s.results({ review: 'unreviewed' })[0]!.run.id).toBe(other.id);
    expect(s.results({ task: 'detect', modelId: 'm2' })[0]!.page).toEqual({ index: 1, width: null, height: null });
    expect(s.results({ review: 'corrected' })[0]!.review!.value).toEqual({ text: 'a dog' });
    s.close();
  });

  it('orders results by confidence, lowest first (unknown last), with a ceiling and paging', () => {
    const s = Store.open(':memory:');
    const { run, pages } = seed(s); // logprobs -0.1, -0.2 → exp(-0.15)
    expect(s.run(run.id)!.confidence).toBeCloseTo(Math.exp(-0.15), 12);
    const base = { pageId: pages[1]!.id, modelId: 'm', modelName: 'm', task: 'ocr', prompt: 'ocr', status: 'done' as const };
    const low = s.addRun({ ...base, logprobs: [-3, -1, Number.NaN] });
    const ocr = s.addRun({ ...base, task: 'ocr-builtin', parsed: { lines: [], meanConfidence: 0.5 } });
    const unknown = s.addRun({ ...base });
    expect(s.run(low.id)!.confidence).toBeCloseTo(Math.exp(-2), 12);
    expect(s.results({ orderBy: 'confidence' }).map((r) => r.run.id)).toEqual([low.id, ocr.id, run.id, unknown.id]);
    expect(s.results({ orderBy: 'confidence', maxConfidence: 0.5 }).map((r) => r.run.id)).toEqual([low.id, ocr.id]);
    expect(s.results({ orderBy: 'confidence', limit: 2, offset: 1 }).map((r) => r.run.id)).toEqual([ocr.id, run.id]);
    s.close();
  });

  it('batch items: added once per page, claimed, finished with one run each, crash leftovers re-queued', () => {
    const s = Store.open(':memory:');
    const { pages } = seed(s);
    const b = s.createBatch({ signature: 'sig', task: 'caption', prompt: 'caption en', modelId: 'm1', modelName: 'tiny' });
    expect(s.addBatchItems(b.id, pages.map((p) => p.id))).toBe(2);
    expect(s.addBatchItems(b.id, pages.map((p) => p.id))).toBe(0);
    const [first, second] = s.nextQueuedItems(b.id, 2);
    expect(first!.documentPath).toBe('/scans/a.tif');
    expect(s.startItem(first!.id)).toBe(true);
    expect(s.startItem(first!.id)).toBe(false);
    const run = s.finishItem(first!.id, { pageId: first!.pageId, modelId: 'm1', modelName: 'tiny', task: 'caption', prompt: 'caption en', raw: 'x', status: 'done' });
    expect(s.batchItem(first!.id)).toMatchObject({ status: 'done', runId: run.id, attempts: 1 });
    expect(() => s.finishItem(first!.id, { pageId: first!.pageId, modelId: 'm1', modelName: 'tiny', task: 'caption', prompt: 'p', status: 'done' })).toThrow(/is done, not running/);
    s.startItem(second!.id);
    expect(s.batchCounts(b.id)).toMatchObject({ total: 2, done: 1, running: 1 });
    expect(s.requeueRunning(b.id)).toBe(1);
    expect(s.nextQueuedItems(b.id, 5).map((i) => i.id)).toEqual([second!.id]);
    s.startItem(second!.id);
    s.failItem(second!.id, 'page 2: cannot decode');
    expect(s.batchItem(second!.id)).toMatchObject({ status: 'failed', error: 'page 2: cannot decode', attempts: 2 });
    expect(s.retryItems(b.id)).toBe(1);
    expect(s.batchBySignature('sig')!.id).toBe(b.id);
    s.close();
  });

  it('records exports and reports a sound file as sound', () => {
    const s = Store.open(join(dir, 'e.paliscope'));
    seed(s);
    s.recordExport({ format: 'jsonl', onlyReviewed: true, path: '/out/x.jsonl', results: 3 });
    expect(s.exports()).toMatchObject([{ format: 'jsonl', onlyReviewed: true, results: 3 }]);
    expect(s.check()).toEqual([]);
    s.close();
  });

  it('names the file when it is not a store, is missing, or is from a newer Paliscope', () => {
    writeFileSync(join(dir, 'junk.paliscope'), 'this is not a database, just some text that goes on for a while '.repeat(20));
    expect(() => Store.open(join(dir, 'junk.paliscope'))).toThrow(/junk\.paliscope: not a Paliscope store \(file is not a database\)/);
    expect(() => Store.open(join(dir, 'none.paliscope'), { mustExist: true })).toThrow(/none\.paliscope: cannot open the store/);
    const db = new Database(join(dir, 'future.paliscope'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => Store.open(join(dir, 'future.paliscope'))).toThrow(/future\.paliscope: written by a newer Paliscope \(schema version 99/);
  });
});

describe('migrations', () => {
  it('migrates a version-1 store (checked-in SQL) to the current schema, keeping its data', () => {
    const file = join(dir, 'old.paliscope');
    const db = new Database(file);
    db.exec(readFileSync(new URL('./fixtures/v1.sql', import.meta.url), 'utf8'));
    // A built-in OCR run: its confidence is in the parsed result, and migration 2 lifts it into the new column.
    db.exec(`INSERT INTO runs VALUES (4, 2, 'builtin-ppocr', 'PP-OCRv4', 'ocr-builtin', '', '{}', 'cpu', NULL, 'x', '{"lines":[],"meanConfidence":0.87}', 'done', NULL, '2026-10-01T09:04:00.000Z')`);
    db.close();
    const s = Store.open(file);
    expect(s.migrated).toEqual([2, 3]);
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.check()).toEqual([]);
    expect(s.run(4)!.confidence).toBe(0.87);
    const results = s.results();
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({ run: { task: 'ocr', raw: 'Dear Sir, I write to you', logprobs: null }, document: { path: '/data/letters/1887-03.tif' }, review: { status: 'corrected', note: 'long s read as f' } });
    // Old reviews became history, so they can be undone.
    expect(s.reviewHistory(1)).toMatchObject([{ state: { status: 'corrected' }, previous: null }]);
    expect(s.undoReview(1)).toBeNull();
    expect(s.review(1)).toBeUndefined();
    // New columns work on old rows; the half-done batch resumes.
    expect(s.document(1)).toMatchObject({ mtimeMs: null, replacedBy: null });
    expect(s.run(1)!.confidence).toBeNull();
    expect(s.requeueRunning(1)).toBe(1);
    expect(s.batchCounts(1)).toMatchObject({ done: 1, queued: 1 });
    s.addRun({ pageId: 2, modelId: 'x', modelName: 'x', task: 'caption', prompt: 'caption en', logprobs: [-1], status: 'done' });
    s.close();
  });

  it('migrates a version-2 store written by the CLI: every PaliGemma result gets its kind', () => {
    const file = join(dir, 'cli.paliscope');
    const db = new Database(file);
    db.exec(readFileSync(new URL('./fixtures/v2-cli.sql', import.meta.url), 'utf8'));
    db.pragma('user_version = 2');
    const before = db.prepare("SELECT count(*) AS n FROM runs WHERE task != 'ocr-builtin' AND json_type(parsed, '$.kind') IS NULL").get() as { n: number };
    expect(before.n).toBe(10);
    db.close();
    const s = Store.open(file);
    expect(s.migrated).toEqual([3]);
    expect(s.check()).toEqual([]);
    const runs = s.results().map((r) => ({ ...r.run, page: r.page }));
    expect(runs).toHaveLength(12);
    for (const r of runs) {
      const parsed = r.parsed as Record<string, unknown>;
      if (r.task === 'ocr-builtin') {
        expect(parsed.kind).toBeUndefined();
        continue;
      }
      if (['detect', 'segment'].includes(r.task)) expect(parsed).toMatchObject({ kind: 'boxes', task: r.task, width: r.page.width, height: r.page.height });
      else expect(parsed).toMatchObject({ kind: 'text', task: r.task, text: expect.any(String) });
      expect(r.tokens).toBeNull();
    }
    // The one box the CLI found is still where it was, in page pixels.
    const box = runs.find((r) => r.task === 'detect' && (r.parsed as { objects: unknown[] }).objects.length)!;
    expect((box.parsed as { objects: { box: number[] }[] }).objects[0]!.box[2]).toBeLessThanOrEqual(box.page.width!);
    // Runs added now keep their tokens.
    const added = s.addRun({ pageId: 1, modelId: 'x', modelName: 'x', task: 'caption', prompt: 'caption en', logprobs: [-1], tokens: { ids: [5], pieces: ['a'] }, status: 'done' });
    expect(s.run(added.id)!.tokens).toEqual({ ids: [5], pieces: ['a'] });
    s.close();
  });

  it('rolls a failed migration back and leaves the store at its old version', () => {
    const file = join(dir, 'broken.paliscope');
    const db = new Database(file);
    db.exec(readFileSync(new URL('./fixtures/v1.sql', import.meta.url), 'utf8'));
    // A table version 2 wants to create already exists: migration 2 fails half-way.
    db.exec('CREATE TABLE exports (x INTEGER)');
    db.close();
    expect(() => Store.open(file)).toThrow(/broken\.paliscope: not a Paliscope store \(table exports already exists\)/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    expect(check.prepare("SELECT count(*) AS n FROM pragma_table_info('documents') WHERE name = 'mtime_ms'").get()).toEqual({ n: 0 });
    check.close();
  });
});
