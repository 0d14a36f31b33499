// Two models compared on every task, end to end, in Chromium against the headless host: outputs pasted under two model
// names ("Model A", "Model B") on the three pages of a TIFF, the tiny random-weight model reading the same pages, and
// Model A's results reviewed in Review (accepted where right, corrected where wrong) — the truth. The Evaluate view's
// means are asserted against values worked out here from the known truth and prediction pairs (by hand where the
// arithmetic is short; by the metric functions on the known strings where it is not, e.g. the tiny model's random text),
// never read back from the app. The chart is kept as a screenshot and `paliscope eval` on the same project file prints
// the same numbers.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { testWithOwnHost, expect } from './support/app';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';
import { EvaluateView } from './pages/evaluate';
import { run as evalCli } from '../models/eval/cli';
import { exactMatch, rougeL, textErrors } from '../models/eval/text';
import { teds } from '../models/eval/tables';
import { parseTable } from '../models/paligemma/tasks/table/parse-table';

// A host of this spec's own, so the project holds only what this test does.
const test = testWithOwnHost();

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const seg = (codes: number[]): string => codes.map((c) => `<seg${String(c).padStart(3, '0')}>`).join('');
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** What the review does to Model A's result on a page: accept it, or correct it to this text / SMILES. */
type Review = 'accept' | { text: string } | { smiles: string };
interface Case { task: string; prompt?: string; a: [string, string, string]; b: [string, string, string]; review: [Review, Review, Review] }

// Boxes: y0 x0 y1 x1 in 1/1024 of the page.
const STAMP = `${loc(100)}${loc(100)}${loc(400)}${loc(500)} stamp`;
const SIGNATURE = `${loc(600)}${loc(550)}${loc(900)}${loc(950)} signature`;
const SIGNATURE_AS_STAMP = `${loc(600)}${loc(550)}${loc(900)}${loc(950)} stamp`;
const EXIT = `${loc(210)}${loc(102)}${loc(265)}${loc(390)}`;
const PLATFORM = `${loc(300)}${loc(410)}${loc(352)}${loc(700)}`;
const SEAL = `${loc(100)}${loc(100)}${loc(500)}${loc(600)}${seg([3, 17, 90, 44, 5, 120, 64, 8, 77, 31, 2, 99, 14, 60, 101, 7])} stamp`;
const RING = `${loc(600)}${loc(300)}${loc(900)}${loc(800)}${seg([11, 22, 33, 44, 55, 66, 77, 88, 99, 110, 121, 1, 2, 3, 4, 5])} seal`;
const table = (rows: string[][]) => `<table>${rows.map((r, i) => `<tr>${r.map((c) => (i ? `<td>${c}</td>` : `<th>${c}</th>`)).join('')}</tr>`).join('')}</table>`;
const T1 = [['Region', '2024'], ['North', '1.4'], ['South', '0.8']];
const T2 = [['Name', 'Age', 'City'], ['Ann', '31', 'Oslo']];
const KERN = '**kern\t**kern\n*clefF4\t*clefG2\n4C\t4e\n*-\t*-';

