// Screenshots of each main view in the light, dark and high-contrast themes, for a person to look at (the contrast of
// every token pair is measured in renderer/src/lib/themes.test.ts; this spec is for what arithmetic cannot see:
// invisible borders, cramped tabs, marks lost on a background). Views: the empty window, a page with its OCR boxes, a
// table result, Review, Batch, Evaluate, Models, Settings, the Document tab and the DICOM radiology view. The themes come from the system settings the window
// follows (prefers-color-scheme, prefers-contrast, forced-colors), emulated. Kept in test-results/screenshots/
// as <view>-<theme>.png; then the window once at 1280×720 and once at 200 % zoom.
//
// The test asserts what a screenshot alone would not prove: that the theme asked for is the one painted (the page
// background's colour), so a screenshot named "dark" is dark; and in the dark and high-contrast themes axe checks each
// view again (colour contrast above all), recorded in test-results/a11y/ as <view>-<theme>.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { testWithOwnHost, expect } from './support/app';
import { checkAccessibility } from './support/axe';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';
import { BatchPanel } from './pages/batch-panel';
import { EvaluateView } from './pages/evaluate';
import { ModelsWindow } from './pages/models';
import { radiographFixture } from './fixtures/radiograph';
import { missingTools } from '../models/dicom/test-helpers';
import { generateDocument } from '../models/document/testing/generate';
import { PALETTES, type ThemeName } from '../renderer/src/lib/themes';

const test = testWithOwnHost();

const dicomMissing = missingTools.filter((t) => t === 'dump2dcm' || t === 'dcmcjpls');
if (dicomMissing.length) console.warn(`themes: no DICOM screenshots: ${dicomMissing.join(', ')} not installed (Debian package dcmtk)`);

let app: PaliscopeApp;
test.beforeEach(async ({ appPage, hostKind }) => {
  test.skip(hostKind === 'electron', 'theme screenshots are taken against the headless host (the renderer is the same page)');
  app = await PaliscopeApp.attach(appPage);
});

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const DETECT = `${loc(100)}${loc(100)}${loc(400)}${loc(500)} stamp ; ${loc(600)}${loc(550)}${loc(900)}${loc(950)} signature`;
const TABLE_A = '<table><tr><th>Region</th><th>2024</th><th>2025</th></tr><tr><td>North</td><td>1.4</td><td>1.6</td></tr><tr><td>South</td><td>0.8</td><td>0.9</td></tr></table>';
const TABLE_B = '<table><tr><th>Region</th><th>2024</th><th>2025</th></tr><tr><td>North</td><td>1.4</td><td>1.5</td></tr><tr><td>Sooth</td><td>0.8</td><td>0.9</td></tr></table>';

/** What the system says, per theme; the palette the window must then paint with. */
const THEMES: { name: string; palette: ThemeName; media: Parameters<Page['emulateMedia']>[0] }[] = [
  { name: 'light', palette: 'light', media: { colorScheme: 'light', contrast: 'no-preference', forcedColors: 'none' } },
  { name: 'dark', palette: 'dark', media: { colorScheme: 'dark', contrast: 'no-preference', forcedColors: 'none' } },
  { name: 'contrast', palette: 'contrast-dark', media: { colorScheme: 'dark', contrast: 'more', forcedColors: 'none' } },
];

async function expectPalette(page: Page, palette: ThemeName): Promise<void> {
  const chrome = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--chrome').trim());
  expect(chrome, `the window paints the ${palette} palette`).toBe(PALETTES[palette].chrome);
}

/**
 * Keeps the screenshot; in the dark and high-contrast themes also runs axe (the light theme's run is accessibility.spec.ts).
 * Not under forced colours: the browser paints the system's colours there, but axe reads the page's own from the styles
 * and would measure colours that are never on screen (the screenshot shows what is).
 */
async function shot(testInfo: TestInfo, view: string, theme: string): Promise<void> {
  await app.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await app.screenshot(testInfo, `${view}-${theme}`);
  if (theme === 'dark' || theme === 'contrast') await checkAccessibility(app.page, testInfo, `${view}-${theme}`);
}

