// Every task's result over or beside the page. Outputs are pasted in (Paste output…) as a person would paste a raw
// output from another PaliGemma runtime, so each view is checked on a realistic output the tiny random model could
// never produce; the tiny model's own run checks the confidence shading.
import { join } from 'node:path';
import sharp from 'sharp';
import { test, expect, attachEachTest } from './support/app';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';

let app: PaliscopeApp;
attachEachTest((a) => (app = a));

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;

test('a pasted detect output: labelled boxes over the page, linked to the list, exported as COCO JSON', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  const { width, height } = await sharp(join(fixtures, 'page.png')).metadata();
  const page = { width: width!, height: height! };
  await app.runs.open();
  const raw = `${loc(100)}${loc(50)}${loc(300)}${loc(500)} title ; ${loc(600)}${loc(700)}${loc(900)}${loc(1000)} stamp ; ${loc(1)}${loc(2)}${loc(3)} broken`;
  await app.runs.paste('detect', raw, 'detect title ; stamp');
  await expect(app.runs.result).toHaveAttribute('data-result-kind', 'boxes');
  await expect(app.runs.objectEntries).toHaveCount(2);
  await expect(app.runs.objectEntries.nth(0).locator('.label')).toHaveText('title');
  await expect(app.runs.warnings).toContainText('3 loc tokens, need 4; skipped');
  await expect(app.viewer.shapesWithTone('object')).toHaveCount(2);
  await app.runs.objectEntries.nth(1).hover();
  await expect(app.viewer.shape('object-1')).toHaveClass(/hovered/);
  await app.screenshot(testInfo, 'tasks-detect-pasted');

  const coco = await app.runs.export('coco');
  expect(coco.name).toBe('page-p1-detect.coco.json');
  const json = JSON.parse(coco.bytes.toString('utf8')) as { images: Array<{ width: number; height: number }>; annotations: Array<{ bbox: number[]; category_id: number }>; categories: Array<{ name: string }> };
  expect(json.images[0]).toMatchObject({ width: page.width, height: page.height });
  expect(json.categories.map((c) => c.name)).toEqual(['title', 'stamp']);
  // x0 = 50/1023 of the width, y0 = 100/1023 of the height (big_vision's decoding).
  expect(json.annotations[0]!.bbox[0]).toBeCloseTo((50 / 1023) * page.width, 3);
  expect(json.annotations[0]!.bbox[1]).toBeCloseTo((100 / 1023) * page.height, 3);
  await app.expectNoCspViolations();
});

test('text with boxes: words drawn over the page like OCR, named by their text', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.paste('ocr-boxes', `${loc(210)}${loc(102)}${loc(265)}${loc(390)} EXIT ; ${loc(300)}${loc(410)}${loc(352)}${loc(700)} Platform`);
  await expect(app.runs.objectEntries).toHaveCount(2);
  await expect(app.runs.objects).toContainText('2 words');
  await expect(app.viewer.shapesWithTone('object')).toHaveCount(2);
  await app.viewer.shape('object-0').hover({ force: true });
  await expect(app.viewer.tooltip).toContainText('EXIT');
  await expect(app.runs.objectEntries.nth(0)).toHaveClass(/hovered/);
  await app.screenshot(testInfo, 'tasks-ocr-boxes');
});

test('a radiography report keeps its sections; a VSR statement shows its verdict; both export', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.paste('report', 'FINDINGS: Heart size is normal. No pleural effusion or pneumothorax. IMPRESSION: No acute cardiopulmonary process.<eos>');
  await expect(app.runs.result).toHaveAttribute('data-result-kind', 'report');
  await expect(app.runs.root.getByTestId('run-report-heading')).toHaveText(['FINDINGS', 'IMPRESSION']);
  await app.screenshot(testInfo, 'tasks-report');
  const md = await app.runs.export('md');
  expect(md.bytes.toString('utf8')).toBe('## FINDINGS\n\nHeart size is normal. No pleural effusion or pneumothorax.\n\n## IMPRESSION\n\nNo acute cardiopulmonary process.\n');

  await app.runs.paste('vsr', 'False', 'the stamp is left of the signature');
  await expect(app.runs.root.getByTestId('run-verdict')).toHaveAttribute('data-answer', 'false');
  await expect(app.runs.root.getByTestId('run-verdict')).toContainText('False');
  await app.runs.paste('vsr', 'perhaps', 'the stamp is left of the signature');
  await expect(app.runs.root.getByTestId('run-verdict')).toHaveAttribute('data-answer', 'null');
  await expect(app.runs.warnings).toContainText('is not true/false');
  await expect(app.runs.history).toHaveCount(3);
});

test('bad pasted input gets a clear message and nothing is lost', async ({ fixtures }) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.pasteOpen.click();
  // Parse is only offered for something to parse.
  await expect(app.runs.pasteSubmit).toBeDisabled();
  await app.runs.pasteText.fill('<loc0001><loc0002> half a box');
  await app.runs.pasteTask.selectOption('segment');
  await app.runs.pasteSubmit.click();
  await app.runs.expectState('done');
  await expect(app.runs.warnings).toContainText('2 loc tokens, need 4');
  await expect(app.runs.warnings).toContainText('no complete object in the output');
  await expect(app.runs.objectEntries).toHaveCount(0);
});

test('a model run shades its output by token confidence, and the shading can be turned off', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.chooseModel(TINY_MODELS.paliscope);
  await app.runs.fill('caption', 'en', 24);
  const mark = await app.events.mark();
  await app.runs.start.click();
  await app.events.waitFor('paliscope:run-done', mark, {});
  await app.runs.expectState('done');
  // A random-weight model is unsure of nearly every token it picks.
  expect(await app.runs.uncertainTokens.count()).toBeGreaterThan(0);
  const shaded = await app.runs.output.textContent();
  await app.screenshot(testInfo, 'tasks-confidence');
  await app.runs.root.getByTestId('run-confidence-toggle').uncheck();
  await expect(app.runs.uncertainTokens).toHaveCount(0);
  // The shading only wraps the text: it reads the same either way.
  await expect(app.runs.output).toHaveText(shaded!);
});