const OCR_TRUTH = ['Dear Sir, the meeting is on Monday.', 'Please find the minutes attached.', 'Yours faithfully, J. Smith'];
const CASES: Case[] = [
  {
    task: 'ocr',
    a: ['Dear Sir, the rneeting is on Monday.', 'Please find the minutes atached.', OCR_TRUTH[2]!],
    b: ['Dear Sir the meeting is on Monday', OCR_TRUTH[1]!, 'Yours faithfully J Smith'],
    review: [{ text: OCR_TRUTH[0]! }, { text: OCR_TRUTH[1]! }, 'accept'],
  },
  { task: 'caption', prompt: 'caption en', a: ['a letter with a red stamp', 'a typed page of minutes', 'a letter'], b: ['a letter with a stamp', 'a page of text', 'a signed letter'], review: [{ text: 'a letter with a stamp' }, 'accept', { text: 'a signed letter' }] },
  { task: 'describe', prompt: 'describe en', a: ['a typed letter on white paper', 'minutes of a meeting', 'a short letter'], b: ['a typed letter on paper', 'minutes of a meeting', 'a letter'], review: ['accept', 'accept', 'accept'] },
  { task: 'answer', prompt: 'answer en what is the date?', a: ['12 March 1921', 'monday', '1920'], b: ['March 1921', 'Monday', '1921'], review: ['accept', { text: 'Monday' }, { text: '1921' }] },
  { task: 'report', a: ['FINDINGS: Heart size is normal. IMPRESSION: No acute process.', 'FINDINGS: Small effusion. IMPRESSION: Effusion.', 'IMPRESSION: Normal study.'], b: ['FINDINGS: Heart size is normal. IMPRESSION: No acute process.', 'FINDINGS: No effusion. IMPRESSION: Normal.', 'IMPRESSION: Normal study.'], review: ['accept', 'accept', { text: 'IMPRESSION: Normal chest.' }] },
  // VSR truth: true, false, true; A says true everywhere (corrected on page 2), B says false, false, false.
  { task: 'vsr', prompt: 'the stamp is left of the signature', a: ['true', 'true', 'true'], b: ['false', 'false', 'false'], review: ['accept', { text: 'false' }, 'accept'] },
  { task: 'detect', prompt: 'detect stamp ; signature', a: [`${STAMP} ; ${SIGNATURE}`, `${STAMP} ; ${SIGNATURE}`, `${STAMP} ; ${SIGNATURE}`], b: [`${STAMP} ; ${SIGNATURE}`, STAMP, `${STAMP} ; ${SIGNATURE_AS_STAMP}`], review: ['accept', 'accept', 'accept'] },
  { task: 'ocr-boxes', a: [`${EXIT} EXIT ; ${PLATFORM} Platform`, `${EXIT} EXIT ; ${PLATFORM} Platform`, `${EXIT} EXIT ; ${PLATFORM} Platform`], b: [`${EXIT} EXIT ; ${PLATFORM} Platform`, `${EXIT} Exit ; ${PLATFORM} Platfrom`, `${EXIT} EXIT`], review: ['accept', 'accept', 'accept'] },
  { task: 'segment', prompt: 'segment stamp ; seal', a: [`${SEAL} ; ${RING}`, `${SEAL} ; ${RING}`, `${SEAL} ; ${RING}`], b: [`${SEAL} ; ${RING}`, SEAL, `${SEAL} ; ${RING}`], review: ['accept', 'accept', 'accept'] },
  { task: 'table', a: [table(T1), table(T2), table(T1)], b: [table(T1), table([['Name', 'Age', 'City'], ['Ann', '13', 'Oslo']]), table(T1.slice(0, 2))], review: ['accept', 'accept', 'accept'] },
  // Truth: ethanol (A wrote it another way), phenol, acetic acid (A wrote methyl acetate: corrected).
  { task: 'molecule', a: ['OCC', 'Oc1ccccc1', 'CC(=O)OC'], b: ['CCO', 'Nc1ccccc1', 'C1CC('], review: ['accept', 'accept', { smiles: 'CC(=O)O' }] },
  { task: 'music', a: [KERN, KERN, KERN], b: [KERN, KERN.replace('4e', '4f'), KERN], review: ['accept', 'accept', 'accept'] },
];