for (const theme of THEMES) {
  test(`each main view in the ${theme.name} theme`, async ({ fixtures }, testInfo) => {
    test.slow(); // OCR of a page, five pasted results, a review and nine views
    const page = app.page;
    await page.emulateMedia(theme.media);
    await expectPalette(page, theme.palette);
    await expect(app.emptyState).toBeVisible();
    await shot(testInfo, 'empty', theme.name);

    const doc = await app.openFile(join(fixtures, 'page.png'));
    const mark = await app.events.mark();
    await app.pressKey('r');
    await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 120_000);
    await app.ocr.line(1).click();
    await shot(testInfo, 'document-ocr', theme.name);

    await app.runs.open();
    const detect = await app.runs.paste('detect', DETECT, 'detect stamp ; signature', 'Model A');
    await app.runs.paste('table', TABLE_B, '', 'Model B');
    const truth = await app.runs.paste('table', TABLE_A, '', 'Model A');
    await expect(app.runs.result).toHaveAttribute('data-result-kind', 'table');
    await shot(testInfo, 'result-table', theme.name);

    // Review: Model A's table accepted (the truth Evaluate scores against), then the detect result shown.
    const review = new ReviewWorkspace(page);
    await review.open();
    const item = (runId: string) => review.root.locator(`[data-testid="review-item"][data-run-id="${runId}"]`);
    await item(truth).click();
    await expect(review.detail).toHaveAttribute('data-run-id', truth);
    await review.press('a');
    await review.expectStatus('accepted');
    await item(detect).click();
    await expect(review.detail).toHaveAttribute('data-run-id', detect);
    await expect(review.boxes).toHaveCount(2);
    await shot(testInfo, 'review', theme.name);
    await review.root.getByTestId('review-close').click();

    const batch = new BatchPanel(page);
    await batch.open();
    await shot(testInfo, 'batch', theme.name);

    const evaluate = new EvaluateView(page);
    await evaluate.open();
    await expect(evaluate.task('table')).toBeVisible();
    await shot(testInfo, 'evaluate', theme.name);
    await evaluate.root.getByTestId('evaluate-close').click();

    const models = new ModelsWindow(page);
    await models.open();
    await shot(testInfo, 'models', theme.name);
    await models.close.click();

    await page.getByTestId('settings-button').click();
    await expect(page.getByTestId('settings-form')).toBeVisible();
    await shot(testInfo, 'settings', theme.name);
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);

    const pdf = testInfo.outputPath('generated.pdf');
    writeFileSync(pdf, (await generateDocument()).pdf);
    await app.openFile(pdf);
    await app.document.open();
    await expect(app.document.regions).toHaveCount(7);
    await app.document.regions.nth(0).getByTestId('document-accept').click();
    await app.document.regions.nth(1).getByTestId('document-reject').click();
    await shot(testInfo, 'document-tab', theme.name);

    if (dicomMissing.length === 0) {
      await app.openFile(radiographFixture());
      await expect(page.getByTestId('dicom-header')).toContainText('CHEST');
      await shot(testInfo, 'dicom', theme.name);
    }
    await expectPalette(page, theme.palette);
    await page.emulateMedia({ colorScheme: 'light', contrast: 'no-preference', forcedColors: 'none' });
  });
}

test('forced colours (Windows high contrast): the system palette, the lines that carry meaning kept', async ({ fixtures }, testInfo) => {
  await app.page.emulateMedia({ forcedColors: 'active', colorScheme: 'dark' });
  const doc = await app.openFile(join(fixtures, 'page.png'));
  const mark = await app.events.mark();
  await app.pressKey('r');
  await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 120_000);
  await app.ocr.line(1).click();
  await shot(testInfo, 'document-ocr', 'forced-colors');
  await app.page.emulateMedia({ forcedColors: 'none', colorScheme: 'light' });
});

test('the window at 1280×720 and at 200 % zoom', async ({ fixtures, app: host, browser }, testInfo) => {
  test.slow();
  const page = app.page;
  await page.setViewportSize({ width: 1280, height: 720 });
  const doc = await app.openFile(join(fixtures, 'page.png'));
  const mark = await app.events.mark();
  await app.pressKey('r');
  await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 120_000);
  await shot(testInfo, 'document-ocr', '1280x720');
  // Nothing of the right panel's tabs is cut off: each tab's text fits its button.
  for (const tab of await page.getByRole('tab').all()) {
    expect(await tab.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${await tab.textContent()} fits its tab`).toBe(true);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // 200 %: what a 1440×900 window shows with the zoom at 200 % — a 720×450 CSS-pixel layout, drawn at 2 device
  // pixels per CSS pixel. A context of its own, since the scale of a page cannot change once it is open.
  const zoomed = await browser.newContext({ viewport: { width: 720, height: 450 }, deviceScaleFactor: 2 });
  try {
    const z = await zoomed.newPage();
    await z.goto(host.headless!.url);
    const zapp = await PaliscopeApp.attach(z);
    const zdoc = await zapp.openFile(join(fixtures, 'page.png'));
    const zmark = await zapp.events.mark();
    await zapp.pressKey('r');
    await zapp.events.waitFor('paliscope:ocr-done', zmark, { documentId: zdoc.documentId }, 120_000);
    // Every control of the toolbar and the panel's tabs is still inside the window (a toolbar too wide for it wraps).
    const outside = await z.locator('[data-testid="toolbar"] :is(button, input), [role="tab"]').evaluateAll((els) =>
      els.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => e.getAttribute('data-testid') ?? e.textContent?.trim() ?? e.tagName),
    );
    expect(outside, 'controls cut off at 200 %').toEqual([]);
    await zapp.screenshot(testInfo, 'document-ocr-zoom-200');
  } finally {
    await zoomed.close();
  }
});
