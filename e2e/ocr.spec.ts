// Built-in OCR from the person's side: boxes drawn on the page, the text beside it, selection
// both ways, search hits, and a cancelled run that leaves the app usable.
import { join } from 'node:path';
import { test, expect, attachEachTest } from './support/app';
import { PaliscopeApp } from './pages/paliscope-app';

let app: PaliscopeApp;
// Inference on two shared CPU cores (first run also loads the models): give OCR specs 3× time.
attachEachTest((a) => (app = a), { slow: true });

test('OCR on a page draws a box for every recognised line', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.ocr.expectState('idle');
  const mark = await app.events.mark();
  await app.toolbar.ocrPage.click();
  await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 120_000);
  await app.ocr.expectState('done');

  const lines = await app.ocr.lines.count();
  expect(lines).toBeGreaterThan(3);
  await expect(app.viewer.lineShapes()).toHaveCount(lines);
  // Every box lies on the page image.
  const image = await app.viewer.imageBox();
  for (let i = 0; i < lines; i++) {
    const b = await app.viewer.shapeBox(`line-${i}`);
    expect(b.width).toBeGreaterThan(2);
    expect(b.x).toBeGreaterThanOrEqual(image.x - 1);
    expect(b.y).toBeGreaterThanOrEqual(image.y - 1);
    expect(b.x + b.width).toBeLessThanOrEqual(image.x + image.width + 1);
    expect(b.y + b.height).toBeLessThanOrEqual(image.y + image.height + 1);
  }
  await app.screenshot(testInfo, 'ocr-boxes');

  // Text panel → page: the line's box is selected.
  await app.ocr.line(2).click();
  await expect(app.viewer.shape('line-2')).toHaveClass(/selected/);
  // Page → text panel: clicking a box selects its line.
  await app.viewer.shape('line-0').click();
  await expect(app.ocr.line(0)).toHaveAttribute('aria-pressed', 'true');
  await expect(app.ocr.line(2)).toHaveAttribute('aria-pressed', 'false');

  // J and K walk the lines from the keyboard.
  await app.pressKey('j');
  await expect(app.ocr.line(1)).toHaveAttribute('aria-pressed', 'true');
  await app.pressKey('k');
  await expect(app.ocr.line(0)).toHaveAttribute('aria-pressed', 'true');

  // Zoomed in far, clicking the last line pans its box into view.
  for (let i = 0; i < 6; i++) await app.pressKey('+');
  const last = lines - 1;
  const viewer = await app.viewer.viewerBox();
  // In view: fully on screen vertically, and its start (left edge) on screen (long lines may not fit).
  const inView = (b: { x: number; y: number; width: number; height: number }): boolean =>
    b.x >= viewer.x && b.x < viewer.x + viewer.width && b.y >= viewer.y && b.y + b.height <= viewer.y + viewer.height;
  expect(inView(await app.viewer.shapeBox(`line-${last}`)), 'the last line starts off screen').toBe(false);
  await app.ocr.line(last).click();
  await expect.poll(async () => inView(await app.viewer.shapeBox(`line-${last}`))).toBe(true);
  await expect(app.viewer.shape(`line-${last}`)).toHaveClass(/selected/);
  await app.pressKey('f');

  // Hover names the text and confidence.
  await app.viewer.shape('line-1').hover();
  await expect(app.viewer.tooltip).toContainText(/\d+ % confidence/);

  // Search: a word from the first line is found and marked on the page.
  const firstWord = ((await app.ocr.lineText(0)).match(/[A-Za-z]{4,}/) ?? [''])[0];
  expect(firstWord).not.toBe('');
  await app.ocr.search.fill(firstWord.toLowerCase());
  await expect(app.ocr.hitCount).toContainText(/[1-9]\d* lines?/);
  await expect(app.viewer.shapesWithTone('hit').first()).toBeVisible();
  await app.screenshot(testInfo, 'ocr-search');
  await app.ocr.search.fill('');
  await expect(app.viewer.shapesWithTone('hit')).toHaveCount(0);

  // Copy puts the page's lines on the clipboard, in order.
  await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.ocr.copy.click();
  await expect(app.notices.info('Text copied')).toBeVisible();
  expect(await app.clipboardText()).toBe((await app.ocr.allLineTexts()).join('\n'));
});

test('OCR on every page of a TIFF fills each page and can be cancelled', async ({ fixtures }) => {
  const doc = await app.openFile(join(fixtures, 'multipage.tiff'));
  const mark = await app.events.mark();
  await app.toolbar.ocrAll.click();
  await expect(app.toolbar.ocrProgress).toBeVisible();
  await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 180_000);
  await expect(app.thumbnails.withText).toHaveCount(3);
  for (const index of [0, 1, 2]) {
    await app.thumbnails.item(index).click();
    await app.viewer.expectPage(doc.documentId, index);
    await app.ocr.expectState('done');
    await expect(app.viewer.lineShapes().first()).toBeAttached();
  }

  // Search across pages: Enter walks through the hits on this page, then moves on to the next.
  await app.thumbnails.item(0).click();
  await app.viewer.expectPage(doc.documentId, 0);
  await app.ocr.search.fill('page');
  await expect(app.ocr.otherHits).toBeVisible();
  const here = Number(((await app.ocr.hitCount.innerText()).match(/^\d+/) ?? ['0'])[0]);
  expect(here).toBeGreaterThan(0);
  for (let i = 0; i < here; i++) await app.ocr.search.press('Enter');
  await app.viewer.expectPage(doc.documentId, 0);
  await expect(app.ocr.selectedLines).toHaveCount(1);
  await app.ocr.search.press('Enter');
  await app.viewer.expectPage(doc.documentId, 1);
  await expect(app.ocr.selectedLines).toHaveCount(1);
  await app.ocr.search.press('Shift+Enter');
  await app.viewer.expectPage(doc.documentId, 0);
  await app.ocr.search.fill('');

  // A run long enough that Cancel always lands first (2000 pages; a 3-page TIFF can finish before
  // the click does): the app says so and stays usable, and the TIFF keeps its results.
  const long = await app.openFile(join(fixtures, 'pages-2000.pdf'));
  await app.toolbar.ocrAll.click();
  await expect(app.toolbar.ocrProgress).toBeVisible();
  await app.toolbar.ocrCancel.click();
  await expect(app.notices.info('OCR cancelled')).toBeVisible();
  await expect(app.toolbar.ocrPage).toBeVisible();
  await app.viewer.expectPage(long.documentId, 0);
  await app.tabs.activate(doc.documentId);
  await app.pressKey('Home');
  await app.viewer.expectPage(doc.documentId, 0);
  await app.ocr.expectState('done');
  await expect(app.viewer.lineShapes().first()).toBeAttached();
});

test('OCR boxes read well in the dark theme', async ({ fixtures }, testInfo) => {
  await app.page.emulateMedia({ colorScheme: 'dark' });
  const doc = await app.openFile(join(fixtures, 'document.pdf'));
  const mark = await app.events.mark();
  await app.pressKey('r');
  await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 120_000);
  await expect(app.viewer.lineShapes().first()).toBeAttached();
  await app.ocr.line(1).click();
  await app.screenshot(testInfo, 'ocr-boxes-dark');
  await app.page.emulateMedia({ colorScheme: 'light' });
});