test('two models on three pages of every task: reviewed truth, the scores in Evaluate, the chart, and the CLI agrees', async ({ appPage, hostKind, fixtures, headlessPool }, testInfo) => {
  test.skip(hostKind === 'electron', 'evaluation is checked against the headless host (Electron needs its own SQLite add-on)');
  test.setTimeout(480_000);
  const app = await PaliscopeApp.attach(appPage);
  const review = new ReviewWorkspace(appPage);
  const evaluate = new EvaluateView(appPage);
  const tinyText: string[] = [];
  const runOf = new Map<string, string>(); // `${task}/${page}` → Model A's run id

  await app.openFile(join(fixtures, 'multipage.tiff'));
  await app.runs.open();
  for (let page = 0; page < 3; page++) {
    await app.thumbnails.item(page).click();
    await app.viewer.expectPage(await app.viewer.documentId(), page);
    // The tiny model reads the page (greedy: the same random text every time).
    await app.runs.chooseModel(TINY_MODELS.paliscope);
    await app.runs.fill('ocr', '', 6);
    await app.runs.start.click();
    await app.runs.expectState('done');
    tinyText.push((await app.runs.output.textContent()) ?? '');
    for (const c of CASES) {
      runOf.set(`${c.task}/${page}`, await app.runs.paste(c.task, c.a[page]!, c.prompt ?? '', 'Model A'));
      await app.runs.paste(c.task, c.b[page]!, c.prompt ?? '', 'Model B');
    }
  }

  // The truth: Model A's results reviewed, one by one, by what each is (not by its place in the list).
  await review.open();
  for (const c of CASES) {
    for (let page = 0; page < 3; page++) {
      const runId = runOf.get(`${c.task}/${page}`)!;
      await review.items.and(appPage.locator(`[data-run-id="${runId}"]`)).click();
      await expect(review.detail).toHaveAttribute('data-run-id', runId);
      const r = c.review[page]!;
      if (r === 'accept') {
        await review.press('a');
        await review.expectStatus('accepted');
        continue;
      }
      await review.press('e');
      if ('smiles' in r) await review.smiles.fill(r.smiles);
      else await review.lines.nth(0).fill(r.text);
      await review.press('Control+Enter');
      await review.expectStatus('corrected');
    }
  }
  await review.root.getByTestId('review-close').click();

  await evaluate.open();
  const A = 'pasted-model-a', B = 'pasted-model-b';
  const truthText = (c: Case, page: number): string => { const r = c.review[page]!; return r === 'accept' ? c.a[page]! : 'text' in r ? r.text : r.smiles; };
  const caseOf = (task: string) => CASES.find((c) => c.task === task)!;
  const expectMean = async (task: string, model: string, metric: string, value: number) => {
    await expect(evaluate.task(task)).toBeVisible();
    expect(await evaluate.mean(task, model, metric), `${task} ${model} ${metric}`).toBeCloseTo(value, 10);
  };

  // OCR: CER and WER from the known strings; by hand, Model A's page 1 is "rneeting" for "meeting": 2 edits of 35.
  const ocr = caseOf('ocr');
  expect(textErrors(OCR_TRUTH[0]!, ocr.a[0]!).cer).toBeCloseTo(2 / 35, 12);
  for (const [model, texts] of [[A, ocr.a], [B, ocr.b], ['tiny', tinyText]] as const) {
    const per = OCR_TRUTH.map((t, i) => textErrors(t, texts[i]!));
    const id = model === 'tiny' ? (await evaluate.task('ocr').locator('[data-testid="evaluate-row"]:not([data-model^="pasted-"])').getAttribute('data-model'))! : model;
    await expectMean('ocr', id, 'cer', mean(per.map((e) => e.cer)));
    await expectMean('ocr', id, 'wer', mean(per.map((e) => e.wer)));
  }
  // Free text: exact match and ROUGE-L over the three pages.
  for (const task of ['caption', 'describe', 'answer', 'report']) {
    const c = caseOf(task);
    for (const [model, texts] of [[A, c.a], [B, c.b]] as const) {
      await expectMean(task, model, 'exact', mean([0, 1, 2].map((p) => exactMatch(truthText(c, p), texts[p]!))));
      await expectMean(task, model, 'rougeL', mean([0, 1, 2].map((p) => rougeL(truthText(c, p), texts[p]!))));
    }
  }
  // By hand: caption A is right on page 2 only after review, B on pages 1 and 3; describe A is the truth.
  await expectMean('caption', B, 'exact', 2 / 3);
  await expectMean('describe', A, 'exact', 1);
  // VSR (truth true, false, true): A true, true, true → 2 of 3; B false, false, false → 1 of 3.
  await expectMean('vsr', A, 'accuracy', 2 / 3);
  await expectMean('vsr', B, 'accuracy', 1 / 3);
  // Detect: B finds both boxes, then the stamp only (F1 2·1/3), then the signature labelled "stamp" (F1 2·1/4).
  await expectMean('detect', A, 'f1', 1);
  await expectMean('detect', B, 'f1', (1 + 2 / 3 + 1 / 2) / 3);
  await expectMean('detect', B, 'recall', (1 + 1 / 2 + 1 / 2) / 3);
  // AP@0.5 over the pages: stamp ranks hit, hit, hit, miss (AP 1); signature finds 1 of 3 (101-point AP 34/101).
  await expectMean('detect', B, 'ap50', (1 + 34 / 101) / 2);
  // Words with boxes: labels match case-insensitively ("Exit" = "EXIT"), "Platfrom" does not.
  await expectMean('ocr-boxes', B, 'f1', (1 + 1 / 2 + 2 / 3) / 3);
  // Segment: masks identical where matched (IoU 1); B's page 2 misses the seal: mIoU 1 / 2 there.
  await expectMean('segment', A, 'mIoU', 1);
  await expectMean('segment', B, 'mIoU', (1 + 1 / 2 + 1) / 3);
  await expectMean('segment', B, 'f1', (1 + 2 / 3 + 1) / 3);
  // Tables: TEDS of B's tables against A's (the truth), computed on the known HTML.
  const tab = caseOf('table');
  await expectMean('table', A, 'teds', 1);
  await expectMean('table', B, 'teds', mean([0, 1, 2].map((p) => teds(parseTable(tab.a[p]!), parseTable(tab.b[p]!))!)));
  // Molecules: A's "OCC" is ethanol all the same; its methyl acetate was corrected to acetic acid; B's aniline is not
  // phenol and its last SMILES is invalid.
  await expectMean('molecule', A, 'exact', 2 / 3);
  await expectMean('molecule', B, 'exact', 1 / 3);
  await expectMean('molecule', B, 'valid', 2 / 3);
  // Music: 16 tokens (4 records of 2 fields: 4 × (2 symbols + tab + end)); one note changed on one page of three.
  await expectMean('music', A, 'ser', 0);
  await expectMean('music', B, 'ser', 1 / 16 / 3);
  await expectMean('music', B, 'ler', 1 / 4 / 3);

  // Worst first: the tiny model's random text heads the OCR pages.
  await expect(evaluate.pages('ocr')).toHaveCount(9);
  await expect(evaluate.pages('ocr').first()).toContainText(TINY_MODELS.paliscope);
  // Every task's chart shows both pasted models; the OCR chart is kept, and reached by keyboard.
  for (const c of CASES) await expect(evaluate.chart(c.task).locator('svg').first()).toBeVisible();
  await expect(evaluate.chart('ocr')).toHaveAttribute('aria-label', /CER by model for ocr \(lower is better\)/);
  await expect(evaluate.chart('ocr')).toContainText('Model A (pasted)');
  await expect(evaluate.chart('ocr')).toContainText('Model B (pasted)');
  await evaluate.chart('ocr').focus();
  await expect(evaluate.chart('ocr')).toBeFocused();
  await app.screenshot(testInfo, 'evaluate-two-models');
  await evaluate.chart('ocr').screenshot({ path: join(import.meta.dirname, '../test-results/screenshots/evaluate-two-models-ocr-chart.png') });
  await evaluate.chart('detect').screenshot({ path: join(import.meta.dirname, '../test-results/screenshots/evaluate-two-models-detect-chart.png') });

  // The CLI on the same project file: every mean of every model and task as the view shows it.
  const host = await headlessPool.get();
  const out: string[] = [];
  const sink = new Writable({ write(chunk, _e, cb) { out.push(String(chunk)); cb(); } });
  expect(await evalCli(['--project', join(host.userData, 'paliscope.sqlite'), '--format', 'json'], { stdout: sink, stderr: sink })).toBe(0);
  const report = JSON.parse(out.join('')) as { tasks: { task: string; models: { modelId: string; metrics: { metric: string; mean: number | null }[] }[] }[] };
  expect(report.tasks.map((t) => t.task).sort()).toEqual(CASES.map((c) => c.task).sort());
  let compared = 0;
  for (const t of report.tasks) {
    for (const m of t.models) {
      for (const x of m.metrics) {
        if (x.mean === null) continue;
        expect(await evaluate.mean(t.task, m.modelId, x.metric), `${t.task} ${m.modelId} ${x.metric}`).toBe(x.mean);
        compared++;
      }
    }
  }
  testInfo.annotations.push({ type: 'figures', description: `${compared} means compared between the view and paliscope eval` });
  // At least the headline and one more metric of both pasted models on every task.
  expect(compared).toBeGreaterThanOrEqual(2 * 2 * CASES.length);

  // A page opens beside its truth, the differences marked as Review marks them: Model B's first OCR page.
  const pageB = evaluate.pages('ocr').filter({ hasText: 'Model B (pasted)' }).filter({ hasText: 'p. 1' });
  await pageB.getByRole('button').click();
  await expect(evaluate.opened).toBeVisible();
  await expect(evaluate.opened.getByTestId('review-compare-a')).toContainText(OCR_TRUTH[0]!);
  await expect(evaluate.opened.getByTestId('review-compare-b')).toContainText('Model B (pasted)');
  await app.screenshot(testInfo, 'evaluate-page-opened');

  // Exports: CSV, one row per page, task and model (3 pages × 2 models × 12 tasks, and the tiny model's 3 OCR pages);
  // the HTML report with its charts.
  const download = async (format: string) => {
    const [d] = await Promise.all([appPage.waitForEvent('download'), evaluate.root.getByTestId(`evaluate-export-${format}`).click()]);
    return { name: d.suggestedFilename(), text: await readFile((await d.path())!, 'utf8') };
  };
  const csv = await download('csv');
  expect(csv.name).toBe('paliscope-evaluation.csv');
  expect(csv.text.trim().split('\r\n')).toHaveLength(1 + 3 * 2 * CASES.length + 3);
  const html = await download('html');
  expect(html.text).toContain('<svg role="img" aria-label="CER by model');
  expect(html.text).toContain('Model B (pasted)');
  await app.expectNoCspViolations();
});

