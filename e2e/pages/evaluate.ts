// The Evaluate view: per task a chart and a table of the models' scores, the pages worst first, a page opened beside
// its truth.
import { expect, type Locator, type Page } from '@playwright/test';

export class EvaluateView {
  readonly tab: Locator;
  readonly root: Locator;
  readonly opened: Locator;

  constructor(page: Page) {
    this.tab = page.getByTestId('tab-evaluate');
    this.root = page.getByTestId('evaluate');
    this.opened = this.root.getByTestId('evaluate-opened');
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root).toBeVisible();
  }

  task(task: string): Locator {
    return this.root.getByTestId(`evaluate-task-${task}`);
  }

  chart(task: string): Locator {
    return this.root.getByTestId(`evaluate-chart-${task}`);
  }

  /** The mean of a metric for a model, as the table holds it (full precision in data-mean). */
  async mean(task: string, modelId: string, metric: string): Promise<number> {
    const cell = this.task(task).locator(`[data-testid="evaluate-row"][data-model="${modelId}"] td[data-metric="${metric}"]`);
    await expect(cell).toHaveCount(1);
    return Number(await cell.getAttribute('data-mean'));
  }

  pages(task: string): Locator {
    return this.task(task).getByTestId('evaluate-page');
  }
}
