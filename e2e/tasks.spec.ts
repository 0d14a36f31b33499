// Every task's result over or beside the page. Outputs are pasted in (Paste output…) as a person would paste a raw
// output from another PaliGemma runtime, so each view is checked on a realistic output the tiny random model could
// never produce; the tiny model's own run checks the confidence shading.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { test, expect, attachEachTest } from './support/app';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { startHeadlessHost } from './support/headless-host';
import { writeRandomVae } from '../models/paligemma/tasks/mask/fixture';
import { startImitationHub } from '../models/hub/testing/imitation-hub';
import { MASK_DECODER_SOURCE } from '../models/hub/mask-decoder';
import { MISMATCHED_KERN, PIANO_KERN } from '../models/paligemma/tasks/music/fixtures';

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
  const report = await app.runs.paste('report', 'FINDINGS: Heart size is normal. No pleural effusion or pneumothorax. IMPRESSION: No acute cardiopulmonary process.<eos>');
  await expect(app.runs.result).toHaveAttribute('data-result-kind', 'report');
  await expect(app.runs.root.getByTestId('run-report-heading')).toHaveText(['FINDINGS', 'IMPRESSION']);
  await app.screenshot(testInfo, 'tasks-report');
  const md = await app.runs.export('md');
  expect(md.bytes.toString('utf8')).toBe('## FINDINGS\n\nHeart size is normal. No pleural effusion or pneumothorax.\n\n## IMPRESSION\n\nNo acute cardiopulmonary process.\n');

  const verdict = await app.runs.paste('vsr', 'False', 'the stamp is left of the signature');
  await expect(app.runs.root.getByTestId('run-verdict')).toHaveAttribute('data-answer', 'false');
  await expect(app.runs.root.getByTestId('run-verdict')).toContainText('False');
  const unsure = await app.runs.paste('vsr', 'perhaps', 'the stamp is left of the signature');
  await expect(app.runs.root.getByTestId('run-verdict')).toHaveAttribute('data-answer', 'null');
  await expect(app.runs.warnings).toContainText('is not true/false');
  // The history is the store's, so it also lists earlier runs on this page's content: the three are among them.
  for (const id of [report, verdict, unsure]) await expect(app.runs.historyEntry(id)).toHaveAttribute('data-run-status', 'done');
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

test('a table output renders as a real table with spans, cells selectable, exported as CSV and XLSX', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  const html = '<table><thead><tr><th rowspan="2">Region</th><th colspan="2">Revenue</th></tr><tr><th>2023</th><th>2024</th></tr></thead>'
    + '<tbody><tr><td>North, East</td><td>1.2</td><td>1.4</td></tr><tr><td>South</td><td>0.<b>9</b></td><td>1.1</td></tr></tbody></table>';
  await app.runs.paste('table', html);
  const view = app.runs.root.getByTestId('table-view');
  await expect(view).toHaveAttribute('data-rows', '4');
  await expect(view).toHaveAttribute('data-cols', '3');
  await expect(view.locator('th[rowspan="2"]')).toHaveText('Region');
  await expect(view.locator('th[colspan="2"]')).toHaveText('Revenue');
  await expect(view.locator('b')).toHaveText('9');
  await view.locator('[data-testid="table-cell"][data-row="2"][data-col="1"]').click();
  await view.locator('[data-testid="table-cell"][data-row="3"][data-col="2"]').click({ modifiers: ['Shift'] });
  await expect(view.locator('[data-testid="table-cell"][aria-selected="true"]')).toHaveCount(4);
  await app.screenshot(testInfo, 'tasks-table');

  const csv = await app.runs.export('csv');
  expect(csv.name).toBe('page-p1-table.csv');
  expect(csv.bytes.toString('utf8')).toContain('"North, East",1.2,1.4');
  const xlsx = await app.runs.export('xlsx');
  // A zip (Office Open XML) holding a worksheet.
  expect(xlsx.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(xlsx.bytes.includes(Buffer.from('xl/worksheets/sheet1.xml'))).toBe(true);
});

