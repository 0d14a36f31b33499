// Saving the OCR text from the panel's Export menu: the file arrives as a download (both hosts),
// plain text holds the recognised lines and ALTO is version 4.
import { join } from 'node:path';
import { test, expect, attachEachTest } from './support/app';
import { PaliscopeApp } from './pages/paliscope-app';

let app: PaliscopeApp;
// OCR inference on two shared CPU cores: give it 3× the time.
attachEachTest((a) => (app = a), { slow: true });

test('after OCR, Export saves the text as plain text and as ALTO v4', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'page.png'));
  // Nothing to export before any page has been read.
  await expect(app.ocr.exportButton).toBeDisabled();
  const mark = await app.events.mark();
  await app.toolbar.ocrPage.click();
  await app.events.waitFor('paliscope:ocr-done', mark, { documentId: doc.documentId }, 120_000);
  await expect(app.ocr.exportButton).toBeEnabled();

  const lines = await app.ocr.allLineTexts();
  const txt = await app.ocr.export('txt');
  expect(txt.name).toBe('page.txt');
  expect(txt.text.trim().length).toBeGreaterThan(0);
  expect(txt.text).toContain(lines[0]);

  await app.ocr.exportButton.click();
  await expect(app.ocr.exportMenu).toBeVisible();
  await app.screenshot(testInfo, 'runs-ocr-export-menu');
  await app.ocr.exportButton.click();
  await expect(app.ocr.exportMenu).toBeHidden();

  const alto = await app.ocr.export('alto');
  expect(alto.name).toBe('page.alto.xml');
  expect(alto.text).toContain('xmlns="http://www.loc.gov/standards/alto/ns-v4#"');
  expect(alto.text).toContain('<String ');
  const exported = await app.events.all('paliscope:ocr-exported', mark);
  expect(exported.map((e) => e.format)).toEqual(['txt', 'alto']);
});
