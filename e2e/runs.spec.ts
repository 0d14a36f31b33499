// Running a local model on a page from the "Ask model" tab, with the tiny random-weight PaliGemma
// global setup converts into PALISCOPE_MODELS_DIR: tokens stream onto the screen, timings and the
// provider show, a run can be cancelled, runs are kept with their raw output, and a broken model
// folder fails with a clear message while the app keeps working.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, attachEachTest } from './support/app';
import { startHeadlessHost } from './support/headless-host';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { parseBoxes } from '../models/paligemma/tasks/parse';

let app: PaliscopeApp;
attachEachTest((a) => (app = a));

test('caption en on a page: the output streams in, timings and provider show, and the run is kept with its raw output', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await expect(app.runs.modelOption(TINY_MODELS.paliscope)).toHaveText(/56 px · fp32/);
  await app.runs.chooseModel(TINY_MODELS.paliscope);
  // Many tokens, so the run lasts long enough (seconds on the tiny model) to watch it stream.
  await app.runs.fill('caption', 'en', 1024);

  const mark = await app.events.mark();
  await app.runs.start.click();
  await app.events.waitFor('paliscope:run-output', mark, { documentId: doc.documentId });
  await app.screenshot(testInfo, 'runs-streaming');

  const done = await app.events.waitFor('paliscope:run-done', mark, { documentId: doc.documentId, page: 0 });
  expect(done).toMatchObject({ status: 'done', code: null });
  // The output on screen grew several times, and every time before the run ended.
  const names = await app.events.names(mark);
  const grown = await app.events.all('paliscope:run-output', mark);
  expect(grown.length).toBeGreaterThan(1);
  expect(names.lastIndexOf('paliscope:run-output')).toBeLessThan(names.indexOf('paliscope:run-done'));
  for (let i = 1; i < grown.length; i++) {
    expect(grown[i]!.length).toBeGreaterThan(grown[i - 1]!.length);
    expect(grown[i]!.tokens).toBeGreaterThan(grown[i - 1]!.tokens);
  }

  await app.runs.expectState('done');
  await expect(app.runs.timings).toContainText('first token');
  await expect(app.runs.timings).toContainText('tok/s');
  await expect(app.runs.provider).toContainText(`${TINY_MODELS.paliscope} · cpu · fp32`);
  await expect(app.runs.history).toHaveCount(1);
  await expect(app.runs.historyEntry(done.runId!)).toHaveAttribute('data-run-status', 'done');
  await expect(app.runs.historyEntry(done.runId!)).toContainText('caption en');

  const output = await app.runs.output.textContent();
  expect(output!.length).toBeGreaterThan(0);
  await app.runs.rawToggle.click();
  const raw = JSON.parse((await app.runs.raw.textContent())!) as { text: string; ids: number[]; prompt: string; maxNewTokens: number; strategy: { kind: string }; providers: Record<string, string> };
  expect(raw).toMatchObject({ text: output, prompt: 'caption en', maxNewTokens: 1024, strategy: { kind: 'greedy' }, providers: { decoder: 'cpu' } });
  expect(raw.ids.length).toBe(grown.at(-1)!.tokens);
  expect(raw.text.length).toBe(grown.at(-1)!.length);
  await app.screenshot(testInfo, 'runs-done-raw');
});

