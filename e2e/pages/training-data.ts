// Project → Export training data…: the dialog's options, its progress, the result summary and the zip it saves.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export class TrainingDataDialog {
  readonly root: Locator;
  readonly progress: Locator;
  readonly result: Locator;
  readonly counts: Locator;
  readonly skipped: Locator;
  readonly problem: Locator;
  readonly exportButton: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('training-data-dialog');
    this.progress = this.root.getByTestId('training-progress');
    this.result = this.root.getByTestId('training-result');
    this.counts = this.root.getByTestId('training-counts');
    this.skipped = this.root.getByTestId('training-skipped');
    this.problem = this.root.getByTestId('training-problem');
    this.exportButton = this.root.getByTestId('training-export');
  }

  /** Opens the dialog from the project menu. */
  async open(): Promise<void> {
    const button = this.page.getByTestId('project-button');
    if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
    await this.page.getByTestId('project-export-training').click();
    await expect(this.root).toBeVisible();
  }

  async setSplit(train: number, validation: number, test: number): Promise<void> {
    await this.root.getByTestId('training-split-train').fill(String(train));
    await this.root.getByTestId('training-split-validation').fill(String(validation));
    await this.root.getByTestId('training-split-test').fill(String(test));
  }

  async setSeed(seed: number): Promise<void> {
    await this.root.getByTestId('training-seed').fill(String(seed));
  }

  /** Exports; the zip arrives as a download. Returns its name and bytes, and the progress stages seen. */
  async export(): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([this.page.waitForEvent('download', { timeout: 120_000 }), this.exportButton.click()]);
    await expect(this.result).toBeVisible();
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }

  /** The counts table as { task: [train, validation, test] }. */
  async countsByTask(): Promise<Record<string, number[]>> {
    return this.counts.locator('tbody tr[data-task]').evaluateAll((rows) =>
      Object.fromEntries(rows.map((r) => [r.getAttribute('data-task')!, [...r.querySelectorAll('td')].slice(1).map((td) => Number(td.textContent))])),
    );
  }

  async close(): Promise<void> {
    await this.root.getByTestId('training-close').click();
    await expect(this.root).toHaveCount(0);
  }
}
