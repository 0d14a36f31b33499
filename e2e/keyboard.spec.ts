// The whole day's work with the keyboard alone — no mouse event is sent: open a file, change page, zoom, run the
// built-in OCR, ask a model (the tiny test model), move through the results, select a box on the page and in the list,
// review (accept, correct, reject, undo) and export. Every stop of the Tab key must show where the focus is (an outline
// or a box-shadow, the window's focus ring), Tab must come back round to where it started (no trap), and every key
// used here must be listed in the help overlay.
//
// Opening: the Open button (reached with Tab, pressed with Enter) asks the window's file input for files. In the
// headless host that input opens the browser's file chooser, which a test answers through Playwright's `filechooser`
// event — the one step a person would do in the system's own dialog. The desktop app's native dialog cannot be
// driven from a test; the button press leading to it is the same.
//
// Runs its own headless host (as accessibility.spec.ts does) so Review lists only the results made here.
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { testWithOwnHost, expect } from './support/app';
import { TINY_MODELS } from './support/tiny-models';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';

const test = testWithOwnHost();

let app: PaliscopeApp;
test.beforeEach(async ({ appPage, hostKind }) => {
  test.skip(hostKind === 'electron', 'the keyboard path is checked against the headless host (the renderer is the same page)');
  app = await PaliscopeApp.attach(appPage);
  // No mouse from here on: a stray pointer event would make the spec prove less than it says.
  await appPage.evaluate(() => {
    const w = window as Window & { __pointerEvents?: string[] };
    w.__pointerEvents = [];
    for (const type of ['pointerdown', 'mousedown', 'click']) {
      window.addEventListener(type, (e) => { if ((e as MouseEvent).detail > 0 || (e as PointerEvent).pointerType) w.__pointerEvents!.push(type); }, true);
    }
  });
});
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === 'skipped') return;
  const pointer = await app.page.evaluate(() => (window as Window & { __pointerEvents?: string[] }).__pointerEvents ?? []);
  expect(pointer, 'pointer events during a keyboard-only test').toEqual([]);
  await app.expectNoCspViolations();
});

interface Focused {
  testid: string;
  tag: string;
  name: string;
  data: Record<string, string>;
  /** The element draws a focus indicator: a non-none outline of some width, or a box-shadow. */
  ring: boolean;
  /** It takes up room on screen (not a 0×0 or clipped-away element). */
  onScreen: boolean;
}

async function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return null;
    const cs = getComputedStyle(el);
    const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    const name = (el.getAttribute('aria-label') ?? el.getAttribute('title') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return { testid: el.dataset.testid ?? '', tag: el.tagName.toLowerCase(), name, data: { ...el.dataset } as Record<string, string>, ring, onScreen: r.width >= 2 && r.height >= 2 };
  });
}

const describe = (f: Focused | null): string => (f ? `${f.tag}${f.testid ? `[${f.testid}]` : ''} “${f.name}”` : '(the browser: nothing in the page)');

