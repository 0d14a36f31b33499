// Batches through main's services as the UI drives them (batches.* calls, batches.progress events), with the real
// engine host and the tiny random-weight PaliGemma: a multi-page batch over a document opened from bytes, a model
// that fails on every page (each page failed with its reason, the batch goes on), pause / resume / cancel, a batch a
// crash left running resumed by the next start, and an app whose store cannot open refusing batches with the reason.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchItem, BatchStartResult, BatchSummary, ModelList, Push } from '../../preload/contract';
import type { Services } from '../compose';
import { composeTestServices } from '../testing/compose-for-tests';
import { Store } from '../../models/store/store';
import { makeFixtures, type FixtureName } from '../../e2e/fixtures/make-fixtures';
import { prepareTinyModels, TINY_MODELS } from '../../e2e/support/tiny-models';
import type { Caller } from '../ipc/dispatcher';

const root = mkdtempSync(join(tmpdir(), 'paliscope-batches-test-'));
const modelsDir = join(root, 'models');
let fixtures: Record<FixtureName, string>;

/** One app instance: its services, the events its window saw, and waiters woken by each event. */
interface App {
  services: Services;
  events: BatchSummary[];
  waiters: Set<() => void>;
  caller: Caller;
}

function compose(userDataDir: string): App {
  const events: BatchSummary[] = [];
  const waiters = new Set<() => void>();
  const caller: Caller = {
    id: 'test-window',
    push: (p: Push) => {
      if (!('event' in p) || p.event !== 'batches.progress') return;
      events.push(p.payload as BatchSummary);
      for (const w of [...waiters]) w();
    },
  };
  const services = composeTestServices(userDataDir, { modelFolders: [join(userDataDir, 'models'), modelsDir] });
  services.dispatcher.attach(caller);
  return { services, events, waiters, caller };
}

async function call<T>(app: App, name: string, input: unknown): Promise<T> {
  const r = await app.services.dispatcher.call(name, input, app.caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

/** Resolves with the first progress event (seen already or to come) that passes `test`. */
function until(app: App, test: (s: BatchSummary) => boolean, timeoutMs = 90_000): Promise<BatchSummary> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { app.waiters.delete(check); reject(new Error(`no such batch event in ${timeoutMs} ms; last: ${JSON.stringify(app.events.at(-1))}`)); }, timeoutMs);
    const check = (): void => {
      const hit = app.events.find(test);
      if (!hit) return;
      clearTimeout(timer);
      app.waiters.delete(check);
      resolve(hit);
    };
    app.waiters.add(check);
    check();
  });
}
const finished = (id: number) => (s: BatchSummary) => s.id === id && (s.status === 'done' || s.status === 'cancelled');

async function modelId(app: App, name: string): Promise<string> {
  const list = await call<ModelList>(app, 'models.list', {});
  const m = list.models.find((x) => x.name === name);
  if (!m) throw new Error(`test setup: no model named ${name}`);
  return m.id;
}
async function openBytes(app: App, name: FixtureName): Promise<string> {
  const bytes = new Uint8Array(await readFile(fixtures[name]));
  return (await call<{ id: string }>(app, 'documents.openBytes', { name, bytes })).id;
}

let app: App;
const userData = join(root, 'user-data');