test('hostile table output renders inert: no script, no event handlers, no javascript: links', async ({ fixtures }) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  const hostile = '<table><tr><td><script>window.__pwned = 1</script>a</td><td><img src=x onerror="window.__pwned = 2">b</td>'
    + '<td><a href="javascript:window.__pwned = 3">c</a></td><td onclick="window.__pwned = 4" style="background:url(https://example.com/x)"><b onmouseover="window.__pwned = 5">d</b></td></tr></table>';
  await app.runs.paste('table', hostile);
  const view = app.runs.root.getByTestId('table-view');
  await expect(view.locator('[data-testid="table-cell"]')).toHaveText(['a', 'b', 'c', 'd']);
  await view.locator('b').hover();
  await view.locator('[data-testid="table-cell"]').nth(3).click();
  expect(await view.locator('script, img, a, iframe, [style*="url("]').count()).toBe(0);
  const handlers = await view.evaluate((root) => [...root.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')));
  expect(handlers).toEqual([]);
  expect(await app.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(app.runs.root.getByTestId('table-warnings')).toContainText(/script/);
  await app.expectNoCspViolations();
});

test('a SMILES output: canonicalised by RDKit with a 2D depiction, formula and InChIKey, exported as SDF; an invalid one says why', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.paste('molecule', 'O=C(C)Oc1ccccc1C(=O)O<eos>');
  const view = app.runs.root.getByTestId('molecule-view');
  await expect(view).toHaveAttribute('data-valid', 'true');
  await expect(view.getByTestId('molecule-canonical')).toHaveText('CC(=O)Oc1ccccc1C(=O)O');
  await expect(view.getByTestId('molecule-inchikey')).toHaveText('BSYNRYMUTXBXSQ-UHFFFAOYSA-N');
  await expect(view.getByTestId('molecule-formula')).toHaveText('C9H8O4');
  // The depiction is an image from a data: URL (never inline SVG), and it loaded.
  const img = view.getByTestId('molecule-depiction');
  await expect(img).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
  expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await app.screenshot(testInfo, 'tasks-molecule');
  const sdf = (await app.runs.export('sdf')).bytes.toString('utf8');
  expect(sdf).toContain('CC(=O)Oc1ccccc1C(=O)O');
  expect(sdf.trimEnd().endsWith('$$$$')).toBe(true);

  await app.runs.paste('molecule', 'C1CCC(');
  await expect(app.runs.root.getByTestId('molecule-invalid')).toBeVisible();
  await expect(app.runs.root.getByTestId('molecule-error')).not.toBeEmpty();
  await app.screenshot(testInfo, 'tasks-molecule-invalid');
  await app.expectNoCspViolations();
});

test('a segment output: masks decoded by the VQ-VAE and drawn under the boxes, highlighted on hover', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  const seg = (codes: number[]): string => codes.map((c) => `<seg${String(c).padStart(3, '0')}>`).join('');
  await app.runs.paste('segment', `${loc(100)}${loc(100)}${loc(500)}${loc(600)}${seg([3, 17, 90, 44, 5, 120, 64, 8, 77, 31, 2, 99, 14, 60, 101, 7])} stamp ; ${loc(600)}${loc(300)}${loc(900)}${loc(800)}${seg([11, 22, 33, 44, 55, 66, 77, 88, 99, 110, 121, 1, 2, 3, 4, 5])} seal`);
  await expect(app.runs.objectEntries).toHaveCount(2);
  await expect(app.runs.objects).toContainText('2 with masks');
  const layer = app.page.getByTestId('mask-layer');
  await expect(layer).toHaveAttribute('data-mask-count', '2');
  await app.runs.objectEntries.nth(1).hover();
  await expect(layer).toHaveAttribute('data-highlighted', '1');
  await app.screenshot(testInfo, 'tasks-segment');
});

