// The "Batch" tab of the right panel: the form (documents, task, prompt, model, tokens), the progress of the batch
// shown, its pages, and the list of batches. Figures are read from data attributes, not from the words on screen.
import { expect, type Locator, type Page } from '@playwright/test';

export type BatchStatus = 'queued' | 'running' | 'paused' | 'cancelled' | 'done';

export class BatchPanel {
  readonly tab: Locator;
  readonly root: Locator;
  readonly documents: Locator;
  readonly task: Locator;
  readonly text: Locator;
  readonly model: Locator;
  readonly maxTokens: Locator;
  readonly start: Locator;
  readonly progress: Locator;
  readonly status: Locator;
  readonly counts: Locator;
  readonly current: Locator;
  readonly pause: Locator;
  readonly resume: Locator;
  readonly cancel: Locator;
  readonly pages: Locator;
  readonly items: Locator;
  readonly itemErrors: Locator;
  readonly entries: Locator;

  constructor(page: Page) {
    this.tab = page.getByTestId('tab-batch');
    this.root = page.getByTestId('batch-panel');
    this.documents = this.root.getByTestId('batch-document');
    this.task = this.root.getByTestId('batch-task');
    this.text = this.root.getByTestId('batch-text');
    this.model = this.root.getByTestId('batch-model');
    this.maxTokens = this.root.getByTestId('batch-max-tokens');
    this.start = this.root.getByTestId('batch-start');
    this.progress = this.root.getByTestId('batch-progress');
    this.status = this.root.getByTestId('batch-status');
    this.counts = this.root.getByTestId('batch-counts');
    this.current = this.root.getByTestId('batch-current');
    this.pause = this.root.getByTestId('batch-pause');
    this.resume = this.root.getByTestId('batch-resume');
    this.cancel = this.root.getByTestId('batch-cancel');
    this.pages = this.root.getByTestId('batch-pages');
    this.items = this.root.getByTestId('batch-item');
    this.itemErrors = this.root.getByTestId('batch-item-error');
    this.entries = this.root.getByTestId('batch-entry');
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root).toBeVisible();
  }

  /** The document checkbox of an open document, by its name. */
  document(name: string): Locator {
    return this.root.locator(`[data-testid="batch-document"][data-name="${name}"]`);
  }

  async chooseModel(name: string): Promise<void> {
    const value = await this.model.locator(`option[data-model-name="${name}"]`).getAttribute('value');
    if (!value) throw new Error(`no model named ${name} in the batch panel`);
    await this.model.selectOption(value);
  }

  /** Fills the form and presses Start batch. */
  async startBatch(o: { task: string; text?: string; model?: string; maxTokens?: number }): Promise<void> {
    await this.task.selectOption(o.task);
    if (o.text !== undefined) await this.text.fill(o.text);
    if (o.model) await this.chooseModel(o.model);
    if (o.maxTokens !== undefined) await this.maxTokens.fill(String(o.maxTokens));
    await this.start.click();
  }

  async figures(): Promise<{ status: BatchStatus; done: number; failed: number; total: number }> {
    const [status, done, failed, total] = await Promise.all(['data-status', 'data-done', 'data-failed', 'data-total'].map((a) => this.progress.getAttribute(a)));
    return { status: status as BatchStatus, done: Number(done), failed: Number(failed), total: Number(total) };
  }

  async expectStatus(status: BatchStatus, timeout?: number): Promise<void> {
    await expect(this.progress).toHaveAttribute('data-status', status, timeout ? { timeout } : {});
  }

  /** Waits until at least `n` pages of the shown batch are done (pushed progress, no polling of the host). */
  async expectDoneAtLeast(n: number, timeout = 60_000): Promise<void> {
    await expect.poll(async () => (await this.figures()).done, { timeout }).toBeGreaterThanOrEqual(n);
  }
}
