// The viewer seen by a person: opening each kind of document, paging, zooming and panning with
// overlays that stay on their pixels, lazy thumbnails, errors that name the file, and the help.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, attachEachTest } from './support/app';
import { ENCRYPTED_PDF_PASSWORD } from './fixtures/make-fixtures';
import { PREVIEW_MAX_SIDE, THUMBNAIL_MAX_SIDE } from '../preload/contract/page-image';
import { PaliscopeApp } from './pages/paliscope-app';
import type { Box } from './pages/viewer';

/** Width and height from a PNG's IHDR chunk: the truth the viewer's page size must match. */
function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

let app: PaliscopeApp;
attachEachTest((a) => (app = a));

test('opens a PNG at its full pixel size', async ({ fixtures }, testInfo) => {
  const path = join(fixtures, 'page.png');
  const doc = await app.openFile(path);
  expect(doc.pages).toBe(1);
  const size = pngSize(path);
  expect(await app.viewer.pageSize()).toEqual(size);
  await expect(app.status.pageSize).toHaveText(`${size.width} × ${size.height} px`);
  await app.toolbar.expectPageCount(1);
  await expect(app.toolbar.nextPage).toBeDisabled();
  // Fit page: the whole page is inside the viewer.
  const image = await app.viewer.imageBox();
  const viewer = await app.viewer.viewerBox();
  expect(image.x).toBeGreaterThanOrEqual(viewer.x);
  expect(image.y).toBeGreaterThanOrEqual(viewer.y);
  expect(image.x + image.width).toBeLessThanOrEqual(viewer.x + viewer.width + 0.5);
  expect(image.y + image.height).toBeLessThanOrEqual(viewer.y + viewer.height + 0.5);
  expect(image.width / image.height).toBeCloseTo(size.width / size.height, 2);
  await app.screenshot(testInfo, 'toolbar', app.toolbar.root);
});

test('pages through a multi-page TIFF with buttons, keys, the page box and thumbnails', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'multipage.tiff'));
  expect(doc.pages).toBe(3);
  await app.toolbar.expectPageCount(3);
  await expect(app.thumbnails.items).toHaveCount(3);

  await app.toolbar.nextPage.click();
  await app.viewer.expectPage(doc.documentId, 1);
  await app.pressKey('PageDown');
  await app.viewer.expectPage(doc.documentId, 2);
  await expect(app.toolbar.nextPage).toBeDisabled();
  await app.pressKey('ArrowRight'); // already on the last page: stays
  await app.viewer.expectPage(doc.documentId, 2);
  await app.pressKey('ArrowLeft');
  await app.viewer.expectPage(doc.documentId, 1);
  await app.toolbar.goToPage(3);
  await app.viewer.expectPage(doc.documentId, 2);
  await app.thumbnails.item(0).click();
  await app.viewer.expectPage(doc.documentId, 0);
  await expect(app.thumbnails.item(0)).toHaveAttribute('aria-current', 'page');
  await app.pressKey('End');
  await app.viewer.expectPage(doc.documentId, 2);
  await expect(app.thumbnails.loaded).toHaveCount(3);
  await app.screenshot(testInfo, 'thumbnails-tiff');
});

test('opens a multi-page PDF and shows each page', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'document.pdf'));
  expect(doc.pages).toBeGreaterThan(1);
  await app.toolbar.expectPageCount(doc.pages);
  await app.screenshot(testInfo, 'viewer-pdf');
  await app.pressKey('w');
  await expect(app.viewer.root).toHaveAttribute('data-zoom-mode', 'fit-width');
  const viewer = await app.viewer.viewerBox();
  const image = await app.viewer.imageBox();
  // Fit width leaves the same small margin on both sides.
  expect(Math.abs(image.x - viewer.x - (viewer.x + viewer.width - image.x - image.width))).toBeLessThan(2);
  await app.pressKey('PageDown');
  await app.viewer.expectPage(doc.documentId, 1);
  await app.screenshot(testInfo, 'viewer-pdf-page-2-fit-width');
});

