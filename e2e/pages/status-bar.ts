// The status bar: engine state and restarts, page size, zoom and cursor position.
import { expect, type Locator, type Page } from '@playwright/test';

export class StatusBar {
  readonly root: Locator;
  readonly engine: Locator;
  readonly pageSize: Locator;
  readonly zoom: Locator;
  readonly cursor: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('status-bar');
    this.engine = page.getByTestId('engine-status');
    this.pageSize = page.getByTestId('page-size');
    this.zoom = page.getByTestId('status-zoom');
    this.cursor = page.getByTestId('cursor-position');
  }

  async waitForEngine(state: 'starting' | 'ready' | 'crashed' | 'restarting' | 'stopped', timeout = 60_000): Promise<void> {
    await expect(this.engine).toHaveAttribute('data-engine-state', state, { timeout });
  }

  async enginePid(): Promise<number> {
    const pid = Number(await this.engine.getAttribute('data-engine-pid'));
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`the status bar shows no engine pid (data-engine-pid="${await this.engine.getAttribute('data-engine-pid')}")`);
    return pid;
  }

  async engineRestarts(): Promise<number> {
    return Number((await this.engine.getAttribute('data-engine-restarts')) || 0);
  }

  async waitForEngineRestarts(atLeast: number, timeout = 60_000): Promise<void> {
    await expect.poll(() => this.engineRestarts(), { timeout, message: `engine restarts ≥ ${atLeast}` }).toBeGreaterThanOrEqual(atLeast);
  }
}