/** Fails (softly, so one run names every such element) when the focused element shows no focus ring. */
function expectVisible(f: Focused): void {
  expect.soft(f.ring && f.onScreen, `focus is not visible on ${describe(f)}`).toBe(true);
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches, checking at every stop that the focus shows.
 * Fails naming the path taken when the element is not reached within `max` presses.
 */
async function tabTo(page: Page, match: (f: Focused) => boolean, opts: { back?: boolean; max?: number } = {}): Promise<Focused> {
  const path: string[] = [];
  for (let i = 0; i < (opts.max ?? 150); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    path.push(describe(f));
    if (!f) continue;
    expectVisible(f);
    if (match(f)) return f;
  }
  throw new Error(`Tab did not reach the element; the path was:\n${path.join('\n')}`);
}
const byTestId = (id: string) => (f: Focused): boolean => f.testid === id;

/** Moves a focused <select> to `value` with the arrow keys (down first, then up), as a person would. */
async function chooseWithArrows(page: Page, select: Locator, value: string): Promise<void> {
  await expect(select).toBeFocused();
  for (const key of ['ArrowDown', 'ArrowUp']) {
    for (let i = 0; i < 40 && (await select.inputValue()) !== value; i++) await page.keyboard.press(key);
  }
  await expect(select).toHaveValue(value);
}

/** Presses Enter on the focused control and returns the file the window saved. */
async function enterForDownload(page: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

/** The stops of one round of Tab (or Shift+Tab), as descriptions, from the first control after the top of the page. */
async function tabRound(page: Page, back: boolean): Promise<string[]> {
  const stops: string[] = [];
  let first: string | null = null;
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (!f) continue; // the browser's own stop between the end and the start of the page
    expectVisible(f);
    const d = `${describe(f)} ${JSON.stringify(f.data)}`;
    if (d === first) return stops;
    first ??= d;
    stops.push(d);
  }
  throw new Error(`Tab never came back to where it started; the stops were:\n${stops.join('\n')}`);
}

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const DETECT = `${loc(100)}${loc(100)}${loc(400)}${loc(500)} stamp ; ${loc(600)}${loc(550)}${loc(900)}${loc(950)} signature`;

test('keyboard only: open, page, zoom, OCR, ask a model, results, boxes, review and export', async ({ fixtures }) => {
  test.slow(); // OCR of a page, a model run and a review, each waited for
  const page = app.page;
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  // Open: Tab to Open…, Enter; the file chooser answers with a 3-page TIFF.
  await tabTo(page, byTestId('open-button'));
  const mark = await app.events.mark();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
  await chooser.setFiles(join(fixtures, 'multipage.tiff'));
  const doc = await app.events.waitFor('paliscope:document-opened', mark, { name: 'multipage.tiff' });
  await app.viewer.expectPage(doc.documentId, 0);

  // Page: PgDn, then → and ← (the focus is on a button, not in a field, so the window's keys act).
  await page.keyboard.press('PageDown');
  await app.viewer.expectPage(doc.documentId, 1);
  await page.keyboard.press('ArrowRight');
  await app.viewer.expectPage(doc.documentId, 2);
  await page.keyboard.press('ArrowLeft');
  await app.viewer.expectPage(doc.documentId, 1);

  // Zoom: + zooms in, 0 is 100 %, F fits the page again.
  const zoomOf = async (): Promise<number> => Number(await app.viewer.root.getAttribute('data-zoom'));
  const fitted = await zoomOf();
  await page.keyboard.press('+');
  await expect.poll(zoomOf).toBeGreaterThan(fitted);
  await page.keyboard.press('0');
  await expect.poll(zoomOf).toBe(1);
  await page.keyboard.press('f');
  await expect(app.viewer.root).toHaveAttribute('data-zoom-mode', 'fit-page');

  // The built-in OCR on this page (R), then J / K through its lines.
  const ocrMark = await app.events.mark();
  await page.keyboard.press('r');
  await app.events.waitFor('paliscope:ocr-done', ocrMark, { documentId: doc.documentId }, 120_000);
  await app.ocr.expectState('done');
  expect(await app.ocr.lines.count()).toBeGreaterThan(2);
  // Screen readers hear the end of it once, from the polite live region.
  const announcer = page.getByTestId('announcer');
  // (The announcer may end a message with a zero-width space, so a repeated message is still a change to announce.)
  await expect(announcer).toHaveText(new RegExp(`^Text recognised: ${await app.ocr.lines.count()} lines on 1 page\\.\u200b?$`));
  await page.keyboard.press('j');
  await expect(app.ocr.line(0)).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('j');
  await expect(app.ocr.line(1)).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('k');
  await expect(app.ocr.line(0)).toHaveAttribute('aria-pressed', 'true');

  // A box on the page: Tab reaches the page's list of boxes after the page; Enter on a line's box selects that line.
  const pressedShape = page.locator('[data-testid="shape-button"][aria-pressed="true"]');
  await tabTo(page, (f) => f.testid === 'shape-button' && f.data.shapeId === 'line-1');
  await page.keyboard.press('Enter');
  await expect(pressedShape).toHaveAttribute('data-shape-id', 'line-1');
  await expect(app.ocr.line(1)).toHaveAttribute('aria-pressed', 'true');

  // The same in the list: Tab on to the text panel's third line, Enter; its box on the page is the selected one.
  await tabTo(page, (f) => f.testid === 'ocr-line' && f.data.lineIndex === '2');
  await page.keyboard.press('Enter');
  await expect(app.ocr.line(2)).toHaveAttribute('aria-pressed', 'true');
  await expect(pressedShape).toHaveAttribute('data-shape-id', 'line-2');

  // Ask a model: back to the panel's tabs, Ask model, the tiny model, a prompt, 8 tokens, Ctrl+Enter.
  await tabTo(page, byTestId('tab-model'), { back: true });
  await page.keyboard.press('Enter');
  await expect(app.runs.root).toBeVisible();
  await tabTo(page, byTestId('run-model'));
  await chooseWithArrows(page, app.runs.model, (await app.runs.modelOption(TINY_MODELS.paliscope).getAttribute('value'))!);
  await tabTo(page, byTestId('run-text'));
  await page.keyboard.type('en');
  await tabTo(page, (f) => f.tag === 'summary' && f.name.startsWith('Options'));
  await page.keyboard.press('Enter');
  await tabTo(page, byTestId('run-max-tokens'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('8');
  const runMark = await app.events.mark();
  await page.keyboard.press('Control+Enter');
  const modelRun = await app.events.waitFor('paliscope:run-done', runMark, { documentId: doc.documentId, page: 1 }, 120_000);
  expect(modelRun).toMatchObject({ status: 'done' });
  await app.runs.expectState('done');
  const modelRunId = await app.runs.view.getAttribute('data-run-id');
  await expect(announcer).toHaveText(/^Model run finished: \d+ characters of output\.\u200b?$/);

  // A second result, pasted: Paste output…, the detect task, the raw text typed, Parse (Enter on the button).
  await tabTo(page, byTestId('run-paste-open'), { back: true });
  await page.keyboard.press('Enter');
  await tabTo(page, byTestId('run-paste-task'));
  await chooseWithArrows(page, app.runs.pasteTask, 'detect');
  await tabTo(page, byTestId('run-paste-text'));
  await page.keyboard.type(DETECT);
  await tabTo(page, byTestId('run-paste-submit'));
  await page.keyboard.press('Enter');
  await expect(app.runs.pasteText).toHaveCount(0);
  await expect(app.runs.objectEntries).toHaveCount(2);
  const detectRunId = await app.runs.view.getAttribute('data-run-id');
  expect(detectRunId).not.toBe(modelRunId);

  // Move through the page's results: the history's entry of the model's run shows it again.
  await tabTo(page, (f) => f.testid === 'run-history-entry' && f.data.runId === modelRunId);
  await page.keyboard.press('Enter');
  await expect(app.runs.view).toHaveAttribute('data-run-id', modelRunId!);

  // Export the result shown: Export ▾, Enter opens the menu on its first item, ↓ and ↑ move through it, Enter saves.
  await tabTo(page, byTestId('run-export'), { back: true });
  await page.keyboard.press('Enter');
  const menuItems = page.getByTestId('run-export-menu').getByRole('menuitem');
  await expect(menuItems.first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menuItems.nth(1)).toBeFocused();
  expectVisible((await focused(page))!);
  await page.keyboard.press('ArrowUp');
  await expect(menuItems.first()).toBeFocused();
  const exported = await enterForDownload(page);
  await expect(page.getByTestId('run-export-menu')).toHaveCount(0);
  await expect(app.runs.exportButton).toBeFocused();
  expect(exported.name).toMatch(/\w/);
  expect(exported.text.length).toBeGreaterThan(0);

  // Review: its button among the panel's tabs; then the workspace's own keys.
  const review = new ReviewWorkspace(page);
  await tabTo(page, byTestId('tab-review'), { back: true });
  await page.keyboard.press('Enter');
  await expect(review.root).toBeVisible();
  // The model's caption, the pasted boxes, and the page's built-in OCR (kept for review too).
  await expect(review.list).toHaveAttribute('data-count', '3');
  const tasks = await review.items.evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
  const captionAt = tasks.indexOf('caption');
  const detectAt = tasks.indexOf('detect');
  expect(captionAt).toBeGreaterThanOrEqual(0);
  expect(detectAt).toBeGreaterThanOrEqual(0);
  await review.expectCurrent(0, tasks[0]!);
  const stepTo = async (index: number): Promise<void> => {
    const current = await review.items.evaluateAll((els) => els.findIndex((e) => e.getAttribute('aria-current') === 'true'));
    for (let i = current; i < index; i++) await page.keyboard.press('j');
    for (let i = current; i > index; i--) await page.keyboard.press('k');
    await review.expectCurrent(index, tasks[index]!);
  };
  // Accept the boxes; reject the caption, undo that; correct the caption.
  await stepTo(detectAt);
  await page.keyboard.press('a');
  await review.expectStatus('accepted');
  await stepTo(captionAt);
  await page.keyboard.press('r');
  await review.expectStatus('rejected');
  await page.keyboard.press('u');
  await review.expectStatus('unreviewed');
  await page.keyboard.press('e');
  await expect(review.root).toHaveAttribute('data-editing', 'true');
  const firstLine = review.lines.first();
  await expect(firstLine).toBeFocused();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('A page of typed text');
  await page.keyboard.press('Control+Enter');
  await review.expectStatus('corrected');

  // Export what was reviewed as JSON Lines: Tab to the button (the focus rings checked on the way), Enter.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, byTestId('review-export-jsonl'));
  const jsonl = await enterForDownload(page);
  const rows = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows).toHaveLength(2);
  expect(jsonl.text).toContain('A page of typed text');

  // Back to the document.
  await tabTo(page, byTestId('review-close'));
  await page.keyboard.press('Enter');
  await expect(review.root).toHaveCount(0);
  await expect(app.viewer.root).toBeVisible();
});

test('Tab goes round the whole window (documents, Review, Evaluate) and comes back; Shift+Tab goes round the other way; a dialog keeps Tab until Esc', async ({ fixtures }) => {
  const page = app.page;
  const doc = await app.openFile(join(fixtures, 'page.png'));
  const ocrMark = await app.events.mark();
  await app.pressKey('r');
  await app.events.waitFor('paliscope:ocr-done', ocrMark, { documentId: doc.documentId }, 120_000);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  const forward = await tabRound(page, false);
  // Every part of the window is on the way: toolbar, document tab, page, its boxes, the right panel, the status bar.
  for (const id of ['open-button', 'viewer', 'shape-button', 'tab-text', 'ocr-line', 'splitter']) {
    expect(forward.some((d) => d.includes(`[${id}]`)), `Tab reaches ${id}`).toBe(true);
  }
  const backward = await tabRound(page, true);
  expect(new Set(backward)).toEqual(new Set(forward));

  // Review and Evaluate, which take the document's place, go round too, and the toolbar's button leaves each.
  for (const [button, marker] of [['tab-review', 'review-close'], ['tab-evaluate', 'evaluate-close']] as const) {
    await tabTo(page, byTestId(button));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(marker)).toBeVisible();
    const stops = await tabRound(page, false);
    expect(stops.some((d) => d.includes(`[${marker}]`)), `Tab reaches ${marker}`).toBe(true);
    expect(stops.some((d) => d.includes('[open-button]')), `Tab gets back to the toolbar from ${marker}'s view`).toBe(true);
    await tabTo(page, byTestId(button));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(marker)).toHaveCount(0);
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  // Settings (Ctrl+,) keeps Tab inside itself — the window behind is inert — and Esc gives the focus back.
  await page.keyboard.press('Tab');
  const before = await focused(page);
  await page.keyboard.press('Control+,');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement)), 'the focus stays in the Settings dialog').toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(describe(await focused(page))).toBe(describe(before));
});