test('a region drawn on the page: the run reads only that part, its boxes land inside it, and the result and region mark each other', async ({ fixtures }, testInfo) => {
  const doc = await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  const { width } = await sharp(join(fixtures, 'page.png')).metadata();
  // Draw from 20 % to 60 % of the page image, both ways.
  await app.runs.root.getByTestId('run-region-draw').click();
  const img = await app.viewer.imageBox();
  const mark = await app.events.mark();
  await app.page.mouse.move(img.x + img.width * 0.2, img.y + img.height * 0.2);
  await app.page.mouse.down();
  await app.page.mouse.move(img.x + img.width * 0.4, img.y + img.height * 0.4, { steps: 4 });
  await app.page.mouse.move(img.x + img.width * 0.6, img.y + img.height * 0.6, { steps: 4 });
  await app.page.mouse.up();
  const drawn = await app.events.waitFor('paliscope:region', mark, { documentId: doc.documentId });
  const region = drawn.region!;
  const k = width! / img.width;
  expect(Math.abs(region.x - img.width * 0.2 * k)).toBeLessThan(k * 2 + 1);
  expect(Math.abs(region.width - img.width * 0.4 * k)).toBeLessThan(k * 2 + 1);
  await expect(app.runs.root.getByTestId('run-region-value')).toHaveText(`${region.width}×${region.height} px at ${region.x}, ${region.y}`);
  await expect(app.viewer.shape('next-region')).toBeVisible();

  // An output for the whole of that region: its box is the region.
  await app.runs.paste('detect', `${loc(0)}${loc(0)}${loc(1023)}${loc(1023)} everything here`);
  const { image, shape } = await app.viewer.imageAndShape('object-0');
  const { shape: regionBox } = await app.viewer.imageAndShape('run-region');
  expect(Math.abs(shape.x - regionBox.x)).toBeLessThan(2);
  expect(Math.abs(shape.width - regionBox.width)).toBeLessThan(2);
  expect(Math.abs(regionBox.x - (image.x + region.x / k))).toBeLessThan(2);
  // Hovering the result marks the region it came from; hovering the region marks the result.
  // (On the result's heading: an object entry under the pointer would mark its own box instead.)
  await app.runs.result.hover({ position: { x: 4, y: 4 } });
  await expect(app.viewer.shape('run-region')).toHaveClass(/hovered/);
  await app.page.mouse.move(0, 0);
  await expect(app.viewer.shape('run-region')).not.toHaveClass(/hovered/);
  const r = await app.viewer.shapeBox('run-region');
  await app.page.mouse.move(r.x + 3, r.y + r.height / 2);
  await expect(app.runs.result).toHaveClass(/linked/);
  await app.page.mouse.move(0, 0);
  await app.screenshot(testInfo, 'tasks-region');

  // Whole page again.
  await app.runs.root.getByTestId('run-region-clear').click();
  await expect(app.viewer.shape('next-region')).toHaveCount(0);
});

test('a **kern output: engraved by Verovio beside the page, playable, exported as MusicXML and MIDI; a broken one names its line', async ({ fixtures }, testInfo) => {
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.paste('music', PIANO_KERN);
  const view = app.runs.root.getByTestId('music-view');
  await expect(view).toHaveAttribute('data-valid', 'true');
  const img = view.getByTestId('music-page');
  await expect(img).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
  expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await expect(view.getByTestId('music-play')).toBeEnabled();
  await app.screenshot(testInfo, 'tasks-music');
  // Larger, in a dialog; Escape closes it.
  await app.runs.root.getByTestId('run-expand').click();
  await expect(app.page.getByTestId('run-expanded').getByTestId('music-page')).toBeVisible();
  await app.screenshot(testInfo, 'tasks-music-expanded');
  await app.page.keyboard.press('Escape');
  await expect(app.page.getByTestId('run-expanded')).toHaveCount(0);
  const xml = (await app.runs.export('musicxml')).bytes.toString('utf8');
  expect(xml).toContain('<score-partwise');
  expect(xml).toContain('<note>');
  const midi = (await app.runs.export('mid')).bytes;
  expect(midi.subarray(0, 4).toString('latin1')).toBe('MThd');

  await app.runs.paste('music', MISMATCHED_KERN);
  await expect(app.runs.root.getByTestId('music-invalid')).toBeVisible();
  await expect(app.runs.root.getByTestId('music-error')).toContainText(/line \d+/);
  await app.screenshot(testInfo, 'tasks-music-invalid');
  await app.expectNoCspViolations();
});

