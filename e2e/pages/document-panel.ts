// The Document tab of the right panel: regions in reading order over the page and as a list, their review, the
// assembled document and its export.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export class DocumentPanel {
  readonly tab: Locator;
  readonly root: Locator;
  readonly regions: Locator;
  readonly overlay: Locator;
  readonly pageImage: Locator;
  readonly preview: Locator;
  readonly note: Locator;
  readonly format: Locator;
  readonly exportButton: Locator;
  readonly onlyReviewed: Locator;

  constructor(readonly page: Page) {
    this.tab = page.getByTestId('tab-document');
    this.root = page.getByTestId('document-panel');
    this.regions = this.root.getByTestId('document-region');
    this.overlay = this.root.getByTestId('document-overlay');
    this.pageImage = this.root.getByTestId('document-page-image');
    this.preview = this.root.getByTestId('document-preview');
    this.note = this.root.getByTestId('document-note');
    this.format = this.root.getByTestId('document-format');
    this.exportButton = this.root.getByTestId('document-export');
    this.onlyReviewed = this.root.getByTestId('document-only-reviewed');
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root).toBeVisible();
  }

  /** The list's rows in reading order, as "type: text" (the handle's label). */
  async order(): Promise<string[]> {
    return this.regions.getByTestId('document-region-handle').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  }

  handle(index: number): Locator {
    return this.regions.nth(index).getByTestId('document-region-handle');
  }

  async export(format: 'md' | 'html' | 'docx' | 'json'): Promise<{ name: string; bytes: Buffer }> {
    await this.format.selectOption(format);
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.exportButton.click()]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }
}