/** Where a rectangle given in image pixels must appear on screen, from the image's own box. */
function expectedScreenRect(image: Box, page: { width: number; height: number }, r: Box): Box {
  const sx = image.width / page.width;
  const sy = image.height / page.height;
  return { x: image.x + r.x * sx, y: image.y + r.y * sy, width: r.width * sx, height: r.height * sy };
}

async function reloadWithDebugOverlay(page: Page, r: Box): Promise<PaliscopeApp> {
  const url = new URL(page.url());
  url.searchParams.set('debugOverlay', `${r.x},${r.y},${r.width},${r.height}`);
  await page.goto(url.href);
  return PaliscopeApp.attach(page);
}

test('an overlay rectangle stays on its pixels through zoom and pan', async ({ appPage, fixtures }, testInfo) => {
  const size = pngSize(join(fixtures, 'page.png'));
  const rect = { x: Math.round(size.width * 0.3), y: Math.round(size.height * 0.4), width: Math.round(size.width * 0.2), height: Math.round(size.height * 0.05) };
  app = await reloadWithDebugOverlay(appPage, rect);
  await app.openFile(join(fixtures, 'page.png'));
  const v = app.viewer;
  await expect(v.shape('debug-rect')).toHaveCount(1);

  const seen: Box[] = [];
  const check = async (label: string): Promise<void> => {
    const { image, shape: got } = await v.imageAndShape('debug-rect');
    const want = expectedScreenRect(image, size, rect);
    for (const k of ['x', 'y', 'width', 'height'] as const) {
      expect(Math.abs(got[k] - want[k]), `${label}: overlay ${k} is ${got[k]}, its pixels are at ${want[k]}`).toBeLessThan(1.5);
    }
    // Each step must really have moved or scaled the page, or the check proves nothing.
    expect(seen.some((s) => Math.abs(s.x - image.x) < 0.5 && Math.abs(s.y - image.y) < 0.5 && Math.abs(s.width - image.width) < 0.5), `${label}: the view did not change`).toBe(false);
    seen.push(image);
  };

  await check('fit page');
  const fitted = await v.zoom();
  await app.pressKey('+');
  const zoomed = await v.expectZoomChangedFrom(fitted);
  await check('zoom in with +');
  await app.screenshot(testInfo, 'overlay-zoomed');
  await v.ctrlWheel(-240, { fx: 0.3, fy: 0.7 });
  await v.expectZoomChangedFrom(zoomed);
  await check('ctrl+wheel around a point');
  const before = await v.imageBox();
  await v.dragBy(-180, -140);
  await expect.poll(async () => (await v.imageBox()).x).not.toBe(before.x);
  await check('drag to pan');
  const beforeWheel = await v.imageBox();
  await v.wheel(0, 200);
  await expect.poll(async () => (await v.imageBox()).y).not.toBe(beforeWheel.y);
  await check('wheel pan');
  await app.toolbar.zoomActual.click();
  await expect(v.root).toHaveAttribute('data-zoom', (1).toFixed(4));
  await check('100 %');
  await app.pressKey('w');
  await expect(v.root).toHaveAttribute('data-zoom-mode', 'fit-width');
  await check('fit width');
});

test('a 12000×9000 scan opens with one downscaled preview in the page', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'big-scan.png'));
  const v = app.viewer;
  expect(await v.pageSize()).toEqual(pngSize(join(fixtures, 'big-scan.png')));
  // Only the current page's preview is in the DOM, and it is the bounded preview, not full size.
  await expect(v.image).toHaveCount(1);
  const natural = await v.imageNaturalSize();
  expect(Math.max(natural.width, natural.height)).toBeLessThanOrEqual(4096);
  await app.screenshot(testInfo, 'big-scan-fit');
  // The page element still has the full pixel size, so zoom 100 % means one image pixel per CSS pixel.
  await app.toolbar.zoomActual.click();
  await expect(v.root).toHaveAttribute('data-zoom', (1).toFixed(4));
  const box = await v.imageBox();
  expect(Math.round(box.width)).toBe(12000);
  await v.dragBy(-300, -200);
  await app.viewer.expectPage(doc.documentId, 0);
});

