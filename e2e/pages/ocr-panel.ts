// The recognised-text panel: its run state, the lines, search and copy.
import { expect, type Locator, type Page } from '@playwright/test';

export class OcrPanel {
  readonly root: Locator;
  readonly lines: Locator;
  readonly search: Locator;
  readonly hitCount: Locator;
  readonly summary: Locator;
  readonly otherHits: Locator;
  readonly selectedLines: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('ocr-panel');
    this.lines = this.root.getByTestId('ocr-line');
    this.search = this.root.getByTestId('ocr-search');
    this.hitCount = this.root.getByTestId('ocr-hit-count');
    this.summary = this.root.getByTestId('ocr-summary');
    this.otherHits = this.root.getByTestId('ocr-other-hits');
    this.selectedLines = this.root.locator('[data-testid="ocr-line"][aria-pressed="true"]');
  }

  line(index: number): Locator {
    return this.root.locator(`[data-testid="ocr-line"][data-line-index="${index}"]`);
  }

  async expectState(state: 'idle' | 'running' | 'done' | 'error', timeout?: number): Promise<void> {
    await expect(this.root).toHaveAttribute('data-ocr-state', state, timeout ? { timeout } : undefined);
  }
}
