// The Review workspace: the results list, the page region with its boxes, the result with its editors, history,
// comparison and exports.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export class ReviewWorkspace {
  readonly tab: Locator;
  readonly root: Locator;
  readonly list: Locator;
  readonly items: Locator;
  readonly detail: Locator;
  readonly status: Locator;
  readonly value: Locator;
  readonly refusal: Locator;
  readonly history: Locator;
  readonly crop: Locator;
  readonly boxes: Locator;
  readonly lines: Locator;
  readonly smiles: Locator;
  readonly smilesCheck: Locator;
  readonly compare: Locator;
  readonly filterTask: Locator;
  readonly filterStatus: Locator;
  readonly exportOnly: Locator;

  constructor(readonly page: Page) {
    this.tab = page.getByTestId('tab-review');
    this.root = page.getByTestId('review-workspace');
    this.list = this.root.getByTestId('review-list');
    this.items = this.root.getByTestId('review-item');
    this.detail = this.root.getByTestId('review-detail');
    this.status = this.root.getByTestId('review-status');
    this.value = this.root.getByTestId('review-value').first();
    this.refusal = this.root.getByTestId('review-refusal');
    this.history = this.root.getByTestId('review-history-entry');
    this.crop = this.root.getByTestId('review-crop');
    this.boxes = this.crop.getByTestId('review-box');
    this.lines = this.root.getByTestId('review-line');
    this.smiles = this.root.getByTestId('review-smiles');
    this.smilesCheck = this.root.getByTestId('review-smiles-check');
    this.compare = this.root.getByTestId('review-compare');
    this.filterTask = this.root.getByTestId('review-filter-task');
    this.filterStatus = this.root.getByTestId('review-filter-status');
    this.exportOnly = this.root.getByTestId('review-export-only');
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root).toBeVisible();
    await expect(this.list).toHaveAttribute('data-count', /^\d+$/);
  }

  /** Presses a key with the focus outside any field, as a person reviewing with the keyboard. */
  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Waits until the result on screen is the n-th of the list (0-based) and main has answered. */
  async expectCurrent(index: number, task: string): Promise<void> {
    await expect(this.items.nth(index)).toHaveAttribute('aria-current', 'true');
    await expect(this.detail).toHaveAttribute('data-run-id', (await this.items.nth(index).getAttribute('data-run-id'))!);
    await expect(this.items.nth(index)).toHaveAttribute('data-task', task);
  }

  async expectStatus(status: 'accepted' | 'corrected' | 'rejected' | 'unreviewed'): Promise<void> {
    await expect(this.detail).toHaveAttribute('data-status', status);
    await expect(this.root).toHaveAttribute('data-busy', 'false');
  }

  box(i: number): Locator {
    return this.boxes.nth(i);
  }

  async boxCoords(i: number): Promise<number[]> {
    return ((await this.box(i).getAttribute('data-box')) ?? '').split(',').map(Number);
  }

  /** Drags a box (its body) by (dx, dy) screen pixels. */
  async dragBox(i: number, dx: number, dy: number): Promise<void> {
    const b = await this.box(i).locator('rect').first().boundingBox();
    if (!b) throw new Error(`box ${i} is not on screen`);
    const x = b.x + b.width / 2, y = b.y + b.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx, y + dy, { steps: 6 });
    await this.page.mouse.up();
  }

  /** Drags a corner handle of the selected box by (dx, dy) screen pixels. */
  async dragCorner(corner: 'nw' | 'ne' | 'sw' | 'se', dx: number, dy: number): Promise<void> {
    const h = await this.crop.locator(`[data-testid="review-box-handle"][data-corner="${corner}"]`).boundingBox();
    if (!h) throw new Error(`no ${corner} handle on screen`);
    const x = h.x + h.width / 2, y = h.y + h.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx, y + dy, { steps: 6 });
    await this.page.mouse.up();
  }

  cell(row: number, col: number): Locator {
    return this.root.locator(`[data-testid="review-cell"][data-row="${row}"][data-col="${col}"]`);
  }

  async export(format: 'jsonl' | 'csv' | 'coco', only: 'reviewed' | 'all'): Promise<{ name: string; text: string }> {
    const file = await this.exportBytes(format, only);
    return { name: file.name, text: file.bytes.toString('utf8') };
  }

  async exportBytes(format: 'jsonl' | 'csv' | 'coco' | 'bundle', only: 'reviewed' | 'all'): Promise<{ name: string; bytes: Buffer }> {
    await this.exportOnly.selectOption(only);
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.root.getByTestId(`review-export-${format}`).click()]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }
}
