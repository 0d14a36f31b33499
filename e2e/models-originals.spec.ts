// Google's PaliGemma 2 originals in the Models window, against the imitation hub serving a tiny random-weight
// checkpoint in Google's sharded layout under google/paligemma2-3b-mix-448 (gated; no test touches the internet): the
// row shows the download size read from the hub's listing, the converted size and the disk and memory check; without a
// token the hub's refusal and the licence page are shown; with it the checkpoint is downloaded, converted (both phases
// with progress), listed, picked in the run panel and run on a page.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/app';
import { startHeadlessHost, type RunningHost } from './support/headless-host';
import { PaliscopeApp } from './pages/paliscope-app';
import { ModelsWindow } from './pages/models';
import type { ImitationHub } from '../models/hub/testing/imitation-hub';
import { CHECKPOINT_TOKEN, TINY_ORIGINAL, startTinyCheckpointHub } from '../models/hub/testing/checkpoint-hub';

let hub: ImitationHub;
let host: RunningHost;
let work: string;
let page: Page;
let app: PaliscopeApp;
let models: ModelsWindow;

test.describe.configure({ mode: 'serial' });

test.beforeAll(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'headless', 'starts a headless host of its own, pointed at the imitation hub');
});

test.beforeAll(async ({ browser }) => {
  work = mkdtempSync(join(tmpdir(), 'paliscope-e2e-originals-'));
  hub = await startTinyCheckpointHub(join(work, 'hub'));
  host = await startHeadlessHost({ modelsDir: join(work, 'no-extra-models'), env: { PALISCOPE_HF_ENDPOINT: hub.endpoint, PALISCOPE_MODEL_CATALOG: '' } });
  page = await browser.newPage();
  await page.goto(host.url);
  app = await PaliscopeApp.attach(page);
  models = new ModelsWindow(page);
});

test.afterAll(async () => {
  await page?.close();
  await host?.stop();
  await hub?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test.afterEach(async () => {
  await app?.expectNoCspViolations();
});

test('the originals are listed with the listed download size, the converted size and the disk and memory check', async ({}, testInfo) => {
  await models.open();
  const mix = models.entry('paligemma2-3b-mix-448');
  await expect(mix.root).toContainText('PaliGemma 2 3B mix 448');
  await expect(mix.root).toContainText('original · converted here');
  await expect(mix.root).toContainText('gated · token');
  // The listing is read when the window opens; the tiny checkpoint's real size replaces "unknown".
  await expect(mix.needs).toContainText(/^Download [\d.]+ MB · q4 ≈ 2\.\d GB \(estimate\)/);
  await expect(mix.needs).toContainText(/disk: needs 2\.\d GB, [\d.]+ [GT]B free ✓/);
  await expect(mix.needs).toContainText(/converting needs ≈ [\d.]+ MB of memory, this machine has [\d.]+ GB ✓/);
  await expect(mix.needs).toHaveAttribute('data-fits', 'yes');
  await expect(mix.licenceLink).toHaveAttribute('href', `${hub.endpoint}/${TINY_ORIGINAL}`);
  // Repositories the imitation hub does not hold stay "size unknown", never guessed.
  await expect(models.entry('paligemma2-28b-mix-448').needs).toContainText('Download size unknown (not listed yet)');
  await expect(models.entry('paligemma2-28b-mix-448').needs).toContainText(/q4 ≈ 1\d\.\d GB \(estimate\)/);
  await mix.root.scrollIntoViewIfNeeded();
  await app.screenshot(testInfo, 'models-originals', models.dialog);
});

test('without a token: the hub\'s refusal and where to accept the licence; nothing is downloaded', async ({}, testInfo) => {
  const mix = models.entry('paligemma2-3b-mix-448');
  await mix.download.click();
  await expect(mix.error).toContainText(`${TINY_ORIGINAL} is gated and needs an access token (HTTP 401). Accept the model's licence at ${hub.endpoint}/${TINY_ORIGINAL}`);
  await expect(mix.error).toContainText(`The hub says: Access to model ${TINY_ORIGINAL} is restricted`);
  expect(hub.requests.some((r) => r.url.endsWith('.safetensors') || r.url.includes('.safetensors?'))).toBe(false);
  await app.screenshot(testInfo, 'models-original-gated', models.dialog);
});

test('with a token: downloaded, converted with progress, listed, and it runs on a page', async ({ fixtures }, testInfo) => {
  await models.tokenInput.fill(CHECKPOINT_TOKEN);
  await models.tokenSave.click();
  await expect(models.token).toHaveAttribute('data-token-set', 'true');
  const mix = models.entry('paligemma2-3b-mix-448');
  hub.misbehave.chunkDelayMs = 30; // slow enough to see the download phase
  await mix.download.click();
  await expect(mix.progressText).toContainText(/^[\d.]+ [kM]?B \/ [\d.]+ [kM]B/);
  await app.screenshot(testInfo, 'models-original-downloading', models.dialog);
  hub.misbehave.chunkDelayMs = 0;
  await expect(mix.root).toHaveAttribute('data-download-state', 'done', { timeout: 60_000 });
  await expect(mix.message).toContainText(/PaliGemma 2 3B mix 448 downloaded \([\d.]+ [kM]B, verified\) and converted to q4/);
  await expect(mix.installedMark).toBeVisible();
  const row = models.installedRow('paligemma2-3b-mix-448-q4');
  await expect(row).toContainText('q4');
  await expect(row).toContainText('downloaded');
  const folder = await models.downloadFolder();
  expect(readdirSync(folder)).toEqual(['paligemma2-3b-mix-448-q4']); // the shards were deleted after the conversion
  await app.screenshot(testInfo, 'models-original-installed', models.dialog);

  await models.close.click();
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.chooseModel('paligemma2-3b-mix-448-q4');
  await app.runs.fill('caption', 'en', 12);
  const mark = await app.events.mark();
  await app.runs.start.click();
  const done = await app.events.waitFor('paliscope:run-done', mark, { documentId: doc.documentId, page: 0 });
  expect(done).toMatchObject({ status: 'done', code: null });
  await expect(app.runs.provider).toContainText('paligemma2-3b-mix-448-q4 · cpu · q4');
  await app.screenshot(testInfo, 'models-original-run');
});