beforeAll(async () => {
  [fixtures] = await Promise.all([makeFixtures(join(import.meta.dirname, '../../.cache/fixtures')), prepareTinyModels(modelsDir)]);
  app = compose(userData);
}, 120_000);
afterAll(async () => {
  await app.services.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('batches.start', () => {
  it('runs every page of a three-page TIFF opened from bytes, keeps one run per page in the store, with progress events', async () => {
    const documentId = await openBytes(app, 'multipage.tiff');
    const t0 = performance.now();
    const started = await call<BatchStartResult>(app, 'batches.start', {
      documentIds: [documentId], task: 'caption', prompt: 'en', modelId: await modelId(app, TINY_MODELS.paliscope), maxNewTokens: 6,
    });
    expect(started).toMatchObject({ added: 3, resumed: false, problems: [] });
    expect(started.batch).toMatchObject({ task: 'caption', prompt: 'caption en', model: { name: TINY_MODELS.paliscope }, documents: ['multipage.tiff'] });
    expect(started.batch.counts.total).toBe(3);
    const end = await until(app, finished(started.batch.id));
    const seconds = (performance.now() - t0) / 1000;
    expect(end.status).toBe('done');
    expect(end.counts).toEqual({ total: 3, done: 3, failed: 0, queued: 0, cancelled: 0 });
    // Progress went up one page at a time, and the page on the model was named while it ran.
    const mine = app.events.filter((e) => e.id === started.batch.id);
    expect(mine.map((e) => e.counts.done)).toEqual([...mine.map((e) => e.counts.done)].sort((a, b) => a - b));
    expect(mine.some((e) => e.current?.document === 'multipage.tiff' && e.current.page === 2)).toBe(true);
    expect(mine.some((e) => e.etaMs !== null)).toBe(true);
    console.info(`batch of 3 pages: ${seconds.toFixed(2)} s (${(3 / seconds).toFixed(2)} pages/s, tiny model, 6 tokens)`);

    const items = await call<BatchItem[]>(app, 'batches.items', { batchId: started.batch.id });
    expect(items.map((i) => [i.page, i.status, i.attempts, i.error])).toEqual([[0, 'done', 1, null], [1, 'done', 1, null], [2, 'done', 1, null]]);
    // The bytes were kept, content-addressed under the user-data folder with the person's file name.
    const sha = createHash('sha256').update(readFileSync(fixtures['multipage.tiff'])).digest('hex');
    expect(existsSync(join(userData, 'documents', sha, 'multipage.tiff'))).toBe(true);
    const store = app.services.project.store!;
    const runs = items.map((i) => store.run(i.runId!)!);
    expect(runs.map((r) => [r.task, r.prompt, r.status, r.parameters])).toEqual(Array(3).fill(['caption', 'caption en', 'done', { maxNewTokens: 6 }]));
    expect(runs.every((r) => r.logprobs!.length > 0 && r.provider === 'cpu')).toBe(true);
    expect(runs[0]!.parsed).toMatchObject({ kind: 'text' });

    // The same request again finds the batch: nothing is added, nothing runs twice.
    const again = await call<BatchStartResult>(app, 'batches.start', {
      documentIds: [documentId], task: 'caption', prompt: 'en', modelId: await modelId(app, TINY_MODELS.paliscope), maxNewTokens: 6,
    });
    expect(again).toMatchObject({ added: 0, resumed: true, batch: { id: started.batch.id, status: 'done' } });
    expect((await call<BatchSummary[]>(app, 'batches.list', {}))[0]).toMatchObject({ id: started.batch.id, status: 'done' });
  }, 120_000);

  it('records each page a model fails on with the reason, and the batch goes on to the end', async () => {
    const documentId = await openBytes(app, 'multipage.tiff');
    const started = await call<BatchStartResult>(app, 'batches.start', {
      documentIds: [documentId], task: 'caption', prompt: 'en', modelId: await modelId(app, TINY_MODELS.truncated), maxNewTokens: 4,
    });
    const end = await until(app, finished(started.batch.id));
    expect(end).toMatchObject({ status: 'done', counts: { total: 3, done: 0, failed: 3 } });
    const items = await call<BatchItem[]>(app, 'batches.items', { batchId: started.batch.id });
    for (const item of items) {
      expect(item.status).toBe('failed');
      expect(item.runId).not.toBeNull();
      expect(item.error).toMatch(/decoder/i);
    }
  }, 120_000);

  it('parses each page for its task (detect: boxes in the pixels of the page the model saw)', async () => {
    const documentId = await openBytes(app, 'multipage.tiff');
    const started = await call<BatchStartResult>(app, 'batches.start', {
      documentIds: [documentId], task: 'detect', prompt: 'table ; stamp', modelId: await modelId(app, TINY_MODELS.paliscope), maxNewTokens: 6,
    });
    expect(started.batch.prompt).toBe('detect table ; stamp');
    const end = await until(app, finished(started.batch.id));
    expect(end.counts).toMatchObject({ total: 3, done: 3 });
    const items = await call<BatchItem[]>(app, 'batches.items', { batchId: started.batch.id });
    const store = app.services.project.store!;
    for (const item of items) {
      const run = store.run(item.runId!)!;
      const page = store.page(run.pageId)!;
      expect(run.parsed).toMatchObject({ kind: 'boxes', width: page.width, height: page.height });
    }
  }, 120_000);

  it('runs the built-in OCR over every page, its text and confidence kept per page', async () => {
    const documentId = await openBytes(app, 'multipage.tiff');
    const started = await call<BatchStartResult>(app, 'batches.start', { documentIds: [documentId], task: 'ocr-builtin' });
    expect(started.batch).toMatchObject({ prompt: '', model: { id: 'builtin-ppocr' } });
    const end = await until(app, finished(started.batch.id));
    expect(end.counts).toMatchObject({ total: 3, done: 3, failed: 0 });
    const items = await call<BatchItem[]>(app, 'batches.items', { batchId: started.batch.id });
    const store = app.services.project.store!;
    const runs = items.map((i) => store.run(i.runId!)!);
    expect(runs.map((r) => r.raw.split('\n')[0])).toEqual(['Page 1', 'Page 2', 'Page 3']);
    expect(runs.every((r) => r.confidence! > 0.5 && r.logprobs === null)).toBe(true);
  }, 120_000);

  it('refuses bad input with a clear message', async () => {
    await expect(call(app, 'batches.start', { documentIds: ['nope'], task: 'caption', prompt: 'en', modelId: 'x', maxNewTokens: 4 })).rejects.toThrow(/no model with id x/);
    await expect(call(app, 'batches.start', { documentIds: ['nope'], task: 'caption', prompt: 'en', maxNewTokens: 4 })).rejects.toThrow(/choose a model/);
    await expect(call(app, 'batches.start', { documentIds: ['nope'], task: 'detect', prompt: ' ', modelId: 'x' })).rejects.toThrow(/Detect needs objects/);
    await expect(call(app, 'batches.start', { documentIds: ['nope'], task: 'ocr-builtin' })).rejects.toThrow(/no open document with id nope/);
    await expect(call(app, 'batches.pause', { batchId: 999 })).rejects.toThrow(/no batch 999/);
  });
});

describe('pause, resume, cancel', () => {
  it('pauses after the page in progress, resumes where it stopped, and cancel leaves the rest cancelled', async () => {
    const documentId = await openBytes(app, 'document.pdf');
    const pages = (await call<{ id: string; pages: unknown[] }[]>(app, 'documents.list', {})).find((d) => d.id === documentId)!.pages.length;
    expect(pages).toBeGreaterThanOrEqual(2);
    const started = await call<BatchStartResult>(app, 'batches.start', {
      documentIds: [documentId], task: 'caption', prompt: 'fr', modelId: await modelId(app, TINY_MODELS.paliscope), maxNewTokens: 40,
    });
    const id = started.batch.id;
    await until(app, (s) => s.id === id && s.current !== null);
    await call(app, 'batches.pause', { batchId: id });
    const paused = await until(app, (s) => s.id === id && s.status === 'paused');
    // The page in progress was finished and kept, not thrown away.
    expect(paused.counts.done).toBe(1);
    expect(paused.counts.queued).toBe(pages - 1);
    const resumed = await call<BatchSummary>(app, 'batches.resume', { batchId: id });
    expect(['queued', 'running']).toContain(resumed.status);
    const n = app.events.length;
    await until(app, (s) => s.id === id && s.counts.done === 2 && app.events.indexOf(s) >= n);
    const cancelled = await call<BatchSummary>(app, 'batches.cancel', { batchId: id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.counts.done).toBeGreaterThanOrEqual(2);
    expect(cancelled.counts.done + cancelled.counts.cancelled).toBe(pages);
    const items = await call<BatchItem[]>(app, 'batches.items', { batchId: id });
    expect(items.filter((i) => i.status === 'done').every((i) => i.attempts === 1 && i.runId !== null)).toBe(true);
  }, 180_000);
});

describe('after a crash', () => {
  it('resumes a batch the crash left running when the app starts again, and runs only the pages not kept', async () => {
    const dir = join(root, 'crashed');
    // First life: a batch over the TIFF, stopped as a SIGKILL stops it — one page kept, one on the model, status running.
    const first = compose(dir);
    const documentId = await openBytes(first, 'multipage.tiff');
    const started = await call<BatchStartResult>(first, 'batches.start', {
      documentIds: [documentId], task: 'caption', prompt: 'de', modelId: await modelId(first, TINY_MODELS.paliscope), maxNewTokens: 5,
    });
    const id = started.batch.id;
    await until(first, finished(id));
    await first.services.shutdown();
    const crashed = Store.open(join(dir, 'paliscope.sqlite'));
    const items = crashed.batchItems(id);
    const keptRun = items[0]!.runId;
    // Undo what a crash would not have kept: the last two pages back to the queue, the second one claimed.
    crashed.db.prepare("UPDATE batch_items SET status = 'queued', run_id = NULL, finished_at = NULL, attempts = 0 WHERE id IN (?, ?)").run(items[1]!.id, items[2]!.id);
    crashed.db.prepare('DELETE FROM runs WHERE id IN (?, ?)').run(items[1]!.runId, items[2]!.runId);
    expect(crashed.startItem(items[1]!.id)).toBe(true);
    crashed.setBatchStatus(id, 'running');
    crashed.close();

    // Second life: nobody asks; the batch goes on.
    const second = compose(dir);
    try {
      const end = await until(second, finished(id));
      expect(end).toMatchObject({ status: 'done', counts: { total: 3, done: 3, failed: 0 } });
      const after = await call<BatchItem[]>(second, 'batches.items', { batchId: id });
      expect(after[0]!.runId).toBe(keptRun);
      expect(after.map((i) => i.attempts)).toEqual([1, 2, 1]);
      const runsPerPage = second.services.project.store!.db.prepare('SELECT bi.page_id, count(r.id) AS n FROM batch_items bi JOIN runs r ON r.page_id = bi.page_id AND r.prompt = ? WHERE bi.batch_id = ? GROUP BY bi.page_id').all('caption de', id) as { n: number }[];
      expect(runsPerPage.map((r) => r.n)).toEqual([1, 1, 1]);
    } finally {
      await second.services.shutdown();
    }
  }, 180_000);
});

describe('after a quit', () => {
  it('puts the page on the model back in the queue (no error run), and the next start finishes the batch', async () => {
    const dir = join(root, 'quit');
    const first = compose(dir);
    const documentId = await openBytes(first, 'multipage.tiff');
    const started = await call<BatchStartResult>(first, 'batches.start', {
      documentIds: [documentId], task: 'caption', prompt: 'es', modelId: await modelId(first, TINY_MODELS.paliscope), maxNewTokens: 256,
    });
    const id = started.batch.id;
    await until(first, (s) => s.id === id && s.counts.done === 1 && s.current !== null);
    await first.services.shutdown();
    const left = Store.open(join(dir, 'paliscope.sqlite'));
    expect(left.batch(id)!.status).toBe('running');
    expect(left.batchItems(id).map((i) => i.status)).toEqual(['done', 'queued', 'queued']);
    expect((left.db.prepare("SELECT count(*) AS n FROM runs WHERE status != 'done'").get() as { n: number }).n).toBe(0);
    left.close();

    const second = compose(dir);
    try {
      const end = await until(second, finished(id), 120_000);
      expect(end.counts).toMatchObject({ total: 3, done: 3, failed: 0 });
    } finally {
      await second.services.shutdown();
    }
  }, 180_000);
});

describe('without a store', () => {
  it('keeps the app working and refuses batches, naming the reason', async () => {
    const dir = join(root, 'no-store');
    const broken = compose(join(dir, 'first'));
    await broken.services.shutdown();
    writeFileSync(join(dir, 'first', 'paliscope.sqlite'), 'not a database '.repeat(100));
    const app2 = compose(join(dir, 'first'));
    try {
      await expect(call(app2, 'batches.list', {})).rejects.toThrow(/Batches need the project store.*paliscope\.sqlite/);
      const documentId = await openBytes(app2, 'multipage.tiff');
      await expect(call(app2, 'batches.start', { documentIds: [documentId], task: 'ocr-builtin' })).rejects.toThrow(/A batch needs the project store.*paliscope\.sqlite/);
    } finally {
      await app2.services.shutdown();
    }
  }, 60_000);
});
