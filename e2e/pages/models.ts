// The Models window: the toolbar button, the folder and token settings, installed models and the catalog with
// each entry's download controls.
import type { Locator, Page } from '@playwright/test';

export class ModelsWindow {
  readonly button: Locator;
  readonly dialog: Locator;
  readonly folder: Locator;
  readonly disk: Locator;
  readonly token: Locator;
  readonly tokenInput: Locator;
  readonly tokenSave: Locator;
  readonly tokenStorage: Locator;
  readonly installed: Locator;
  readonly installedRows: Locator;
  readonly none: Locator;
  readonly close: Locator;

  constructor(page: Page) {
    this.button = page.getByTestId('models-button');
    this.dialog = page.getByTestId('models-dialog');
    this.folder = this.dialog.getByTestId('models-folder');
    this.disk = this.dialog.getByTestId('models-disk');
    this.token = this.dialog.getByTestId('models-token');
    this.tokenInput = this.dialog.getByTestId('models-token-input');
    this.tokenSave = this.dialog.getByTestId('models-token-save');
    this.tokenStorage = this.dialog.getByTestId('models-token-storage');
    this.installed = this.dialog.getByTestId('models-installed');
    this.installedRows = this.dialog.getByTestId('models-installed-row');
    this.none = this.dialog.getByTestId('models-none');
    this.close = this.dialog.getByTestId('models-close');
  }

  async open(): Promise<void> {
    await this.button.click();
    await this.dialog.getByTestId('models-catalog-row').first().waitFor();
  }

  /** The folder downloads go to, as the window shows it. */
  async downloadFolder(): Promise<string> {
    return (await this.folder.locator('code').first().textContent())!.trim();
  }

  entry(catalogId: string): CatalogEntryRow {
    return new CatalogEntryRow(this.dialog.locator(`[data-testid="models-catalog-row"][data-catalog-id="${catalogId}"]`));
  }

  installedRow(name: string): Locator {
    return this.dialog.locator(`[data-testid="models-installed-row"][data-model-name="${name}"]`);
  }
}

export class CatalogEntryRow {
  readonly download: Locator;
  readonly pause: Locator;
  readonly cancel: Locator;
  readonly progressText: Locator;
  readonly error: Locator;
  readonly message: Locator;
  readonly installedMark: Locator;
  /** A checkpoint's download size, converted size, and the disk and memory check. */
  readonly needs: Locator;
  readonly licenceLink: Locator;
  readonly dtype: Locator;

  constructor(readonly root: Locator) {
    this.needs = root.getByTestId('models-checkpoint-needs');
    this.licenceLink = root.getByTestId('models-licence-link');
    this.dtype = root.getByTestId('models-dtype');
    this.download = root.getByTestId('models-download');
    this.pause = root.getByTestId('models-pause');
    this.cancel = root.getByTestId('models-cancel');
    this.progressText = root.getByTestId('models-progress-text');
    this.error = root.getByTestId('models-download-error');
    this.message = root.getByTestId('models-download-message');
    this.installedMark = root.getByTestId('models-installed-mark');
  }

  /** none | running | pausing | paused | done | error | cancelled */
  state(): Promise<string | null> {
    return this.root.getAttribute('data-download-state');
  }
}
