// Error and information banners.
import { expect, type Locator, type Page } from '@playwright/test';

export class Notices {
  readonly all: Locator;
  readonly errors: Locator;

  constructor(page: Page) {
    this.all = page.getByTestId('notice');
    this.errors = page.locator('[data-testid="notice"][data-kind="error"]');
  }

  /** An information note by its title. */
  info(title: string): Locator {
    return this.all.and(this.all.page().locator('[data-kind="info"]')).filter({ hasText: title });
  }

  /** The error banner whose title names the file. */
  errorFor(fileName: string): Locator {
    return this.errors.filter({ has: this.errors.page().getByTestId('notice-title').getByText(fileName) });
  }

  message(notice: Locator): Locator {
    return notice.getByTestId('notice-message');
  }

  async dismiss(notice: Locator): Promise<void> {
    await notice.getByTestId('notice-dismiss').click();
    await expect(notice).toHaveCount(0);
  }
}
