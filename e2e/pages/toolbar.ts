// The toolbar: opening, zoom, paging and OCR controls.
import { expect, type Locator, type Page } from '@playwright/test';

export class Toolbar {
  readonly root: Locator;
  readonly open: Locator;
  readonly recent: Locator;
  readonly recentEntries: Locator;
  readonly zoomIn: Locator;
  readonly zoomOut: Locator;
  readonly zoomReadout: Locator;
  readonly zoomActual: Locator;
  readonly fitWidth: Locator;
  readonly fitPage: Locator;
  readonly prevPage: Locator;
  readonly nextPage: Locator;
  readonly pageInput: Locator;
  readonly pageCount: Locator;
  readonly ocrPage: Locator;
  readonly ocrAll: Locator;
  readonly ocrCancel: Locator;
  readonly ocrProgress: Locator;
  readonly toggleBoxes: Locator;
  readonly help: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('toolbar');
    this.open = page.getByTestId('open-button');
    this.recent = page.getByTestId('recent-button');
    this.recentEntries = page.getByTestId('recent-entry');
    this.zoomIn = page.getByTestId('zoom-in');
    this.zoomOut = page.getByTestId('zoom-out');
    this.zoomReadout = page.getByTestId('zoom-readout');
    this.zoomActual = page.getByTestId('zoom-actual');
    this.fitWidth = page.getByTestId('fit-width');
    this.fitPage = page.getByTestId('fit-page');
    this.prevPage = page.getByTestId('prev-page');
    this.nextPage = page.getByTestId('next-page');
    this.pageInput = page.getByTestId('page-input');
    this.pageCount = page.getByTestId('page-count');
    this.ocrPage = page.getByTestId('ocr-page');
    this.ocrAll = page.getByTestId('ocr-all');
    this.ocrCancel = page.getByTestId('ocr-cancel');
    this.ocrProgress = page.getByTestId('ocr-progress');
    this.toggleBoxes = page.getByTestId('toggle-boxes');
    this.help = page.getByTestId('help-button');
  }

  async setZoomPercent(percent: number): Promise<void> {
    await this.zoomReadout.fill(String(percent));
    await this.zoomReadout.press('Enter');
  }

  async goToPage(oneBased: number): Promise<void> {
    await this.pageInput.fill(String(oneBased));
    await this.pageInput.press('Enter');
  }

  async expectPageCount(n: number): Promise<void> {
    await expect(this.pageCount).toHaveText(`/ ${n}`);
  }
}
