import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchQueue } from '../batch/queue';
import { pageInShard } from '../batch/shard';
import { fakeRunner } from '../batch/testing/fake';
import { mergeInto } from './merge';
import { run as mergeCli } from './merge-cli';
import { run as statusCli } from './status-cli';
import { SCHEMA_VERSION } from './migrations';
import { Store } from './store';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'paliscope-merge-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sink = () => {
  const chunks: string[] = [];
  return { w: new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }), text: () => chunks.join('') };
};
const sha = (n: number) => n.toString(16).padStart(64, 'a');
const DOCS = [{ n: 1, pages: 3 }, { n: 2, pages: 1 }, { n: 3, pages: 5 }, { n: 4, pages: 3 }];

/** A batch over made-up documents, only the pages `keep` selects, run to the end with the fake runner. */
async function batchStore(path: string, keep: (sha: string, page: number) => boolean = () => true): Promise<Store> {
  const s = Store.open(path);
  const batch = s.batchBySignature('sig') ?? s.createBatch({ signature: 'sig', task: 'caption', prompt: 'caption en', modelId: 'm', modelName: 'tiny', parameters: { maxNewTokens: 8 } });
  for (const d of DOCS) {
    const pages = Array.from({ length: d.pages }, (_, i) => i).filter((i) => keep(sha(d.n), i));
    if (!pages.length) continue;
    const { document } = s.registerDocument({ path: `/scans/doc-${d.n}.tif`, sha256: sha(d.n), pageCount: d.pages, size: 10 * d.n });
    const records = s.ensurePages(document.id, Array.from({ length: d.pages }, (_, i) => ({ index: i, width: 100 + i, height: 200 })));
    s.addBatchItems(batch.id, records.filter((p) => pages.includes(p.index)).map((p) => p.id));
  }
  await new BatchQueue(s, batch.id, fakeRunner({ runMs: 0, failRun: ['doc-3.tif#4'] })).run();
  return s;
}

/** What must be equal between a merged project and a single-machine batch: pages, one run each, outputs, items. */
function summary(s: Store) {
  const items = s.batches().flatMap((b) => s.batchItems(b.id).map((i) => `${b.signature} ${s.document(i.documentId)!.sha256.slice(-2)}#${i.page} ${i.status}`)).sort();
  const runs = s.results().map((r) => `${r.document.sha256.slice(-2)}#${r.page.index} ${r.run.status} ${r.run.raw} ${JSON.stringify(r.run.parsed)} ${r.run.error}`).sort();
  const pages = s.documents().flatMap((d) => s.pages(d.id).map((p) => `${d.sha256.slice(-2)}#${p.index} ${p.width}x${p.height}`)).sort();
  return { documents: s.documents().length, pages, runs, items, batches: s.batches().map((b) => [b.signature, b.status]) };
}

