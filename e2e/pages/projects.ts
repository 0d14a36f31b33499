// The project menu in the toolbar: which store results are kept in, opening a `.paliscope` file through its file
// input, saving a copy (a download), the default store and the recent projects.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export class ProjectMenu {
  readonly button: Locator;
  readonly menu: Locator;
  readonly about: Locator;
  readonly counts: Locator;
  readonly recent: Locator;
  readonly fileInput: Locator;

  constructor(readonly page: Page) {
    this.button = page.getByTestId('project-button');
    this.menu = page.getByTestId('project-menu');
    this.about = this.menu.getByTestId('project-about');
    this.counts = this.menu.getByTestId('project-counts');
    this.recent = this.menu.getByTestId('project-recent');
    this.fileInput = page.getByTestId('project-file-input');
  }

  async open(): Promise<void> {
    if ((await this.button.getAttribute('aria-expanded')) !== 'true') await this.button.click();
    await expect(this.menu).toBeVisible();
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await expect(this.menu).toHaveCount(0);
  }

  /** The project's name on the button (once no switch is in progress). */
  async expectProject(name: string): Promise<void> {
    await expect(this.button).toHaveText(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*▾$`));
  }

  async saveCopy(): Promise<{ name: string; bytes: Buffer }> {
    await this.open();
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.menu.getByTestId('project-save-copy').click()]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }

  /** Picks a project file, as "Open a project file…" lets a person do. */
  async openFile(name: string, bytes: Buffer): Promise<void> {
    await this.fileInput.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
  }

  /** Project → Import results… with these project files (the file picker's multiple selection). */
  async importResults(paths: string[]): Promise<void> {
    await this.open();
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), this.menu.getByTestId('project-import').click()]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(paths);
  }

  async useDefault(): Promise<void> {
    await this.open();
    await this.menu.getByTestId('project-use-default').click();
    await this.expectProject('Default store');
  }
}
