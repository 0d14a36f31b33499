// The model manager in the app, against an imitation of the Hugging Face Hub on 127.0.0.1 serving the project's
// tiny random-weight PaliGemma (no test touches the internet): a download with progress, pause and resume, verified
// and listed, picked in the run panel and run on a page; and the failures — a gated repository without a token, a
// corrupted file, a cancelled download — each ending in a clear message and a models folder with nothing half-done.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/app';
import { startHeadlessHost, type RunningHost } from './support/headless-host';
import { MODELS_DIR } from './support/global-setup';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { ModelsWindow } from './pages/models';
import type { ImitationHub } from '../models/hub/testing/imitation-hub';
import { TINY_GRANTED_TOKEN, startTinyHub } from '../models/hub/testing/tiny-hub';

let hub: ImitationHub;
let host: RunningHost;
let work: string;
let page: Page;
let app: PaliscopeApp;
let models: ModelsWindow;

test.describe.configure({ mode: 'serial' });

// Skipped before the hook below asks for a browser: the electron project has none to launch.
test.beforeAll(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'headless', 'starts a headless host of its own, pointed at the imitation hub');
});

test.beforeAll(async ({ browser }) => {
  work = mkdtempSync(join(tmpdir(), 'paliscope-e2e-hub-'));
  let catalogPath: string;
  ({ hub, catalogPath } = await startTinyHub(join(MODELS_DIR, TINY_MODELS.onnxCommunity), work));
  const emptyExtra = join(work, 'no-extra-models');
  host = await startHeadlessHost({ modelsDir: emptyExtra, env: { PALISCOPE_HF_ENDPOINT: hub.endpoint, PALISCOPE_MODEL_CATALOG: catalogPath } });
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

/** Only finished models in the folder: no staging folder, no half model. */
async function expectCleanFolder(expected: string[]): Promise<void> {
  const folder = await models.downloadFolder();
  await expect.poll(() => (existsSync(folder) ? readdirSync(folder).sort() : [])).toEqual(expected);
}

test('a gated model without a token fails with a clear message and leaves nothing behind', async ({}, testInfo) => {
  await models.open();
  await expect(models.none).toBeVisible();
  await expect(models.tokenStorage).toContainText('Kept in memory only');
  const gated = models.entry('tiny-gated');
  await gated.download.click();
  await expect(gated.error).toContainText('paliscope/tiny-gated is gated and needs an access token (HTTP 401)');
  await app.screenshot(testInfo, 'models-gated-error', models.dialog);
  await expectCleanFolder([]);
});

test('a corrupted file is detected and discarded, naming the file', async () => {
  hub.misbehave.corrupt.add('onnx/decoder_model_merged.onnx');
  const tiny = models.entry('tiny-test');
  await tiny.download.click();
  await expect(tiny.error).toContainText(/onnx\/decoder_model_merged\.onnx: its SHA-256 is [0-9a-f]{64}, the hub lists [0-9a-f]{64}; the file was discarded/);
  await expectCleanFolder([]);
});

test('a cancelled download keeps nothing', async () => {
  await models.tokenInput.fill(TINY_GRANTED_TOKEN);
  await models.tokenSave.click();
  await expect(models.token).toHaveAttribute('data-token-set', 'true');
  hub.misbehave.chunkDelayMs = 150; // the cancel lands mid-download even on a loaded machine
  const gated = models.entry('tiny-gated');
  await gated.download.click();
  await expect(gated.progressText).toBeVisible();
  await gated.cancel.click();
  await expect(gated.message).toHaveText('Cancelled; nothing was kept.');
  hub.misbehave.chunkDelayMs = 0;
  await expectCleanFolder([]);
});

test('download with progress, pause and resume; the model is verified and listed with what a run will use', async ({}, testInfo) => {
  // Slow enough (≈ 5 s for the tiny model) that the screenshot and the pause land mid-download on a loaded machine.
  hub.misbehave.chunkDelayMs = 150;
  const tiny = models.entry('tiny-test');
  await tiny.download.click();
  await expect(tiny.progressText).toContainText(/^[1-9][\d.]* (kB|MB) \/ [\d.]+ MB/);
  await app.screenshot(testInfo, 'models-downloading', models.dialog);
  await tiny.pause.click();
  await expect(tiny.root).toHaveAttribute('data-download-state', 'paused');
  await expect(tiny.progressText).toContainText('paused');
  await expect(models.installedRows).toHaveCount(0); // a paused download is never listed as a model
  hub.misbehave.chunkDelayMs = 0;
  hub.requests.length = 0;
  await tiny.download.click(); // "Resume"
  await expect(tiny.root).toHaveAttribute('data-download-state', 'done');
  expect(hub.requests.some((r) => r.range !== null && /bytes=[1-9]/.test(r.range))).toBe(true);
  await expect(tiny.installedMark).toBeVisible();
  const row = models.installedRow('tiny-test-fp32');
  await expect(row).toContainText('56 px · fp32');
  await expect(row).toContainText('downloaded');
  await expect(row).toContainText('runs fp32 on cpu');
  await expect(models.disk).toContainText(/[\d.]+ MB used by Paliscope's models · [\d.]+ [GT]B free/);
  await models.dialog.evaluate((el) => (el.scrollTop = 0));
  await app.screenshot(testInfo, 'models-installed', models.dialog);
  await expectCleanFolder(['tiny-test-fp32']);
});

test('the downloaded model is picked in the run panel and runs on a page', async ({ fixtures }, testInfo) => {
  await models.close.click();
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await expect(app.runs.modelOption('tiny-test-fp32')).toHaveText(/56 px · fp32/);
  await app.runs.chooseModel('tiny-test-fp32');
  await expect(page.getByTestId('run-model-facts')).toContainText('caption, describe, answer, ocr, detect, segment · runs fp32 on cpu');
  await app.runs.fill('caption', 'en', 24);
  const mark = await app.events.mark();
  await app.runs.start.click();
  const done = await app.events.waitFor('paliscope:run-done', mark, { documentId: doc.documentId, page: 0 });
  expect(done).toMatchObject({ status: 'done', code: null });
  await expect(app.runs.provider).toContainText('tiny-test-fp32 · cpu · fp32');
  await app.screenshot(testInfo, 'models-picked-and-run');
});

test('removing the model deletes its folder and it leaves the picker', async () => {
  await models.open();
  const row = models.installedRow('tiny-test-fp32');
  await row.getByTestId('models-remove').click();
  await row.getByTestId('models-remove-confirm').click();
  await expect(models.dialog.getByTestId('models-notice')).toContainText('Deleted tiny-test-fp32');
  await expect(models.installedRows).toHaveCount(0);
  await expectCleanFolder([]);
  await models.close.click();
  await expect(app.runs.modelOption('tiny-test-fp32')).toHaveCount(0);
});
