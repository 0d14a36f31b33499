// The modal dialogs: keyboard help and the PDF password prompt.
import type { Locator, Page } from '@playwright/test';

export class Dialogs {
  readonly help: Locator;
  readonly password: Locator;
  readonly passwordInput: Locator;
  readonly passwordSubmit: Locator;
  readonly passwordWrong: Locator;

  constructor(page: Page) {
    this.help = page.getByTestId('help-overlay');
    this.password = page.getByTestId('password-dialog');
    this.passwordInput = page.getByTestId('password-input');
    this.passwordSubmit = page.getByTestId('password-submit');
    this.passwordWrong = page.getByTestId('password-wrong');
  }
}
