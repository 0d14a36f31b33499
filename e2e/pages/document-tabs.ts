// One tab per open document.
import { expect, type Locator, type Page } from '@playwright/test';

export class DocumentTabs {
  readonly tabs: Locator;

  constructor(private readonly page: Page) {
    this.tabs = page.getByTestId('document-tab');
  }

  tab(documentId: string): Locator {
    return this.page.locator(`[data-testid="document-tab"][data-document-id="${documentId}"]`);
  }

  async activate(documentId: string): Promise<void> {
    await this.tab(documentId).getByTestId('document-tab-title').click();
    await expect(this.tab(documentId)).toHaveAttribute('data-active', 'true');
  }

  async close(documentId: string): Promise<void> {
    await this.tab(documentId).getByTestId('close-tab').click();
    await expect(this.tab(documentId)).toHaveCount(0);
  }

  /** Closes every open document (the headless host keeps documents for the whole worker). */
  async closeAll(): Promise<void> {
    for (let n = await this.tabs.count(); n > 0; n--) {
      await this.tabs.first().getByTestId('close-tab').click();
      await expect(this.tabs).toHaveCount(n - 1);
    }
  }
}