test('while a page preview loads, its thumbnail stands in, stretched to the page', async ({ fixtures }) => {
  const previews = await app.holdPreviews(PREVIEW_MAX_SIDE);
  const mark = await app.events.mark();
  await app.fileInput.setInputFiles(join(fixtures, 'page.png'));
  const opened = await app.events.waitFor('paliscope:document-opened', mark, { name: 'page.png' });
  await expect.poll(() => previews.held()).toBeGreaterThan(0);
  await expect(app.viewer.root).toHaveAttribute('data-image-loaded', 'false');
  await expect(app.viewer.placeholder).toBeVisible();
  const stand = (await app.viewer.placeholder.boundingBox())!;
  const page = (await app.viewer.image.boundingBox())!;
  expect(Math.abs(stand.width - page.width)).toBeLessThan(1);
  expect(Math.abs(stand.height - page.height)).toBeLessThan(1);
  previews.release();
  await app.events.waitFor('paliscope:page-loaded', mark, { documentId: opened.documentId, index: 0 });
  await app.viewer.expectPage(opened.documentId, 0);
  await expect(app.viewer.placeholder).toHaveCount(0);
});

test('dropping a file on the window opens it', async ({ fixtures }) => {
  const mark = await app.events.mark();
  await app.dropFile(join(fixtures, 'multipage.tiff'));
  const opened = await app.events.waitFor('paliscope:document-opened', mark, { name: 'multipage.tiff' });
  expect(opened.pages).toBe(3);
  await app.viewer.expectPage(opened.documentId, 0);
});

test('zooming with Ctrl+wheel keeps the image point under the pointer', async ({ fixtures }) => {
  await app.openFile(join(fixtures, 'page.png'));
  const v = app.viewer;
  const size = await v.pageSize();
  const vb = await v.viewerBox();
  const at = { x: vb.x + vb.width * 0.4, y: vb.y + vb.height * 0.35 };
  const imagePoint = (b: Box): { x: number; y: number } => ({ x: ((at.x - b.x) / b.width) * size.width, y: ((at.y - b.y) / b.height) * size.height });
  const p0 = imagePoint(await v.imageBox());
  const zoom = await v.zoom();
  await v.ctrlWheel(-300, { fx: 0.4, fy: 0.35 });
  await v.expectZoomChangedFrom(zoom);
  const p1 = imagePoint(await v.imageBox());
  expect(Math.abs(p1.x - p0.x)).toBeLessThan(1.5);
  expect(Math.abs(p1.y - p0.y)).toBeLessThan(1.5);
  // The status bar names the image pixel under the pointer (±1 for sub-pixel pointer positions).
  const [cx, cy] = ((await app.status.cursor.innerText()).match(/\d+/g) ?? []).map(Number);
  expect(Math.abs(cx! - p1.x)).toBeLessThanOrEqual(1);
  expect(Math.abs(cy! - p1.y)).toBeLessThanOrEqual(1);
});

for (const bad of ['corrupt.png', 'not-an-image.png', 'zero.png', 'truncated.jpg']) {
  test(`a failed open of ${bad} names the file and leaves the other documents alone`, async ({ fixtures }, testInfo) => {
    const good = await app.openFile(join(fixtures, 'page.png'));
    const error = await app.openFailing(join(fixtures, bad));
    const banner = app.notices.errorFor(bad);
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('data-code', error.code);
    await expect(app.notices.message(banner)).toHaveText(error.message);
    expect(error.message.length).toBeGreaterThan(0);
    // The document that was open is untouched and still shown.
    await expect(app.tabs.tabs).toHaveCount(1);
    await app.viewer.expectPage(good.documentId, 0);
    if (bad === 'corrupt.png') await app.screenshot(testInfo, 'error-banner');
    // The app keeps working: another file opens beside the first.
    const next = await app.openFile(join(fixtures, 'multipage.tiff'));
    await expect(app.tabs.tabs).toHaveCount(2);
    await app.tabs.activate(good.documentId);
    await app.viewer.expectPage(good.documentId, 0);
    await app.tabs.activate(next.documentId);
    await app.viewer.expectPage(next.documentId, 0);
    await app.notices.dismiss(banner);
  });
}