const tableCounts = (s: Store) => Object.fromEntries(['documents', 'pages', 'runs', 'reviews', 'review_history', 'batches', 'batch_items']
  .map((t) => [t, (s.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));

describe('merge', () => {
  it('four shards merge into what one machine makes; merging again adds nothing', async () => {
    const single = await batchStore(join(dir, 'single.paliscope'));
    const shards: string[] = [];
    for (let k = 0; k < 4; k++) {
      const p = join(dir, `out-${k}.paliscope`);
      (await batchStore(p, (h, i) => pageInShard({ index: k, count: 4 }, h, i))).close();
      shards.push(p);
    }
    const all = Store.open(join(dir, 'all.paliscope'));
    let added = 0;
    for (const p of shards) added += (await mergeInto(all, p)).runs.added;
    expect(added).toBe(12);
    expect(summary(all)).toEqual(summary(single));
    expect(all.check()).toEqual([]);
    const before = tableCounts(all);
    for (const p of shards) {
      const again = await mergeInto(all, p);
      expect([again.documents.added, again.pages.added, again.runs.added, again.reviews.added, again.history.added, again.batches.added, again.items.added, again.items.updated]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
    expect(tableCounts(all)).toEqual(before);
    single.close();
    all.close();
  });

  it('copies reviews with their history and undo links; a run reviewed differently in both keeps the target\'s', async () => {
    const a = await batchStore(join(dir, 'a.paliscope'));
    const [r1, r2] = a.results().map((r) => r.run);
    a.setReview(r1!.id, { status: 'accepted' });
    a.setReview(r1!.id, { status: 'corrected', value: { text: 'fixed' }, note: 'typo' });
    a.undoReview(r1!.id);
    a.setReview(r2!.id, { status: 'rejected' });
    a.close();
    const t = Store.open(join(dir, 't.paliscope'));
    const c = await mergeInto(t, join(dir, 'a.paliscope'));
    expect(c.reviews).toEqual({ added: 2, conflicts: 0 });
    expect(c.history.added).toBe(4);
    const tr1 = t.results().find((r) => r.run.raw === r1!.raw && r.run.createdAt === r1!.createdAt)!.run;
    expect(t.review(tr1.id)).toMatchObject({ status: 'accepted' });
    const h = t.reviewHistory(tr1.id);
    expect(h.map((e) => e.state?.status ?? null)).toEqual(['accepted', 'corrected', 'accepted']);
    expect(h[2]!.undoOf).toBe(h[1]!.id);
    // Undo keeps working on the merged history: back past the undone correction to "not reviewed".
    expect(t.undoReview(tr1.id)).toBeNull();
    // The source then changes its review of r2: the target's stays, a conflict is counted. r1's history grew in the
    // target only (the undo above): the source's entries are all there, so that is no conflict.
    const b = Store.open(join(dir, 'a.paliscope'));
    b.setReview(r2!.id, { status: 'accepted' });
    b.close();
    const again = await mergeInto(t, join(dir, 'a.paliscope'));
    expect(again.reviews).toEqual({ added: 0, conflicts: 1 });
    expect(t.review(t.results().find((r) => r.run.createdAt === r2!.createdAt && r.run.raw === r2!.raw)!.run.id)).toMatchObject({ status: 'rejected' });
    t.close();
  });

  it('a page finished in a later shard file replaces the failed or queued one; running items arrive queued', async () => {
    const t = await batchStore(join(dir, 't.paliscope'));
    const failed = t.batchItems(1).find((i) => i.status === 'failed')!;
    expect(failed.page).toBe(4);
    // The same batch elsewhere, where that page succeeded (and one page was caught mid-run).
    const o = Store.open(join(dir, 'o.paliscope'));
    const batch = o.createBatch({ signature: 'sig', task: 'caption', prompt: 'caption en', modelId: 'm', modelName: 'tiny' });
    const { document } = o.registerDocument({ path: '/elsewhere/doc-3.tif', sha256: sha(3), pageCount: 5, size: 30 });
    const pages = o.ensurePages(document.id, [{ index: 4 }, { index: 9 }]);
    o.addBatchItems(batch.id, pages.map((p) => p.id));
    const [i4, i9] = o.batchItems(batch.id);
    o.startItem(i4!.id);
    o.finishItem(i4!.id, { pageId: pages[0]!.id, modelId: 'm', modelName: 'tiny', task: 'caption', prompt: 'caption en', raw: 'fine now', status: 'done' });
    o.startItem(i9!.id);
    o.close();
    const c = await mergeInto(t, join(dir, 'o.paliscope'));
    expect(c.items).toEqual({ seen: 2, added: 1, updated: 1 });
    const items = t.batchItems(1);
    expect(items.find((i) => i.page === 4 && i.documentId === failed.documentId)).toMatchObject({ status: 'done', error: null });
    expect(t.run(items.find((i) => i.page === 4 && i.documentId === failed.documentId)!.runId!)!.raw).toBe('fine now');
    expect(items.find((i) => i.page === 9)).toMatchObject({ status: 'queued', startedAt: null });
    expect(t.batch(1)!.status).toBe('paused');
    // The document keeps the path the target knew it by.
    expect(t.document(failed.documentId)!.path).toBe('/scans/doc-3.tif');
    t.close();
  });

  it('refuses, by name, a newer schema, a file that is not a project, a damaged row, and the target itself', async () => {
    const newer = join(dir, 'newer.paliscope');
    (await batchStore(newer)).close();
    const db = new Database(newer);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    writeFileSync(join(dir, 'notes.paliscope'), 'meeting notes, not a database\n'.repeat(100));
    const other = new Database(join(dir, 'other.paliscope'));
    other.exec('CREATE TABLE t (x)');
    other.close();
    const hostile = join(dir, 'hostile.paliscope');
    (await batchStore(hostile)).close();
    const h = new Database(hostile);
    h.pragma('ignore_check_constraints = ON');
    h.prepare("UPDATE runs SET parsed = '{not json' WHERE id = 2").run();
    h.close();
    const t = Store.open(join(dir, 't.paliscope'));
    await expect(mergeInto(t, newer)).rejects.toThrow(`newer.paliscope: written by a newer Paliscope (schema version ${SCHEMA_VERSION + 1}; this one reads up to ${SCHEMA_VERSION}`);
    await expect(mergeInto(t, join(dir, 'notes.paliscope'))).rejects.toThrow('notes.paliscope: not a Paliscope project (not an SQLite file)');
    await expect(mergeInto(t, join(dir, 'other.paliscope'))).rejects.toThrow('other.paliscope: not a Paliscope project (no documents, pages, runs, reviews, batches, batch_items table)');
    await expect(mergeInto(t, hostile)).rejects.toThrow('hostile.paliscope: runs row 2: parsed: is not JSON');
    await expect(mergeInto(t, join(dir, 'missing.paliscope'))).rejects.toThrow('missing.paliscope: no such file');
    await expect(mergeInto(t, t.path)).rejects.toThrow('t.paliscope: is the project being merged into');
    expect(tableCounts(t)).toMatchObject({ documents: 0, runs: 0, batches: 0 });
    t.close();
  });

  it('merges a version-1 project through a migrated copy, leaving the file untouched', async () => {
    const v1 = join(dir, 'v1.paliscope');
    const db = new Database(v1);
    db.exec(readFileSync(new URL('./fixtures/v1.sql', import.meta.url), 'utf8'));
    db.close();
    const bytes = readFileSync(v1);
    const t = Store.open(join(dir, 't.paliscope'));
    const c = await mergeInto(t, v1);
    expect(c.runs.added).toBeGreaterThan(0);
    expect(c.reviews.added).toBeGreaterThan(0);
    expect(readFileSync(v1).equals(bytes)).toBe(true);
    expect(existsSync(`${v1}-wal`)).toBe(false);
    expect(t.check()).toEqual([]);
    t.close();
  });
});

describe('paliscope merge and status', () => {
  it('merges shard files with counts, refuses the whole set when one file is bad, and sums pages across shards', async () => {
    const shards = [0, 1].map((k) => join(dir, `out-${k}.paliscope`));
    for (const [k, p] of shards.entries()) (await batchStore(p, (h, i) => pageInShard({ index: k, count: 2 }, h, i))).close();
    const st = sink();
    expect(await statusCli(shards, { stdout: st.w, stderr: sink().w })).toBe(1);
    expect(st.text()).toMatch(/total \(2 files\): 11 of 12 pages done, 1 failed, 0 running, 0 left/);
    const into = join(dir, 'all.paliscope');
    writeFileSync(join(dir, 'bad.paliscope'), 'x');
    const e = sink();
    expect(await mergeCli([...shards, join(dir, 'bad.paliscope'), '--into', into], { stdout: sink().w, stderr: e.w })).toBe(1);
    expect(e.text()).toContain('bad.paliscope: not a Paliscope project');
    expect(e.text()).toContain('nothing merged');
    expect(existsSync(into)).toBe(false);
    const o = sink();
    expect(await mergeCli([...shards, '--into', into], { stdout: o.w, stderr: sink().w })).toBe(0);
    expect(o.text()).toMatch(/merged 2 files into .*all\.paliscope in [\d.]+s: 12 runs added, 0 already there/);
    const o2 = sink();
    expect(await mergeCli([...shards, '--into', into, '--json'], { stdout: o2.w, stderr: sink().w })).toBe(0);
    expect(JSON.parse(o2.text()).total).toMatchObject({ runs: { seen: 12, added: 0 }, documents: { added: 0 }, items: { added: 0, updated: 0 } });
    expect(statSync(into).size).toBeGreaterThan(0);
    const e2 = sink();
    expect(await mergeCli(['--into', into], { stdout: sink().w, stderr: e2.w })).toBe(2);
    expect(e2.text()).toContain('no project files to merge');
    const e3 = sink();
    expect(await statusCli([join(dir, 'nope.paliscope')], { stdout: sink().w, stderr: e3.w })).toBe(1);
    expect(e3.text()).toContain('nope.paliscope: no such file');
  });
});