test('detect on a page: main parses the output, its boxes are drawn over the page and listed, hover links both', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.chooseModel(TINY_MODELS.paliscope);
  await app.runs.fill('detect', 'table ; stamp', 96);
  // Greedy decoding of the random-weight model repeats one loc token (every box empty); seeded sampling (seed 0 by
  // default) gives a varied, still reproducible output, so boxes get drawn.
  await app.runs.strategy.selectOption('sample');
  const mark = await app.events.mark();
  await app.runs.start.click();
  expect(await app.events.waitFor('paliscope:run-done', mark, { documentId: doc.documentId, page: 0 })).toMatchObject({ status: 'done' });
  await app.runs.expectState('done');

  // The random-weight model's output is arbitrary, so the test holds the app to what the parser makes of this run's
  // own raw output: the same objects, drawn and listed, in the page pixels the model saw.
  await app.runs.rawToggle.click();
  const raw = JSON.parse((await app.runs.raw.textContent())!) as { text: string; parsed: { task: string; width: number; height: number; objects: Array<{ label: string; box: number[] }>; warnings: string[] } };
  expect(raw.parsed.task).toBe('detect');
  const expected = parseBoxes('detect', raw.text, { width: raw.parsed.width, height: raw.parsed.height });
  expect(raw.parsed.objects).toEqual(expected.objects.map((o) => ({ label: o.label, box: o.box })));
  expect(raw.parsed.warnings).toEqual(expected.warnings);
  await app.runs.rawToggle.click();

  const drawn = app.viewer.shapesWithTone('object');
  await expect(drawn).toHaveCount(expected.objects.length);
  await expect(app.runs.objects).toHaveAttribute('data-object-count', String(expected.objects.length));
  await expect(app.runs.objectEntries).toHaveCount(expected.objects.length);
  if (expected.warnings.length > 0) await expect(app.runs.warnings.locator('li')).toHaveText(expected.warnings);
  else await expect(app.runs.warnings).toHaveCount(0);
  // OCR line boxes are another kind of shape; none were asked for here.
  await expect(app.viewer.overlay.locator('[data-shape-id^="line-"]')).toHaveCount(0);

  for (const [i, o] of expected.objects.entries()) {
    await expect(app.runs.objectEntries.nth(i).locator('.label')).toHaveText(o.label || `object ${i + 1}`);
    // Where the rectangle lands on screen: the box scaled from the model's page size to the image as displayed.
    const { image, shape } = await app.viewer.imageAndShape(`object-${i}`);
    const k = image.width / raw.parsed.width;
    expect(Math.abs(shape.x - (image.x + o.box[0] * k))).toBeLessThan(3);
    expect(Math.abs(shape.y - (image.y + o.box[1] * (image.height / raw.parsed.height)))).toBeLessThan(3);
    expect(Math.abs(shape.width - (o.box[2] - o.box[0]) * k)).toBeLessThan(4);
  }

  // Seed 0 on the fixed tiny weights yields at least one well-formed box, so the drawing and hover paths always run.
  expect(expected.objects.length).toBeGreaterThan(0);
  // Hovering a box marks its entry in the run view, and hovering an entry marks its box.
  await app.viewer.shape('object-0').hover({ force: true });
  await expect(app.runs.objectEntries.nth(0)).toHaveClass(/hovered/);
  await expect(app.viewer.tooltip).toContainText(expected.objects[0]!.label || 'object 1');
  await app.runs.objectEntries.last().hover();
  await expect(app.viewer.shape(`object-${expected.objects.length - 1}`)).toHaveClass(/hovered/);
  await app.screenshot(testInfo, 'runs-detect');
  await app.expectNoCspViolations();
});

test('Ctrl+Enter runs, Escape cancels mid-run; the cancelled run keeps its partial output in the history', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.chooseModel(TINY_MODELS.paliscope);
  await app.runs.fill('caption', 'en', 1024);

  const mark = await app.events.mark();
  const escapeAtThree = app.events.interruptRunAt(3, 'Escape');
  await app.runs.text.press('Control+Enter');
  await escapeAtThree;
  const ended = await app.events.waitFor('paliscope:run-done', mark, { documentId: doc.documentId });
  expect(ended).toMatchObject({ status: 'cancelled', code: 'CANCELLED' });
  await app.runs.expectState('cancelled');
  await expect(app.runs.status).toHaveText('cancelled');
  await expect(app.runs.historyEntry(ended.runId!)).toHaveAttribute('data-run-status', 'cancelled');
  const tokens = (await app.events.all('paliscope:run-output', mark)).at(-1)!.tokens;
  expect(tokens).toBeGreaterThanOrEqual(3);
  expect(tokens).toBeLessThan(1024);
  await app.runs.rawToggle.click();
  const raw = JSON.parse((await app.runs.raw.textContent())!) as { status: string; ids: number[]; providers: Record<string, string> };
  expect(raw.status).toBe('cancelled');
  // Where it ran is known from the moment the model was loaded, so a cancelled run keeps it too.
  expect(raw.providers).toEqual({ vision_encoder: 'cpu', embed_tokens: 'cpu', decoder: 'cpu' });
  expect(raw.ids.length).toBeGreaterThanOrEqual(3);
  await app.screenshot(testInfo, 'runs-cancelled');

  // The Cancel button works as well as Escape, and the next run starts as usual afterwards.
  const again = await app.events.mark();
  const cancelAtFirst = app.events.interruptRunAt(1, { testId: 'run-cancel' });
  await app.runs.start.click();
  await cancelAtFirst;
  const second = await app.events.waitFor('paliscope:run-done', again, { documentId: doc.documentId });
  expect(second).toMatchObject({ status: 'cancelled' });
  // The history is the store's: both cancelled runs are in it (with any earlier run on this page's content).
  await expect(app.runs.historyEntry(second.runId!)).toHaveAttribute('data-run-status', 'cancelled');
  await expect(app.runs.historyEntry(ended.runId!)).toHaveAttribute('data-run-status', 'cancelled');
});