test('+, - and 0 zoom from the keyboard, and the readouts follow', async ({ fixtures }) => {
  await app.openFile(join(fixtures, 'page.png'));
  const v = app.viewer;
  const fitted = await v.zoom();
  await app.pressKey('+');
  const bigger = await v.expectZoomChangedFrom(fitted);
  expect(bigger).toBeCloseTo(fitted * 1.25, 3);
  await app.pressKey('-');
  expect(await v.expectZoomChangedFrom(bigger)).toBeCloseTo(fitted, 3);
  await app.pressKey('0');
  await expect(v.root).toHaveAttribute('data-zoom', '1.0000');
  await expect(app.toolbar.zoomReadout).toHaveValue('100 %');
  await expect(app.status.zoom).toHaveText('100 %');
  await app.pressKey('f');
  await expect(v.root).toHaveAttribute('data-zoom', fitted.toFixed(4));
  // A typed zoom.
  await app.toolbar.setZoomPercent(250);
  await expect(v.root).toHaveAttribute('data-zoom', '2.5000');
  await expect(app.toolbar.zoomReadout).toHaveValue('250 %');
});

test('the text panel can be widened and the page refits beside it', async ({ fixtures }) => {
  await app.openFile(join(fixtures, 'document.pdf'));
  await app.pressKey('w');
  const panelBefore = (await app.ocr.root.boundingBox())!.width;
  const zoomBefore = await app.viewer.zoom();
  await app.dragTextPanelSplitter(-120);
  await expect.poll(async () => Math.round((await app.ocr.root.boundingBox())!.width - panelBefore)).toBe(120);
  // Fit width follows the narrower viewer.
  expect(await app.viewer.expectZoomChangedFrom(zoomBefore)).toBeLessThan(zoomBefore);
});

test('switching tabs keeps each document at the zoom and position it was left at', async ({ fixtures }) => {
  const a = await app.openFile(join(fixtures, 'page.png'));
  await app.pressKey('+');
  await app.pressKey('+');
  await app.viewer.dragBy(-120, -90);
  const zoomA = await app.viewer.zoom();
  const boxA = await app.viewer.imageBox();
  const b = await app.openFile(join(fixtures, 'document.pdf'));
  await expect(app.viewer.root).toHaveAttribute('data-zoom-mode', 'custom');
  await app.pressKey('f');
  await app.tabs.activate(a.documentId);
  await app.viewer.expectPage(a.documentId, 0);
  await expect(app.viewer.root).toHaveAttribute('data-zoom', zoomA.toFixed(4));
  const back = await app.viewer.imageBox();
  expect(Math.abs(back.x - boxA.x)).toBeLessThan(1);
  expect(Math.abs(back.y - boxA.y)).toBeLessThan(1);
  await app.tabs.activate(b.documentId);
  await expect(app.viewer.root).toHaveAttribute('data-zoom-mode', 'fit-page');
});

test('closing one document leaves the others as they were', async ({ fixtures }) => {
  const a = await app.openFile(join(fixtures, 'multipage.tiff'));
  await app.pressKey('PageDown');
  await app.viewer.expectPage(a.documentId, 1);
  const b = await app.openFile(join(fixtures, 'document.pdf'));
  const c = await app.openFile(join(fixtures, 'page.png'));
  await app.tabs.close(b.documentId);
  await expect(app.tabs.tabs).toHaveCount(2);
  await app.viewer.expectPage(c.documentId, 0);
  await app.tabs.activate(a.documentId);
  // Each document remembers its page.
  await app.viewer.expectPage(a.documentId, 1);
  await app.tabs.close(a.documentId);
  await app.tabs.close(c.documentId);
  await expect(app.emptyState).toBeVisible();
});