test('every key the keyboard path uses is listed in the help overlay', async () => {
  const page = app.page;
  await app.pressKey('?');
  const help = page.getByTestId('help-overlay');
  await expect(help).toBeVisible();
  const keys = new Set((await help.locator('kbd').allTextContents()).map((k) => k.trim()));
  // Window: open, pages, zoom, OCR, lines, model run, settings, help, Esc. Review: j/k, a, e, r, u, Shift+U, Ctrl+Enter.
  for (const k of ['Ctrl+O', 'PgDn', '→', '←', '+', '0', 'F', 'R', 'J', 'K', 'Ctrl+Enter', 'Ctrl+,', '?', 'Esc', 'A', 'E', 'U', 'Shift+U']) {
    expect(keys, `the help lists ${k}`).toContain(k);
  }
  await expect(help.getByRole('heading', { name: 'Review' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});

test('single-key shortcuts can be turned off in Settings (WCAG 2.1.4): then R and ? do nothing, PgDn and Ctrl+, still act', async ({ fixtures }) => {
  const page = app.page;
  const doc = await app.openFile(join(fixtures, 'multipage.tiff'));
  const setSingleKeys = async (on: boolean): Promise<void> => {
    await page.keyboard.press('Control+,');
    const box = page.getByTestId('settings-single-keys');
    await tabTo(page, byTestId('settings-single-keys'));
    if ((await box.isChecked()) !== on) await page.keyboard.press('Space');
    await expect(box).toBeChecked({ checked: on });
    await tabTo(page, (f) => f.tag === 'button' && f.name === 'Save');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('settings-dialog')).toContainText('Saved: singleKeyShortcuts');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('settings-dialog')).toHaveCount(0);
  };
  try {
    await setSingleKeys(false);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // ? and R first, then PgDn: keys are handled in order, so once the page has changed, ? and R have had their turn.
    await page.keyboard.press('?');
    await page.keyboard.press('r');
    await page.keyboard.press('PageDown');
    await app.viewer.expectPage(doc.documentId, 1);
    await expect(page.getByTestId('help-overlay')).toHaveCount(0);
    await expect(app.toolbar.ocrProgress).toHaveCount(0);
    await app.ocr.expectState('idle');
    // The help says so.
    await tabTo(page, byTestId('help-button'));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('help-single-keys-off')).toBeVisible();
    await page.keyboard.press('Escape');
  } finally {
    await setSingleKeys(true);
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await expect(page.getByTestId('help-single-keys-off')).toHaveCount(0);
});