test('a broken model folder fails with a message naming the folder and what is wrong; the app keeps working', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();

  // A folder missing a file is listed, cannot be chosen, and says why.
  await expect(app.runs.modelOption(TINY_MODELS.missingFile)).toBeDisabled();
  await app.runs.problems.locator('summary').click();
  await expect(app.runs.problems).toContainText(`${TINY_MODELS.missingFile}`);
  await expect(app.runs.problems).toContainText('embed_tokens.onnx');

  // A truncated graph is only found out when the engine loads it.
  await app.runs.chooseModel(TINY_MODELS.truncated);
  await app.runs.fill('caption', 'en', 8);
  const mark = await app.events.mark();
  await app.runs.start.click();
  const failed = await app.events.waitFor('paliscope:run-done', mark, { documentId: doc.documentId });
  expect(failed).toMatchObject({ status: 'error', code: 'INPUT_MISMATCH' });
  await app.runs.expectState('error');
  await expect(app.runs.error).toContainText(`model “${TINY_MODELS.truncated}”`);
  await expect(app.runs.error).toContainText(join(TINY_MODELS.truncated, 'decoder.onnx'));
  await expect(app.notices.errors.filter({ hasText: 'The model run failed' })).toHaveCount(1);
  await app.screenshot(testInfo, 'runs-broken-model');

  // The engine host is still up, and the good model runs.
  await expect(app.status.engine).toHaveAttribute('data-engine-state', 'ready');
  await app.runs.chooseModel(TINY_MODELS.paliscope);
  const next = await app.events.mark();
  await app.runs.start.click();
  const done = await app.events.waitFor('paliscope:run-done', next, { documentId: doc.documentId });
  expect(done).toMatchObject({ status: 'done' });
  // The history is the store's (earlier runs on this page's content are listed too): the failed run and the good one.
  await expect(app.runs.historyEntry(failed.runId!)).toHaveAttribute('data-run-status', 'error');
  await expect(app.runs.historyEntry(done.runId!)).toHaveAttribute('data-run-status', 'done');
  await expect(app.runs.output).not.toBeEmpty();
});

test('with no models, the panel says where to put them and how to make one', async ({ app: host, browser, fixtures }, testInfo) => {
  // A host of its own, pointed at an empty models folder (the shared one has the tiny models).
  test.skip(host.kind !== 'headless', 'starts a headless host of its own');
  const empty = mkdtempSync(join(tmpdir(), 'paliscope-no-models-'));
  const bare = await startHeadlessHost({ modelsDir: empty });
  const page = await browser.newPage();
  try {
    await page.goto(bare.url);
    const bareApp = await PaliscopeApp.attach(page);
    await bareApp.openFile(join(fixtures, 'page.png'));
    await bareApp.runs.open();
    await expect(bareApp.runs.noModels).toContainText(empty);
    await expect(bareApp.runs.noModels).toContainText('npx paliscope convert');
    await expect(bareApp.runs.start).toHaveCount(0);
    await bareApp.screenshot(testInfo, 'runs-no-models');
    await bareApp.expectNoCspViolations();
  } finally {
    await page.close();
    await bare.stop();
    rmSync(empty, { recursive: true, force: true });
  }
});

test('the history is the project store: after a restart of the host the run is listed again, its boxes drawn over the page', async ({ app: host, browser, fixtures }, testInfo) => {
  test.skip(host.kind !== 'headless', 'restarts a headless host of its own');
  test.setTimeout(180_000);
  const userData = mkdtempSync(join(tmpdir(), 'paliscope-history-'));
  let running = await startHeadlessHost({ userDataDir: userData });
  const page = await browser.newPage();
  try {
    await page.goto(running.url);
    const first = await PaliscopeApp.attach(page);
    const doc = await first.openFile(join(fixtures, 'page.png'));
    await first.runs.open();
    await first.runs.chooseModel(TINY_MODELS.paliscope);
    await first.runs.fill('detect', 'table ; stamp', 96);
    // Seeded sampling (seed 0) gives the tiny model's output boxes (see the detect test above).
    await first.runs.strategy.selectOption('sample');
    const mark = await first.events.mark();
    await first.runs.start.click();
    const done = await first.events.waitFor('paliscope:run-done', mark, { documentId: doc.documentId, page: 0 });
    expect(done).toMatchObject({ status: 'done' });
    const boxes = await first.viewer.shapesWithTone('object').count();
    expect(boxes).toBeGreaterThan(0);
    await first.screenshot(testInfo, 'history-before-restart');

    await running.stop();
    running = await startHeadlessHost({ userDataDir: userData });
    await page.goto(running.url);
    const second = await PaliscopeApp.attach(page);
    await second.openFile(join(fixtures, 'page.png'));
    await second.runs.open();
    // Nothing was kept in memory across the restart: the run comes back from the store, same id, same result.
    await expect(second.runs.history).toHaveCount(1);
    await expect(second.runs.historyEntry(done.runId!)).toHaveAttribute('data-run-status', 'done');
    await expect(second.runs.historyEntry(done.runId!)).toContainText('detect table ; stamp');
    await expect(second.viewer.shapesWithTone('object')).toHaveCount(boxes);
    await expect(second.runs.objectEntries).toHaveCount(boxes);
    await second.screenshot(testInfo, 'history-after-restart');
  } finally {
    await page.close();
    await running.stop();
    rmSync(userData, { recursive: true, force: true });
  }
});
