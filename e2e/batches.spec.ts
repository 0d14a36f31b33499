// Batches in the window: a task × the tiny model over every page of open documents, with progress to the end and
// the pages listed; and the crash test — a headless host of the test's own is killed with SIGKILL mid-batch,
// started again on the same user-data folder, and the batch resumes by itself and completes with nothing lost:
// every page has exactly one run, and the runs kept before the kill are the ones in the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, attachEachTest } from './support/app';
import { startHeadlessHost } from './support/headless-host';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { BatchPanel } from './pages/batch-panel';
import { Store } from '../models/store/store';

let app: PaliscopeApp;
attachEachTest((a) => (app = a));

test('a batch over two documents runs every page to the end, with progress and the pages listed', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'document.pdf'));
  await app.openFile(join(fixtures, 'multipage.tiff'));
  const batch = new BatchPanel(app.page);
  await batch.open();
  // The current document is ticked by default; tick the other one too.
  await expect(batch.document('multipage.tiff')).toBeChecked();
  await expect(batch.document('document.pdf')).not.toBeChecked();
  await batch.document('document.pdf').check();
  const t0 = Date.now();
  await batch.startBatch({ task: 'caption', text: 'en', model: TINY_MODELS.paliscope, maxTokens: 8 });
  await batch.expectStatus('done', 60_000);
  const seconds = (Date.now() - t0) / 1000;
  const figures = await batch.figures();
  expect(figures.failed).toBe(0);
  expect(figures.done).toBe(figures.total);
  expect(figures.total).toBeGreaterThanOrEqual(4);
  testInfo.annotations.push({ type: 'figures', description: `${figures.total} pages in ${seconds.toFixed(1)} s (${(figures.total / seconds).toFixed(2)} pages/s, tiny model, 8 tokens, incl. UI)` });
  await expect(batch.counts).toContainText(`${figures.total} of ${figures.total} pages`);
  await batch.pages.locator('summary').click();
  await expect(batch.items).toHaveCount(figures.total);
  await expect(batch.items.and(app.page.locator('[data-status="done"]'))).toHaveCount(figures.total);
  await expect(batch.entries.first()).toHaveAttribute('data-status', 'done');
  await app.screenshot(testInfo, 'batch-done', batch.root);
});

test('pause keeps the page in progress, resume goes on, cancel stops; a model that fails lists each page with its reason', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'multipage.tiff'));
  const batch = new BatchPanel(app.page);
  await batch.open();
  await batch.startBatch({ task: 'caption', text: 'fr', model: TINY_MODELS.paliscope, maxTokens: 1024 });
  await expect(batch.current).toBeVisible();
  await batch.pause.click();
  await batch.expectStatus('paused', 30_000);
  const paused = await batch.figures();
  expect(paused.done).toBeGreaterThanOrEqual(1);
  expect(paused.done).toBeLessThan(3);
  await batch.resume.click();
  await batch.expectStatus('running');
  await batch.cancel.click();
  await batch.expectStatus('cancelled');
  const cancelled = await batch.figures();
  expect(cancelled.done).toBeGreaterThanOrEqual(paused.done);
  await expect(batch.counts).toContainText('cancelled');
  await app.screenshot(testInfo, 'batch-cancelled', batch.root);

  // Every page fails on a model whose decoder is cut short: each is listed with the reason, and the batch ends.
  const before = await batch.entries.count();
  await batch.startBatch({ task: 'caption', text: 'en', model: TINY_MODELS.truncated, maxTokens: 4 });
  await batch.expectStatus('done', 30_000);
  expect(await batch.figures()).toMatchObject({ done: 0, failed: 3, total: 3 });
  await expect(batch.itemErrors).toHaveCount(3);
  await expect(batch.itemErrors.first()).toContainText(TINY_MODELS.truncated);
  await expect(batch.entries).toHaveCount(before + 1);
  await app.screenshot(testInfo, 'batch-failed-pages', batch.root);
});

