// The status bar: where the engine host's state shows. Selectors live here only.
import type { Page } from '@playwright/test';

export class StatusBar {
  constructor(private readonly page: Page) {}

  private engine() {
    return this.page.getByTestId('engine-status');
  }

  async waitForEngine(state: 'ready' | 'crashed' | 'restarting' | 'starting'): Promise<void> {
    await this.page.locator(`[data-testid="engine-status"][data-engine-state="${state}"]`).waitFor();
  }

  async enginePid(): Promise<number> {
    return Number(await this.engine().getAttribute('data-engine-pid'));
  }

  async engineRestarts(): Promise<number> {
    return Number(await this.engine().getAttribute('data-engine-restarts'));
  }

  async waitForEngineRestarts(count: number): Promise<void> {
    await this.page.locator(`[data-testid="engine-status"][data-engine-restarts="${count}"]`).waitFor();
  }
}