test('truth from a folder picked in the browser: its truth files uploaded, a broken one named, the rest ignored', async ({ appPage, hostKind, fixtures }, testInfo) => {
  test.skip(hostKind === 'electron', 'the folder dialog of the desktop app is not driven here; the headless host uploads the folder');
  const app = await PaliscopeApp.attach(appPage);
  const evaluate = new EvaluateView(appPage);
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.paste('ocr', 'Helo world', '', 'Model C');
  // The folder: page.png's text (matched by the document's name), a JSON that is not COCO, and a scan (not truth).
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-truth-'));
  writeFileSync(join(dir, 'page.txt'), 'Hello world');
  writeFileSync(join(dir, 'broken.json'), '{"images": 3}');
  copyFileSync(join(fixtures, 'page.png'), join(dir, 'page.png'));

  await evaluate.open();
  await expect(evaluate.root.getByTestId('evaluate-truth-imported')).toBeDisabled();
  await evaluate.root.getByTestId('evaluate-truth-input').setInputFiles(dir);
  await expect(evaluate.root.getByTestId('evaluate-truth-folder')).toHaveText(`${basename(dir)} (uploaded)`);
  await expect(evaluate.root.getByTestId('evaluate-truth-imported')).toBeChecked();
  await expect(evaluate.root.getByTestId('evaluate-truth')).toHaveText(`Truth: files in ${basename(dir)} (uploaded)`);
  // "Helo world" against "Hello world": 1 edit of 11 characters, 1 word of 2.
  expect(await evaluate.mean('ocr', 'pasted-model-c', 'cer')).toBeCloseTo(1 / 11, 12);
  expect(await evaluate.mean('ocr', 'pasted-model-c', 'wer')).toBeCloseTo(1 / 2, 12);
  await expect(evaluate.root.getByTestId('evaluate-notes')).toContainText('broken.json: not read (not COCO JSON');
  await app.screenshot(testInfo, 'evaluate-truth-folder');
  // Back to the reviewed results: Model C's page has no review, so nothing of it is scored.
  await evaluate.root.getByTestId('evaluate-truth-reviewed').check();
  await expect(evaluate.root.getByTestId('evaluate-truth')).toHaveText('Truth: reviewed results');
  await expect(evaluate.task('ocr').locator('[data-testid="evaluate-row"][data-model="pasted-model-c"]')).toHaveCount(0);
  await app.expectNoCspViolations();
});
