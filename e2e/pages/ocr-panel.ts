// The recognised-text panel: its run state, the lines, search, copy and export.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export class OcrPanel {
  readonly root: Locator;
  readonly lines: Locator;
  readonly search: Locator;
  readonly hitCount: Locator;
  readonly summary: Locator;
  readonly otherHits: Locator;
  readonly copy: Locator;
  readonly selectedLines: Locator;
  readonly exportButton: Locator;
  readonly exportMenu: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('ocr-panel');
    this.lines = this.root.getByTestId('ocr-line');
    this.search = this.root.getByTestId('ocr-search');
    this.hitCount = this.root.getByTestId('ocr-hit-count');
    this.summary = this.root.getByTestId('ocr-summary');
    this.otherHits = this.root.getByTestId('ocr-other-hits');
    this.copy = this.root.getByTestId('ocr-copy');
    this.selectedLines = this.root.locator('[data-testid="ocr-line"][aria-pressed="true"]');
    this.exportButton = this.root.getByTestId('ocr-export');
    this.exportMenu = this.root.getByTestId('ocr-export-menu');
  }

  /** Picks a format from the Export menu and returns the file the window saved. */
  async export(format: 'txt' | 'json' | 'hocr' | 'alto' | 'pdf'): Promise<{ name: string; text: string }> {
    await this.exportButton.click();
    const [download] = await Promise.all([this.root.page().waitForEvent('download'), this.exportMenu.getByTestId(`ocr-export-${format}`).click()]);
    const path = await download.path();
    return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
  }

  line(index: number): Locator {
    return this.root.locator(`[data-testid="ocr-line"][data-line-index="${index}"]`);
  }

  /** The recognised text of one line as shown (without its confidence). */
  async lineText(index: number): Promise<string> {
    return (await this.line(index).getByTestId('ocr-line-text').innerText()).trim();
  }

  async allLineTexts(): Promise<string[]> {
    return (await this.lines.getByTestId('ocr-line-text').allInnerTexts()).map((t) => t.trim());
  }

  async expectState(state: 'idle' | 'running' | 'done' | 'error', timeout?: number): Promise<void> {
    await expect(this.root).toHaveAttribute('data-ocr-state', state, timeout ? { timeout } : undefined);
  }
}
