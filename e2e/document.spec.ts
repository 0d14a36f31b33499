// The Document view from the person's side, on a generated PDF of known structure: the born-digital page's regions
// numbered in reading order over the page and in the list; reorder by keyboard and by dragging; a region retyped,
// corrected, accepted; the assembled document following every change; only-reviewed content; the export; and the
// scanned page saying it needs OCR.
import { writeFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { test, expect, attachEachTest } from './support/app';
import { PaliscopeApp } from './pages/paliscope-app';
import { generateDocument } from '../models/document/testing/generate';

let app: PaliscopeApp;
attachEachTest((a) => (app = a));

test('regions in reading order: reorder, retype, correct, review, export the whole document', async ({}, testInfo) => {
  const pdf = testInfo.outputPath('generated.pdf');
  writeFileSync(pdf, (await generateDocument()).pdf);
  await app.openFile(pdf);
  const doc = app.document;
  await doc.open();
  await expect(doc.regions).toHaveCount(7);
  // Every region of the page is drawn, the header and the footer too (unnumbered).
  await expect(doc.overlay.locator('g.region')).toHaveCount(9);
  // The SVG draws them in region order, not reading order: the numbers as a set.
  expect((await doc.overlay.locator('g.region text').allTextContents()).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  const known = [/^Region 1, title: Reading order/, /^Region 2, text: Alpha/, /^Region 3, text: Bravo/, /^Region 4, text: Charlie/, /^Region 5, figure/, /^Region 6, caption: Figure 1/, /^Region 7, text: Delta/];
  const order = await doc.order();
  known.forEach((re, i) => expect(order[i]).toMatch(re));
  await expect(doc.root.getByTestId('document-unread').locator('li')).toHaveCount(2);
  await expect(doc.preview).toContainText('# Reading order in two columns');
  await expect.poll(() => doc.pageImage.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
  await app.screenshot(testInfo, 'document-regions');

  // Keyboard: Alt+↓ moves Alpha below Bravo; the preview follows.
  await doc.handle(1).focus();
  await app.page.keyboard.press('Alt+ArrowDown');
  expect((await doc.order())[1]).toMatch(/^Region 2, text: Bravo/);
  await expect.poll(async () => { const t = (await doc.preview.textContent()) ?? ''; return t.indexOf('Bravo continues') < t.indexOf('Alpha opens'); }).toBe(true);
  // Dragging Alpha (now 3rd) back onto the 2nd row restores the known order.
  await doc.handle(2).dragTo(doc.regions.nth(1));
  expect((await doc.order())[1]).toMatch(/^Region 2, text: Alpha/);
  await expect.poll(async () => { const t = (await doc.preview.textContent()) ?? ''; return t.indexOf('Alpha opens') < t.indexOf('Bravo continues'); }).toBe(true);

  // Retype Delta as a title: it becomes a second-level heading.
  await doc.regions.nth(6).getByTestId('document-region-type').selectOption('title');
  await expect(doc.preview).toContainText('## Delta closes the right column');
  // Correct Charlie's text.
  await doc.regions.nth(3).locator('.text').dblclick();
  await doc.regions.nth(3).getByTestId('document-region-text').fill('Charlie, corrected by hand.');
  await doc.regions.nth(3).getByTestId('document-region-save').click();
  await expect(doc.preview).toContainText('Charlie, corrected by hand.');
  await expect(doc.regions.nth(3)).toHaveClass(/review-corrected/);
  // Accept the title; only reviewed content leaves the title and the correction.
  await doc.regions.nth(0).getByTestId('document-accept').click();
  await doc.regions.nth(1).getByTestId('document-reject').click();
  await doc.onlyReviewed.check();
  await expect.poll(async () => ((await doc.preview.textContent()) ?? '').trim().split('\n\n')).toEqual(['# Reading order in two columns', 'Charlie, corrected by hand.']);
  await app.screenshot(testInfo, 'document-reviewed');

  // The export holds what the preview shows.
  const docx = await doc.export('docx');
  expect(docx.name).toBe('generated.docx');
  const xml = strFromU8(unzipSync(new Uint8Array(docx.bytes))['word/document.xml']!);
  expect(xml).toContain('Charlie, corrected by hand.');
  expect(xml).not.toContain('Alpha opens');
  await doc.onlyReviewed.uncheck();
  const md = await doc.export('md');
  expect(md.name).toBe('generated.zip');
  const files = unzipSync(new Uint8Array(md.bytes));
  const text = strFromU8(files['generated.md']!);
  expect(text).toMatch(/^# Reading order in two columns\n\nAlpha opens/);
  expect(text).toContain('Registers by parish');
  expect(Object.keys(files).some((n) => /^generated\.images\/p1-r\d+\.png$/.test(n))).toBe(true);

  // The scanned page has no text layer: the view says to read it with OCR first.
  await app.thumbnails.item(2).click();
  await expect(doc.note).toContainText('page 3 has no text layer');
  await app.screenshot(testInfo, 'document-scanned-page');
});
