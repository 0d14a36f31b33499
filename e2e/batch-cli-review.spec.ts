// Every task through `paliscope batch`, then Review, end to end: the command line (a child process) runs each of the
// twelve PaliGemma tasks over a three-page document into one project file; the app, against a headless host of its
// own, opens that project, and Review lists the 36 results and shows each task's result with its own view.
//
// The text tasks run the tiny random-weight model for real (bin/paliscope.js). The tasks whose view needs realistic
// text (boxes, masks, a table, a molecule, a score, a report, a verdict) get pasted outputs instead, through the batch
// CLI's own path with only the generate step replaced (e2e/support/pasted-batch.ts): the random model never writes a
// table or a SMILES string.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testWithOwnHost, expect } from './support/app';
import { MODELS_DIR } from './support/global-setup';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';
import { ProjectMenu } from './pages/projects';
import { TASKS, TASK_NAMES, type TaskName } from '../models/tasks/table';
import { PIANO_KERN } from '../models/paligemma/tasks/music/fixtures';

// A host of its own, so switching its project leaves the other specs' host alone.
const test = testWithOwnHost();

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'paliscope.js');
const PASTED_BATCH = join(import.meta.dirname, 'support', 'pasted-batch.ts');
const PAGES = 3;

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const seg = (codes: number[]): string => codes.map((c) => `<seg${String(c).padStart(3, '0')}>`).join('');

/** Run by the tiny model itself, with these prompts. */
const MODEL_TASKS: Partial<Record<TaskName, string>> = { caption: 'en', describe: 'en', answer: 'en what is the date?', ocr: '' };
/** Given as pasted outputs: the prompt and the output every page gets. */
const PASTED: Partial<Record<TaskName, { prompt: string; raw: string }>> = {
  detect: { prompt: 'title ; stamp', raw: `${loc(100)}${loc(50)}${loc(300)}${loc(500)} title ; ${loc(600)}${loc(700)}${loc(900)}${loc(1000)} stamp` },
  segment: {
    prompt: 'stamp',
    raw: `${loc(100)}${loc(100)}${loc(500)}${loc(600)}${seg([3, 17, 90, 44, 5, 120, 64, 8, 77, 31, 2, 99, 14, 60, 101, 7])} stamp`,
  },
  'ocr-boxes': { prompt: 'ocr with boxes', raw: `${loc(210)}${loc(102)}${loc(265)}${loc(390)} EXIT ; ${loc(300)}${loc(410)}${loc(352)}${loc(700)} Platform` },
  table: {
    prompt: 'table structure',
    raw: '<table><thead><tr><th rowspan="2">Region</th><th colspan="2">Revenue</th></tr><tr><th>2023</th><th>2024</th></tr></thead>'
      + '<tbody><tr><td>North, East</td><td>1.2</td><td>1.4</td></tr><tr><td>South</td><td>0.9</td><td>1.1</td></tr></tbody></table>',
  },
  molecule: { prompt: 'smiles', raw: 'O=C(C)Oc1ccccc1C(=O)O<eos>' },
  music: { prompt: 'kern', raw: PIANO_KERN },
  report: { prompt: 'report', raw: 'FINDINGS: Heart size is normal. No pleural effusion. IMPRESSION: No acute cardiopulmonary process.<eos>' },
  vsr: { prompt: 'the stamp is left of the signature', raw: 'True' },
};

