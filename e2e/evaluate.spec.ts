// Evaluate end to end, in Chromium against the headless host: the tiny random-weight model reads a page and pasted
// outputs stand for a second model; results are reviewed (an OCR reading corrected, a detection and a table
// accepted); the Evaluate view shows the scores, asserted against values worked out by hand (and, for the tiny model's
// random text, by the metric on its output), the chart is kept as a screenshot, a page opens beside its truth, and
// `paliscope eval` on the same project file prints the same numbers.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test as base, expect } from './support/app';
import { startHeadlessHost, type RunningHost } from './support/headless-host';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';
import { EvaluateView } from './pages/evaluate';
import { run as evalCli } from '../models/eval/cli';
import { textErrors } from '../models/eval/text';

const test = base.extend<object, { headlessPool: { get(): Promise<RunningHost> } }>({
  headlessPool: [
    async ({}, use) => {
      const started: { host?: Promise<RunningHost> } = {};
      await use({ get: () => (started.host ??= startHeadlessHost()) });
      if (started.host) await (await started.host).stop();
    },
    { scope: 'worker' },
  ],
});

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const OCR = 'Dear Sir,\nThe rneeting is on Monday.';
const TRUTH = 'Dear Sir,\nThe meeting is on Monday.';
const DETECT = `${loc(100)}${loc(100)}${loc(400)}${loc(500)} stamp ; ${loc(600)}${loc(550)}${loc(900)}${loc(950)} signature`;
const TABLE = '<table><tr><th>Region</th><th>2024</th></tr><tr><td>North</td><td>1.4</td></tr></table>';

test('review a few results, open Evaluate: the scores, the chart, a page beside its truth, and the CLI agrees', async ({ appPage, hostKind, fixtures, headlessPool }, testInfo) => {
  test.skip(hostKind === 'electron', 'evaluation is checked against the headless host (Electron needs its own SQLite add-on)');
  const app = await PaliscopeApp.attach(appPage);
  const review = new ReviewWorkspace(appPage);
  const evaluate = new EvaluateView(appPage);

  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  // Model A: the tiny model reads the page (greedy, so its output is the same every time; random text all the same).
  await app.runs.chooseModel(TINY_MODELS.paliscope);
  await app.runs.fill('ocr', '', 6);
  await app.runs.start.click();
  await app.runs.expectState('done');
  const tinyText = (await app.runs.output.textContent()) ?? '';
  // Model B: pasted outputs.
  await app.runs.paste('ocr', OCR);
  await app.runs.paste('detect', DETECT, 'detect stamp ; signature');
  await app.runs.paste('table', TABLE);

  await review.open();
  await expect(review.items).toHaveCount(4);
  // Each result is picked by what it is, not by its place: the list's order depends on when each run was filed.
  const pick = async (item: ReturnType<typeof review.items.filter>) => {
    const runId = await item.getAttribute('data-run-id');
    await item.click();
    await expect(review.detail).toHaveAttribute('data-run-id', runId!);
  };
  await pick(review.items.filter({ hasText: 'rneeting' }));
  await review.press('e');
  await review.lines.nth(1).fill('The meeting is on Monday.');
  await review.press('Control+Enter');
  await review.expectStatus('corrected');
  for (const task of ['detect', 'table']) {
    await pick(review.items.and(appPage.locator(`[data-task="${task}"]`)));
    await review.press('a');
    await review.expectStatus('accepted');
  }
  await review.root.getByTestId('review-close').click();

  await evaluate.open();
  await expect(evaluate.task('ocr')).toBeVisible();
  // Pasted: "rneeting" → "meeting" is 2 edits of 35 characters; 1 word of 7.
  expect(await evaluate.mean('ocr', 'pasted', 'cer')).toBeCloseTo(2 / 35, 10);
  expect(await evaluate.mean('ocr', 'pasted', 'wer')).toBeCloseTo(1 / 7, 10);
  const tiny = textErrors(TRUTH, tinyText);
  const tinyId = await evaluate.task('ocr').locator('[data-testid="evaluate-row"]:not([data-model="pasted"])').getAttribute('data-model');
  expect(await evaluate.mean('ocr', tinyId!, 'cer')).toBeCloseTo(tiny.cer, 10);
  expect(tiny.cer).toBeGreaterThan(2 / 35);
  // Accepted results score perfectly against themselves.
  expect(await evaluate.mean('detect', 'pasted', 'f1')).toBe(1);
  expect(await evaluate.mean('table', 'pasted', 'teds')).toBe(1);
  // Worst first: the tiny model's page heads the OCR list.
  await expect(evaluate.pages('ocr')).toHaveCount(2);
  await expect(evaluate.pages('ocr').first()).toContainText(TINY_MODELS.paliscope);
  await expect(evaluate.chart('ocr').locator('svg').first()).toBeVisible();
  await expect(evaluate.chart('ocr')).toHaveAttribute('aria-label', /CER by model for ocr \(lower is better\)/);
  await evaluate.chart('ocr').focus();
  await expect(evaluate.chart('ocr')).toBeFocused();
  await app.screenshot(testInfo, 'evaluate-view');
  await evaluate.chart('ocr').screenshot({ path: join(import.meta.dirname, '../test-results/screenshots/evaluate-chart.png') });

  // A page opens beside its truth, the differences marked as Review marks them.
  await evaluate.pages('ocr').nth(0).getByRole('button').click();
  await expect(evaluate.opened).toBeVisible();
  await expect(evaluate.opened.getByTestId('review-compare-a')).toContainText('The meeting is on Monday.');
  await expect(evaluate.opened.getByTestId('review-compare-b')).toContainText(TINY_MODELS.paliscope);
  await app.screenshot(testInfo, 'evaluate-page-opened');

  // Exports: CSV, one row per page and task (two OCR pages, one detect, one table); the HTML report with its charts.
  const download = async (format: string) => {
    const [d] = await Promise.all([appPage.waitForEvent('download'), evaluate.root.getByTestId(`evaluate-export-${format}`).click()]);
    return { name: d.suggestedFilename(), text: await readFile((await d.path())!, 'utf8') };
  };
  const csv = await download('csv');
  expect(csv.name).toBe('paliscope-evaluation.csv');
  const rows = csv.text.trim().split('\r\n');
  expect(rows).toHaveLength(5);
  expect(rows.filter((r) => r.includes(',ocr,pasted,'))[0]).toContain(String(2 / 35).slice(0, 8));
  const html = await download('html');
  expect(html.text).toContain('<svg role="img" aria-label="CER by model');

  // The CLI on the same project file: the same means.
  const host = await headlessPool.get();
  const out: string[] = [];
  const sink = new Writable({ write(c, _e, cb) { out.push(String(c)); cb(); } });
  expect(await evalCli(['--project', join(host.userData, 'paliscope.sqlite'), '--format', 'json'], { stdout: sink, stderr: sink })).toBe(0);
  const report = JSON.parse(out.join('')) as { tasks: { task: string; models: { modelId: string; metrics: { metric: string; mean: number }[] }[] }[] };
  const cli = (task: string, model: string, metric: string) => report.tasks.find((t) => t.task === task)!.models.find((m) => m.modelId === model)!.metrics.find((m) => m.metric === metric)!.mean;
  expect(cli('ocr', 'pasted', 'cer')).toBe(await evaluate.mean('ocr', 'pasted', 'cer'));
  expect(cli('ocr', tinyId!, 'cer')).toBe(await evaluate.mean('ocr', tinyId!, 'cer'));
  expect(cli('table', 'pasted', 'teds')).toBe(1);
  await app.expectNoCspViolations();
});
