// The page-thumbnail strip. Each item says whether its image was requested and has loaded.
import type { Locator, Page } from '@playwright/test';

export class Thumbnails {
  readonly root: Locator;
  readonly items: Locator;
  readonly requested: Locator;
  readonly loaded: Locator;
  /** Thumbnails marked as having recognised text. */
  readonly withText: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('thumbnails');
    this.items = this.root.getByTestId('thumbnail');
    this.requested = this.root.locator('[data-testid="thumbnail"][data-requested="true"]');
    this.loaded = this.root.locator('[data-testid="thumbnail"][data-loaded="true"]');
    this.withText = this.root.getByTestId('thumbnail-has-text');
  }

  item(index: number): Locator {
    return this.root.locator(`[data-testid="thumbnail"][data-page-index="${index}"]`);
  }

  async scrollToBottom(): Promise<void> {
    await this.root.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  }
}
