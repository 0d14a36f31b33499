// Project files end to end, in Chromium against the headless host (which has no file dialogs: a project file is
// uploaded through "Open a project file…" or dropped on the window). Results are made by pasting outputs (Paste output…), a copy of the
// project is saved (a download), another project is opened (the results are not in Review), the saved copy is opened
// (the results are back), a file that is not a project is refused by name, and the default store comes back.
//
// This file runs its own headless host (a worker fixture of its own), so its store holds only its results.
import { dirname, join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { testWithOwnHost, expect } from './support/app';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';
import { ProjectMenu } from './pages/projects';
import { Store } from '../models/store/store';

const test = testWithOwnHost();
test.describe.configure({ mode: 'serial' });

let app: PaliscopeApp;
let review: ReviewWorkspace;
let projects: ProjectMenu;
test.beforeEach(async ({ appPage, hostKind }) => {
  // Electron's main needs a SQLite add-on rebuilt for it (PALISCOPE_SQLITE_BINDING); the store is the same either way.
  test.skip(hostKind === 'electron', 'project files are checked against the headless host');
  app = await PaliscopeApp.attach(appPage);
  review = new ReviewWorkspace(appPage);
  projects = new ProjectMenu(appPage);
});
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== 'skipped') await app.expectNoCspViolations();
});

/** An empty project made as the CLI makes one (`--project`), in a folder of its own. */
function emptyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-e2e-project-'));
  Store.open(join(dir, 'empty.paliscope')).close();
  return join(dir, 'empty.paliscope');
}

async function reviewCount(n: number): Promise<void> {
  await review.open();
  await expect(review.items).toHaveCount(n);
  await expect(review.list).toHaveAttribute('data-count', String(n));
}

async function closeReview(): Promise<void> {
  await review.root.getByTestId('review-close').click();
  await expect(review.root).toHaveCount(0);
}

test('save a copy of the project, open another, open the copy again: the results come back; a bad file is refused by name', async ({ fixtures }, testInfo) => {
  await projects.expectProject('Default store');
  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  await app.runs.paste('ocr', 'Dear Sir,\nThe meeting is on Monday.');
  await app.runs.paste('caption', 'a typed letter with a stamp');
  await reviewCount(2);
  await closeReview();

  await projects.open();
  await expect(projects.about).toContainText('Default store');
  await expect(projects.counts).toHaveText('1 document · 2 results · 0 reviewed');
  // The headless host has no dialogs: only the file input opens a project.
  await expect(projects.menu.getByTestId('project-open')).toHaveCount(0);
  await expect(projects.menu.getByTestId('project-use-default')).toBeDisabled();
  await app.screenshot(testInfo, 'projects-menu-default');

  const copy = await projects.saveCopy();
  expect(copy.name).toMatch(/^paliscope-\d{4}-\d{2}-\d{2}\.paliscope$/);
  expect(copy.bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  await expect(app.notices.info('Project copy saved')).toBeVisible();

  // Another project, dropped on the window: the results are not in it, and a result pasted now is kept in it.
  const empty = emptyProject();
  await app.dropFile(empty);
  await projects.expectProject('empty');
  // Opened as the project, not tried as a document.
  await expect(app.notices.errors).toHaveCount(0);
  await expect(app.tabs.tabs).toHaveCount(1);
  await reviewCount(0);
  await closeReview();
  await app.runs.paste('caption', 'a page of the other study');
  await reviewCount(1);
  await closeReview();

  // A file that is not a project: refused by name, the project stays as it was.
  await projects.openFile('notes.paliscope', Buffer.from('these are my notes, not a Paliscope project\n'.repeat(20)));
  const refused = app.notices.errorFor('notes.paliscope');
  await expect(refused).toBeVisible();
  await expect(app.notices.message(refused)).toHaveText('notes.paliscope is not a Paliscope project: it is not an SQLite database');
  await projects.expectProject('empty');
  await app.screenshot(testInfo, 'projects-refused');
  await app.notices.dismiss(refused);

  // The saved copy: the two results are back.
  await projects.openFile(copy.name, copy.bytes);
  await projects.expectProject(copy.name.replace(/\.paliscope$/, ''));
  await reviewCount(2);
  expect(await review.items.evaluateAll((els) => els.map((e) => e.getAttribute('data-task')))).toEqual(['ocr', 'caption']);
  await app.screenshot(testInfo, 'projects-copy-reopened');
  await closeReview();

  await projects.open();
  await expect(projects.counts).toHaveText('1 document · 2 results · 0 reviewed');
  // The other project opened lately (the open one is named at the top, not listed again).
  await expect(projects.recent).toHaveCount(1);
  await expect(projects.recent.first()).toContainText('empty');
  await app.screenshot(testInfo, 'projects-menu-recent');

  // The recent list brings the other project back; the default store still has its own two results.
  await projects.recent.first().click();
  await projects.expectProject('empty');
  await reviewCount(1);
  // With the review workspace open (the toolbar stays), a switch reloads its list.
  await projects.useDefault();
  await expect(review.items).toHaveCount(2);
  await closeReview();
  rmSync(dirname(empty), { recursive: true, force: true });
});
