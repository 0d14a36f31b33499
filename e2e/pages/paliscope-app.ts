// The whole window as one page object: its parts, plus the few flows every spec needs (open files
// through the file input, wait for a page to show, keep a screenshot).
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { AppEvents } from './app-events';
import { Dialogs } from './dialogs';
import { DocumentPanel } from './document-panel';
import { DocumentTabs } from './document-tabs';
import { Notices } from './notices';
import { OcrPanel } from './ocr-panel';
import { RunPanel } from './run-panel';
import { StatusBar } from './status-bar';
import { Thumbnails } from './thumbnails';
import { Toolbar } from './toolbar';
import { Viewer } from './viewer';

export const SCREENSHOT_DIR = join(import.meta.dirname, '../../test-results/screenshots');

export interface OpenedDocument {
  documentId: string;
  name: string;
  pages: number;
}

export class PaliscopeApp {
  readonly events: AppEvents;
  readonly toolbar: Toolbar;
  readonly tabs: DocumentTabs;
  readonly viewer: Viewer;
  readonly thumbnails: Thumbnails;
  readonly ocr: OcrPanel;
  readonly document: DocumentPanel;
  readonly runs: RunPanel;
  readonly notices: Notices;
  readonly status: StatusBar;
  readonly dialogs: Dialogs;
  readonly fileInput: Locator;
  readonly emptyState: Locator;
  readonly textPanelSplitter: Locator;

  private constructor(readonly page: Page) {
    this.events = new AppEvents(page);
    this.toolbar = new Toolbar(page);
    this.tabs = new DocumentTabs(page);
    this.viewer = new Viewer(page);
    this.thumbnails = new Thumbnails(page);
    this.ocr = new OcrPanel(page);
    this.document = new DocumentPanel(page);
    this.runs = new RunPanel(page);
    this.notices = new Notices(page);
    this.status = new StatusBar(page);
    this.dialogs = new Dialogs(page);
    this.fileInput = page.getByTestId('file-input');
    this.emptyState = page.getByTestId('empty-state');
    this.textPanelSplitter = page.getByTestId('splitter');
  }

  /** Attaches to a loaded window, starts recording app events and closes documents left open. */
  static async attach(page: Page): Promise<PaliscopeApp> {
    const app = new PaliscopeApp(page);
    await page.getByTestId('app-ready').waitFor();
    await app.events.install();
    await app.tabs.closeAll();
    return app;
  }

  /** Opens one file through the file input and waits until its first page is on screen. */
  async openFile(path: string): Promise<OpenedDocument> {
    const mark = await this.events.mark();
    await this.fileInput.setInputFiles(path);
    const opened = await this.events.waitFor('paliscope:document-opened', mark, { name: basename(path) });
    await this.viewer.expectPage(opened.documentId, 0);
    return opened;
  }

  /** Opens a file that must fail; returns the error event. */
  async openFailing(path: string): Promise<{ code: string; message: string }> {
    const mark = await this.events.mark();
    await this.fileInput.setInputFiles(path);
    return this.events.waitFor('paliscope:error', mark, { source: basename(path) });
  }

  /** Drags the text panel's splitter horizontally by dx CSS pixels. */
  async dragTextPanelSplitter(dx: number): Promise<void> {
    const b = await this.textPanelSplitter.boundingBox();
    if (!b) throw new Error('the text panel splitter is not on screen');
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(b.x + b.width / 2 + dx, b.y + b.height / 2, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Counts the page-image requests the window makes from now on, for one document and size. */
  trackPageImageRequests(maxSide: number): { count(): number; indices(): Set<number> } {
    const seen: number[] = [];
    this.page.on('request', (r) => {
      // `/page/<id>/<n>?max=…&k=<image key>` on the headless host, `paliscope://page/<id>/<n>?max=` in Electron.
      const m = /page\/[A-Za-z0-9_-]+\/(\d+)\?max=(\d+)(?:&|$)/.exec(r.url());
      if (m && Number(m[2]) === maxSide) seen.push(Number(m[1]));
    });
    return { count: () => seen.length, indices: () => new Set(seen) };
  }

  /**
   * Holds back the page previews (the large page images) until `release()` is called, so a spec
   * can see what the window shows while a preview is still on its way.
   */
  async holdPreviews(maxSide: number): Promise<{ release(): void; held(): number }> {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = 0;
    await this.page.route(
      (url) => new RegExp(`page/[A-Za-z0-9_-]+/\\d+\\?max=${maxSide}(?:&|$)`).test(url.href),
      async (route) => {
        held++;
        await gate;
        await route.continue();
      },
    );
    return { release, held: () => held };
  }

  async clipboardText(): Promise<string> {
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  /** Drops a file on the viewer area the way a file manager would (a DataTransfer with a File). */
  async dropFile(path: string): Promise<void> {
    const base64 = readFileSync(path).toString('base64');
    const dataTransfer = await this.page.evaluateHandle(
      ({ base64, name }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name));
        return dt;
      },
      { base64, name: basename(path) },
    );
    const target = this.page.getByTestId('app');
    await target.dispatchEvent('dragenter', { dataTransfer });
    await target.dispatchEvent('dragover', { dataTransfer });
    await target.dispatchEvent('drop', { dataTransfer });
  }

  async pressKey(key: string): Promise<void> {
    // Shortcuts listen on the window; make sure no text field has the keyboard.
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await this.page.keyboard.press(key);
  }

  /** Saves a screenshot to test-results/screenshots/<name>.png and attaches it to the report. */
  async screenshot(testInfo: TestInfo, name: string, target?: Locator): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await (target ?? this.page).screenshot({ path });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  }

  async expectNoCspViolations(): Promise<void> {
    expect(await this.events.cspViolations(), 'Content-Security-Policy violations').toEqual([]);
  }
}
