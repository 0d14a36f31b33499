// axe-core on every view and dialog, one check per view: the empty window, a document open, the OCR panel with its
// lines, each task's result view (boxes, table, molecule, music, report), Review, Batch, Models, the project menu,
// Evaluate, Settings, the keyboard help, the Document tab and the DICOM radiology view. A view fails on serious or critical violations; every violation is kept
// in test-results/a11y/ (one JSON per view and summary.md). Outputs are pasted (Paste output…), as in tasks.spec.ts,
// so each result view shows a realistic output without a real model.
//
// This file runs its own headless host (a worker fixture of its own), so its project store holds only its runs; each
// test makes the runs it looks at.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testWithOwnHost, expect } from './support/app';
import { checkAccessibility } from './support/axe';
import { PaliscopeApp } from './pages/paliscope-app';
import { ModelsWindow } from './pages/models';
import { ProjectMenu } from './pages/projects';
import { ReviewWorkspace } from './pages/review';
import { BatchPanel } from './pages/batch-panel';
import { EvaluateView } from './pages/evaluate';
import { PIANO_KERN } from '../models/paligemma/tasks/music/fixtures';
import { generateDocument } from '../models/document/testing/generate';
import { missingTools } from '../models/dicom/test-helpers';
import { radiographFixture } from './fixtures/radiograph';

const dicomToolsMissing = missingTools.filter((t) => t === 'dump2dcm' || t === 'dcmcjpls');
if (dicomToolsMissing.length) console.warn(`accessibility: the DICOM view is not checked: ${dicomToolsMissing.join(', ')} not installed (Debian package dcmtk)`);

const test = testWithOwnHost();

let app: PaliscopeApp;
test.beforeEach(async ({ appPage, hostKind }) => {
  // The checks are about the renderer, which is the same page in both hosts: once is enough.
  test.skip(hostKind === 'electron', 'accessibility is checked against the headless host');
  app = await PaliscopeApp.attach(appPage);
});

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const DETECT = `${loc(100)}${loc(100)}${loc(400)}${loc(500)} stamp ; ${loc(600)}${loc(550)}${loc(900)}${loc(950)} signature`;
const TABLE = '<table><tr><th>Region</th><th>2024</th></tr><tr><td>North</td><td>1.4</td></tr><tr><td>South</td><td>0.8</td></tr></table>';

test('the window: empty, with a document, the keyboard help', async ({ fixtures }, testInfo) => {
  await expect(app.emptyState).toBeVisible();
  await checkAccessibility(app.page, testInfo, 'empty-window');
  await app.openFile(join(fixtures, 'page.png'));
  await checkAccessibility(app.page, testInfo, 'document-open');
  await app.pressKey('?');
  await expect(app.page.getByTestId('help-overlay')).toBeVisible();
  await checkAccessibility(app.page, testInfo, 'help-overlay');
});

test('the OCR panel with recognised lines', async ({ fixtures }, testInfo) => {
  test.slow();
  const doc = await app.openFile(join(fixtures, 'page.png'));
  const mark = await app.events.mark();
  await app.toolbar.ocrPage.click();
  await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 120_000);
  await app.ocr.expectState('done');
  await checkAccessibility(app.page, testInfo, 'ocr-panel');
});

test('each task result view: boxes, table, molecule, music, report', async ({ fixtures }, testInfo) => {
  test.slow(); // six views, each pasted, parsed in the engine host and checked
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await checkAccessibility(app.page, testInfo, 'ask-model');
  await app.runs.paste('detect', DETECT, 'detect stamp ; signature');
  await checkAccessibility(app.page, testInfo, 'result-boxes');
  await app.runs.paste('table', TABLE);
  await checkAccessibility(app.page, testInfo, 'result-table');
  await app.runs.paste('molecule', 'O=C(C)Oc1ccccc1C(=O)O<eos>');
  await expect(app.runs.root.getByTestId('molecule-view')).toBeVisible();
  await checkAccessibility(app.page, testInfo, 'result-molecule');
  await app.runs.paste('music', PIANO_KERN);
  await expect(app.runs.root.getByTestId('music-page')).toBeVisible();
  await checkAccessibility(app.page, testInfo, 'result-music');
  await app.runs.paste('report', 'FINDINGS: Heart size is normal. IMPRESSION: No acute process.<eos>');
  await checkAccessibility(app.page, testInfo, 'result-report');
});

test('Review, Batch and Evaluate over two kept results', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.paste('detect', DETECT, 'detect stamp ; signature');
  await app.runs.paste('ocr', 'Dear Sir,\nThe meeting is on Monday.');
  const review = new ReviewWorkspace(app.page);
  await review.open();
  await expect(review.detail).toBeVisible();
  await checkAccessibility(app.page, testInfo, 'review');
  await review.root.getByTestId('review-close').click();
  await expect(review.root).toHaveCount(0);
  const batch = new BatchPanel(app.page);
  await batch.open();
  await checkAccessibility(app.page, testInfo, 'batch');
  const evaluate = new EvaluateView(app.page);
  await evaluate.open();
  await checkAccessibility(app.page, testInfo, 'evaluate');
});

test('the Models window, the project menu and Settings', async ({}, testInfo) => {
  const models = new ModelsWindow(app.page);
  await models.open();
  await checkAccessibility(app.page, testInfo, 'models');
  await models.close.click();
  const projects = new ProjectMenu(app.page);
  await projects.open();
  await checkAccessibility(app.page, testInfo, 'projects');
  await projects.close();
  await app.page.getByTestId('settings-button').click();
  await expect(app.page.getByTestId('settings-form')).toBeVisible();
  await checkAccessibility(app.page, testInfo, 'settings');
});

test('the Document tab with a born-digital page in reading order', async ({}, testInfo) => {
  const pdf = testInfo.outputPath('generated.pdf');
  writeFileSync(pdf, (await generateDocument()).pdf);
  await app.openFile(pdf);
  await app.document.open();
  await expect(app.document.regions).toHaveCount(7);
  await checkAccessibility(app.page, testInfo, 'document-tab');
});

test('the DICOM radiology view with its header panel', async ({}, testInfo) => {
  test.skip(dicomToolsMissing.length > 0, `dcmtk is not installed (${dicomToolsMissing.join(', ')} missing): no DICOM fixture can be made`);
  await app.openFile(radiographFixture());
  await expect(app.page.getByTestId('dicom-stage')).toBeVisible();
  await expect(app.page.getByTestId('dicom-header')).toContainText('CHEST');
  await checkAccessibility(app.page, testInfo, 'dicom');
});