test('a batch survives SIGKILL of the host: restarted on the same user data, it resumes and completes with one run per page', async ({ app: host, browser, fixtures }, testInfo) => {
  test.skip(host.kind !== 'headless', 'kills a headless host of its own');
  test.setTimeout(240_000);
  const userData = mkdtempSync(join(tmpdir(), 'paliscope-crash-'));
  const storePath = join(userData, 'paliscope.sqlite');
  const first = await startHeadlessHost({ userDataDir: userData });
  let second: Awaited<ReturnType<typeof startHeadlessHost>> | null = null;
  const page = await browser.newPage();
  try {
    await page.goto(first.url);
    const before = await PaliscopeApp.attach(page);
    await before.openFile(join(fixtures, 'multipage.tiff'));
    const batch = new BatchPanel(page);
    await batch.open();
    // Many tokens, so a page takes long enough for the kill to land while the model is on one.
    await batch.startBatch({ task: 'caption', text: 'en', model: TINY_MODELS.paliscope, maxTokens: 1024 });
    const t0 = Date.now();
    await batch.expectDoneAtLeast(1, 120_000);
    await expect(batch.current).toBeVisible();
    const firstPageMs = Date.now() - t0;
    await before.screenshot(testInfo, 'batch-before-kill', batch.root);
    const engines = childPids(first.process.pid!);
    const killedAt = Date.now();
    await first.kill();

    // What the crash left: a sound store, the batch still 'running', the acknowledged pages done with their runs.
    const left = Store.open(storePath, { mustExist: true });
    const [b] = left.batches();
    expect(left.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(b!.status).toBe('running');
    const itemsLeft = left.batchItems(b!.id);
    const kept = itemsLeft.filter((i) => i.status === 'done');
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(itemsLeft.length);
    expect(itemsLeft.filter((i) => i.status === 'running').length).toBeLessThanOrEqual(1);
    const keptRuns = new Map(kept.map((i) => [i.id, i.runId]));
    left.close();
    // The engine host is a child of the killed host: it must not stay behind holding a model.
    const orphans = await waitGone(engines, 10_000);
    for (const pid of orphans) process.kill(pid, 'SIGKILL');
    expect(orphans, 'engine hosts still alive after their parent was killed').toEqual([]);

    second = await startHeadlessHost({ userDataDir: userData });
    const restartMs = Date.now() - killedAt;
    await page.goto(second.url);
    const after = await PaliscopeApp.attach(page);
    const again = new BatchPanel(page);
    await again.open();
    // Nobody asks: the batch goes on where it stopped, and completes.
    await expect(again.entries.first()).toHaveAttribute('data-status', /running|done/);
    await after.screenshot(testInfo, 'batch-resumed', again.root);
    await again.expectStatus('done', 180_000);
    const figures = await again.figures();
    expect(figures).toMatchObject({ done: 3, failed: 0, total: 3 });
    await again.pages.locator('summary').click();
    await expect(again.items.and(page.locator('[data-status="done"]'))).toHaveCount(3);
    await after.screenshot(testInfo, 'batch-completed-after-crash', again.root);

    // Nothing lost, nothing run twice: one run per page; the runs kept before the kill are the final ones.
    await second.stop();
    second = null;
    const end = Store.open(storePath, { mustExist: true });
    try {
      const items = end.batchItems(b!.id);
      expect(items.map((i) => i.status)).toEqual(['done', 'done', 'done']);
      for (const [itemId, runId] of keptRuns) expect(items.find((i) => i.id === itemId)!.runId).toBe(runId);
      const perPage = end.db.prepare('SELECT page_id, count(*) AS n FROM runs WHERE page_id IN (SELECT page_id FROM batch_items WHERE batch_id = ?) GROUP BY page_id').all(b!.id) as { n: number }[];
      expect(perPage.map((r) => r.n)).toEqual([1, 1, 1]);
      expect(end.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      end.close();
    }
    testInfo.annotations.push({
      type: 'figures',
      description: `first page ${firstPageMs} ms (1024 tokens max); killed with ${kept.length} of 3 pages kept; restart to a served window ${restartMs} ms`,
    });
    await after.expectNoCspViolations();
  } finally {
    await page.close();
    await second?.stop();
    await first.stop();
    rmSync(userData, { recursive: true, force: true });
  }
});

/** Child processes of a pid (the engine hosts of a headless host). */
function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** The pids still alive after `ms` (checked every 100 ms until none is). */
async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const alive = (p: number): boolean => { try { process.kill(p, 0); return true; } catch { return false; } };
  const until = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(alive);
  }
  return left;
}

test('without a usable store the app still works, and the Batch tab says why batches are refused', async ({ app: host, browser, fixtures }, testInfo) => {
  test.skip(host.kind !== 'headless', 'starts a headless host of its own');
  const userData = mkdtempSync(join(tmpdir(), 'paliscope-no-store-'));
  writeFileSync(join(userData, 'paliscope.sqlite'), 'not a database '.repeat(100));
  const bare = await startHeadlessHost({ userDataDir: userData });
  const page = await browser.newPage();
  try {
    await page.goto(bare.url);
    const bareApp = await PaliscopeApp.attach(page);
    await bareApp.openFile(join(fixtures, 'multipage.tiff'));
    const batch = new BatchPanel(page);
    await batch.open();
    await expect(batch.root.getByTestId('batch-error')).toContainText(/Batches need the project store.*paliscope\.sqlite/);
    await batch.startBatch({ task: 'ocr-builtin' });
    await expect(bareApp.notices.errors.filter({ hasText: 'The batch could not start' })).toContainText('A batch needs the project store');
    await bareApp.screenshot(testInfo, 'batch-no-store', batch.root);
    await bareApp.expectNoCspViolations();
  } finally {
    await page.close();
    await bare.stop();
    rmSync(userData, { recursive: true, force: true });
  }
});