test('a 2000-page PDF loads thumbnails only as they scroll into view', async ({ fixtures }, testInfo) => {
  const thumbnailRequests = app.trackPageImageRequests(THUMBNAIL_MAX_SIDE);
  const doc = await app.openFile(join(fixtures, 'pages-2000.pdf'));
  expect(doc.pages).toBe(2000);
  await expect(app.thumbnails.items).toHaveCount(2000);
  await expect(app.thumbnails.item(0)).toHaveAttribute('data-loaded', 'true');
  const first = await app.thumbnails.requested.count();
  expect(first, 'thumbnails requested before scrolling').toBeLessThan(40);
  await app.screenshot(testInfo, 'thumbnails-2000');
  await app.thumbnails.scrollToBottom();
  await expect(app.thumbnails.item(1999)).toHaveAttribute('data-requested', 'true');
  // Thumbnails scrolled far away give their images up.
  await expect(app.thumbnails.item(0)).toHaveAttribute('data-requested', 'false');
  expect(await app.thumbnails.requested.count(), 'thumbnails with images after one jump to the end').toBeLessThan(first + 10);
  await expect(app.thumbnails.item(1000)).toHaveAttribute('data-requested', 'false');
  // What went over the wire agrees: a few screenfuls of thumbnails, not two thousand.
  await expect.poll(() => thumbnailRequests.indices().has(1999)).toBe(true);
  expect(thumbnailRequests.indices().size).toBeLessThan(2 * first + 10);
  expect(thumbnailRequests.indices().has(1000)).toBe(false);
  await app.thumbnails.item(1999).click();
  await app.viewer.expectPage(doc.documentId, 1999);
  await app.pressKey('Home');
  await app.viewer.expectPage(doc.documentId, 0);
});

test('a password-protected PDF asks for its password', async ({ fixtures }) => {
  await app.fileInput.setInputFiles(join(fixtures, 'encrypted.pdf'));
  await expect(app.dialogs.password).toBeVisible();
  await app.dialogs.passwordInput.fill('not the password');
  await app.dialogs.passwordSubmit.click();
  await expect(app.dialogs.passwordWrong).toBeVisible();
  const mark = await app.events.mark();
  await app.dialogs.passwordInput.fill(ENCRYPTED_PDF_PASSWORD);
  await app.dialogs.passwordSubmit.click();
  const opened = await app.events.waitFor('paliscope:document-opened', mark, { name: 'encrypted.pdf' });
  await expect(app.dialogs.password).toHaveCount(0);
  await app.viewer.expectPage(opened.documentId, 0);
});

test('cancelling the password prompt opens nothing and says so', async ({ fixtures }) => {
  await app.fileInput.setInputFiles(join(fixtures, 'encrypted.pdf'));
  await expect(app.dialogs.password).toBeVisible();
  await expect(app.dialogs.password).toContainText('encrypted.pdf');
  await app.page.keyboard.press('Escape');
  await expect(app.dialogs.password).toHaveCount(0);
  await expect(app.notices.info('encrypted.pdf')).toBeVisible();
  await expect(app.tabs.tabs).toHaveCount(0);
});

test('? shows the keyboard shortcuts and Escape closes them', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'document.pdf'));
  await app.pressKey('?');
  await expect(app.dialogs.help).toBeVisible();
  await expect(app.dialogs.help).toContainText('Fit width');
  await expect(app.dialogs.help).toContainText('Run OCR on this page');
  await app.screenshot(testInfo, 'help-overlay');
  await app.page.keyboard.press('Escape');
  await expect(app.dialogs.help).toHaveCount(0);
});