test('segment without the mask decoder: the view says what is missing; importing vae-oid.npz draws the masks; a wrong file is refused by name', async ({ app: host, browser, fixtures }, testInfo) => {
  // A host of its own, with an empty models folder (the shared one has a decoder installed).
  test.skip(host.kind !== 'headless', 'starts a headless host of its own');
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-no-vae-'));
  const bare = await startHeadlessHost({ modelsDir: dir });
  const page = await browser.newPage();
  try {
    await page.goto(bare.url);
    const own = await PaliscopeApp.attach(page);
    await own.openFile(join(fixtures, 'page.png'));
    await own.runs.open();
    const codes = Array.from({ length: 16 }, (_, i) => `<seg${String((i * 9) % 128).padStart(3, '0')}>`).join('');
    await own.runs.paste('segment', `${loc(100)}${loc(100)}${loc(700)}${loc(800)}${codes} stamp`);
    await expect(own.runs.root.getByTestId('mask-decoder-missing')).toBeVisible();
    await expect(own.runs.warnings).toContainText('vae-oid.npz');
    await own.screenshot(testInfo, 'tasks-segment-no-decoder');

    // Not a decoder: refused, naming the file.
    const notNpz = join(dir, 'notes.npz');
    writeFileSync(notNpz, 'not a zip');
    await own.runs.root.getByTestId('mask-decoder-input').setInputFiles(notNpz);
    await expect(own.runs.root.getByTestId('mask-decoder-error')).toContainText('notes.npz');

    const vae = join(dir, 'picked', 'vae-oid.npz');
    mkdirSync(join(dir, 'picked'));
    writeRandomVae(vae, { seed: 5, embeddingDim: 16 });
    await own.runs.root.getByTestId('mask-decoder-input').setInputFiles(vae);
    await expect(page.getByTestId('mask-layer')).toHaveAttribute('data-mask-count', '1');
    await expect(own.runs.root.getByTestId('mask-decoder-missing')).toHaveCount(0);
    // Kept for later runs: the next segment output gets its masks straight away.
    await own.runs.paste('segment', `${loc(200)}${loc(200)}${loc(600)}${loc(600)}${codes} seal`);
    await expect(page.getByTestId('mask-layer')).toHaveAttribute('data-mask-count', '1');
    await own.screenshot(testInfo, 'tasks-segment-decoder-imported');
  } finally {
    await page.close();
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the mask decoder can be downloaded from the hub instead (an imitation on 127.0.0.1): progress, checked, masks drawn', async ({ app: host, browser, fixtures }, testInfo) => {
  test.skip(host.kind !== 'headless', 'starts a headless host of its own, pointed at an imitation hub');
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-vae-download-'));
  const space = join(dir, 'space');
  mkdirSync(space);
  writeRandomVae(join(space, 'vae-oid.npz'), { seed: 9, embeddingDim: 16 });
  const hub = await startImitationHub({ [MASK_DECODER_SOURCE.repo]: { dir: space } });
  const own = await startHeadlessHost({ modelsDir: join(dir, 'models'), env: { PALISCOPE_HF_ENDPOINT: hub.endpoint } });
  const page = await browser.newPage();
  try {
    await page.goto(own.url);
    const app2 = await PaliscopeApp.attach(page);
    await app2.openFile(join(fixtures, 'page.png'));
    await app2.runs.open();
    const codes = Array.from({ length: 16 }, (_, i) => `<seg${String((i * 5) % 128).padStart(3, '0')}>`).join('');
    await app2.runs.paste('segment', `${loc(150)}${loc(150)}${loc(650)}${loc(850)}${codes} seal`);
    await app2.runs.root.getByTestId('mask-decoder-download').click();
    await expect(page.getByTestId('mask-layer')).toHaveAttribute('data-mask-count', '1');
    await expect(app2.runs.root.getByTestId('mask-decoder-missing')).toHaveCount(0);
    expect(hub.requests.some((q) => q.url.startsWith('/api/spaces/big-vision/paligemma-hf/tree/main'))).toBe(true);
    await app2.screenshot(testInfo, 'tasks-segment-decoder-downloaded');
  } finally {
    await page.close();
    await own.stop();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