/** Runs a command to its end; its exit code and what it wrote. */
function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
test.afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('paliscope batch runs every task over a 3-page document; Review shows each result with its own view', async ({ appPage, hostKind, fixtures }, testInfo) => {
  test.skip(hostKind === 'electron', 'the CLI project is opened in the headless host');
  test.setTimeout(180_000);
  // Every task of the one task table is covered, each exactly once.
  expect(Object.keys({ ...MODEL_TASKS, ...PASTED }).sort()).toEqual([...TASK_NAMES].sort());

  dir = mkdtempSync(join(tmpdir(), 'paliscope-e2e-cli-batch-'));
  const project = join(dir, 'cli-batch.paliscope');
  const doc = join(fixtures, 'multipage.tiff');
  const common = [doc, '--model', join(MODELS_DIR, TINY_MODELS.paliscope), '--project', project, '--threads', '1'];
  const started = Date.now();
  for (const [task, prompt] of Object.entries(MODEL_TASKS)) {
    const r = await runToEnd([CLI, 'batch', ...common, '--task', task, '--prompt', prompt, '--max-new-tokens', '12']);
    expect(r.code, `paliscope batch --task ${task}: ${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`${PAGES} of ${PAGES} pages done, 0 failed`);
  }
  const outputs = join(dir, 'outputs.json');
  writeFileSync(outputs, JSON.stringify(PASTED));
  const pasted = await runToEnd(['--import', 'tsx', PASTED_BATCH, outputs, ...common]);
  expect(pasted.code, pasted.stderr).toBe(0);
  expect(pasted.stdout.match(new RegExp(`${PAGES} of ${PAGES} pages done, 0 failed`, 'g'))).toHaveLength(Object.keys(PASTED).length);
  console.log(`[batch-cli-review] 12 batches of ${PAGES} pages written by the CLI in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const app = await PaliscopeApp.attach(appPage);
  const projects = new ProjectMenu(appPage);
  const review = new ReviewWorkspace(appPage);
  await projects.openFile('cli-batch.paliscope', readFileSync(project));
  await projects.expectProject('cli-batch');
  await review.open();
  await expect(review.list).toHaveAttribute('data-count', String(TASK_NAMES.length * PAGES));

  for (const task of TASK_NAMES) {
    await review.filterTask.selectOption(task);
    await expect(review.items).toHaveCount(PAGES);
    await review.items.nth(1).click();
    await review.expectCurrent(1, task);
    // The value's view is the task's kind, as the task table declares it: the CLI stored each value with its kind.
    await expect(review.value).toHaveAttribute('data-kind', TASKS[task].kind);
    await expect(review.crop).toBeVisible();
    await expectView(review, task);
    await app.screenshot(testInfo, `cli-review-${task}`);
  }
  await app.expectNoCspViolations();
});

/** What each task's view must show for the output it was given (the model's own text for the text tasks). */
async function expectView(review: ReviewWorkspace, task: TaskName): Promise<void> {
  const v = review.value;
  switch (task) {
    case 'caption':
    case 'describe':
    case 'answer':
    case 'ocr':
      // The random model's text, whatever it is: there, as text.
      await expect(v.getByTestId('review-value-line').first()).not.toBeEmpty();
      return;
    case 'detect':
      await expect(v.getByTestId('review-value-box')).toHaveCount(2);
      await expect(v.getByTestId('review-value-box').locator('.label')).toHaveText(['title', 'stamp']);
      await expect(review.boxes).toHaveCount(2);
      return;
    case 'segment':
      await expect(v.getByTestId('review-value-box')).toHaveCount(1);
      await expect(review.boxes).toHaveCount(1);
      // Its mask, decoded by the CLI with the mask decoder beside the model folder, painted under the box.
      await expect(review.crop.getByTestId('review-masks')).toHaveAttribute('data-mask-count', '1');
      return;
    case 'ocr-boxes':
      await expect(v.getByTestId('review-value-box').locator('.label')).toHaveText(['EXIT', 'Platform']);
      await expect(review.boxes).toHaveCount(2);
      return;
    case 'table': {
      const table = v.getByTestId('table-view');
      await expect(table).toHaveAttribute('data-rows', '4');
      await expect(table).toHaveAttribute('data-cols', '3');
      await expect(table.locator('th[colspan="2"]')).toHaveText('Revenue');
      return;
    }
    case 'molecule': {
      const mol = v.getByTestId('molecule-view');
      await expect(mol).toHaveAttribute('data-valid', 'true');
      await expect(mol.getByTestId('molecule-canonical')).toHaveText('CC(=O)Oc1ccccc1C(=O)O');
      const img = mol.getByTestId('molecule-depiction');
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      return;
    }
    case 'music': {
      const music = v.getByTestId('music-view');
      await expect(music).toHaveAttribute('data-valid', 'true');
      const img = music.getByTestId('music-page');
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      return;
    }
    case 'report':
      await expect(v.getByTestId('review-value-line').first()).toContainText('FINDINGS');
      return;
    case 'vsr':
      await expect(v).toContainText('Verdict: true');
      return;
  }
}
