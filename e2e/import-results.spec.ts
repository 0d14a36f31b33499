// Project → Import results… end to end, in Chromium against the headless host: a batch is split in two shards by
// the command line (`paliscope batch --shard K/2`, the built-in OCR, as a cluster's array tasks would run it), both
// shard files are imported into the open project with progress, the merged results open in Review (one per page,
// the OCR text beside the page), importing them again adds nothing, and a file that is not a project is refused by
// name without changing the project.
//
// This file runs its own headless host (a worker fixture of its own), so its store holds only its results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { testWithOwnHost, expect } from './support/app';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';
import { ProjectMenu } from './pages/projects';

const test = testWithOwnHost();
test.describe.configure({ mode: 'serial' });

const CLI = join(import.meta.dirname, '..', 'bin', 'paliscope.js');

let app: PaliscopeApp;
let review: ReviewWorkspace;
let projects: ProjectMenu;
let dir: string;
test.beforeEach(async ({ appPage, hostKind }) => {
  test.skip(hostKind === 'electron', 'project files are checked against the headless host');
  app = await PaliscopeApp.attach(appPage);
  review = new ReviewWorkspace(appPage);
  projects = new ProjectMenu(appPage);
});
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== 'skipped') await app.expectNoCspViolations();
});
test.afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Four one-line pages and the two shard files the CLI makes of them. */
async function shardFiles(): Promise<string[]> {
  dir = mkdtempSync(join(tmpdir(), 'paliscope-e2e-import-'));
  const words = ['Invoice 1921 paid', 'Ledger of the mill', 'Harvest of rye', 'Letter to the mayor'];
  const pages: string[] = [];
  for (const [i, w] of words.entries()) {
    const p = join(dir, `scan-${i}.png`);
    writeFileSync(p, await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="420" height="110"><rect width="100%" height="100%" fill="#fff"/>
      <text x="14" y="64" font-family="DejaVu Sans" font-size="30">${w}</text></svg>`)).png().toBuffer());
    pages.push(p);
  }
  const shards: string[] = [];
  for (const k of [0, 1]) {
    const project = join(dir, `out-${k}.paliscope`);
    const r = spawnSync(process.execPath, [CLI, 'batch', ...pages, '--task', 'ocr-builtin', '--threads', '1', '--shard', `${k}/2`, '--project', project], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`shard ${k}/2 from --shard ${k}/2`);
    shards.push(project);
  }
  return shards;
}

test('imports a cluster batch\'s shard files into the open project: progress, Review, idempotent, a bad file refused', async ({}, testInfo) => {
  test.setTimeout(120_000);
  const shards = await shardFiles();
  await projects.expectProject('Default store');
  await projects.open();
  await expect(projects.menu.getByTestId('project-import')).toBeEnabled();
  await app.screenshot(testInfo, 'import-results-menu');
  await projects.importResults(shards);
  const done = app.notices.info('Results imported');
  await expect(done).toBeVisible();
  await expect(app.notices.message(done)).toHaveText('4 results added (0 already there), 4 new documents, 1 new batch, from 2 files.');
  await app.screenshot(testInfo, 'import-results-done');
  await app.notices.dismiss(done);
  await projects.expectProject('Default store');

  await review.open();
  await expect(review.items).toHaveCount(4);
  await expect(review.list).toHaveAttribute('data-count', '4');
  expect(await review.items.evaluateAll((els) => els.map((e) => e.getAttribute('data-task')))).toEqual(['ocr-builtin', 'ocr-builtin', 'ocr-builtin', 'ocr-builtin']);
  await review.items.first().click();
  await expect(review.detail).toBeVisible();
  await expect(review.crop).toBeVisible();
  await expect(review.root).toContainText(/Invoice 1921 paid|Ledger of the mill|Harvest of rye|Letter to the mayor/);
  await app.screenshot(testInfo, 'import-results-review');
  await review.root.getByTestId('review-close').click();

  // Again: nothing new.
  await projects.importResults(shards);
  const again = app.notices.info('Results imported');
  await expect(again).toBeVisible();
  await expect(app.notices.message(again)).toHaveText('0 results added (4 already there), 0 new documents, from 2 files.');
  await app.notices.dismiss(again);

  // A file that is not a project, with a good one: refused by name, nothing merged.
  const notes = join(dir, 'notes.paliscope');
  writeFileSync(notes, 'minutes of the meeting, not a project\n'.repeat(20));
  await projects.importResults([shards[0]!, notes]);
  const refused = app.notices.errors.filter({ hasText: 'notes.paliscope' });
  await expect(refused).toBeVisible();
  await expect(refused.getByTestId('notice-title')).toHaveText('Could not import the results');
  await expect(app.notices.message(refused)).toHaveText('notes.paliscope is not a Paliscope project: it is not an SQLite database');
  await app.screenshot(testInfo, 'import-results-refused');
  await projects.open();
  await expect(projects.counts).toHaveText('4 documents · 4 results · 0 reviewed');
  await projects.close();
});
