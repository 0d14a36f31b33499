// The "Ask model" tab of the right panel: the model prompt box, the run in flight or shown, and
// the page's run history.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export type RunPanelState = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export class RunPanel {
  readonly tab: Locator;
  readonly textTab: Locator;
  readonly root: Locator;
  readonly model: Locator;
  readonly task: Locator;
  readonly text: Locator;
  readonly options: Locator;
  readonly maxTokens: Locator;
  readonly strategy: Locator;
  readonly start: Locator;
  readonly cancel: Locator;
  readonly view: Locator;
  readonly output: Locator;
  readonly stage: Locator;
  readonly status: Locator;
  readonly error: Locator;
  readonly timings: Locator;
  readonly provider: Locator;
  readonly rawToggle: Locator;
  readonly raw: Locator;
  readonly history: Locator;
  readonly problems: Locator;
  readonly noModels: Locator;
  /** Objects main parsed from a detect / segment run, and the parser's warnings. */
  readonly objects: Locator;
  readonly objectEntries: Locator;
  readonly warnings: Locator;
  /** The parsed result (data-result-kind says which view), the Export menu, and the Paste output form. */
  readonly result: Locator;
  readonly exportButton: Locator;
  readonly pasteOpen: Locator;
  readonly pasteTask: Locator;
  readonly pastePrompt: Locator;
  readonly pasteModel: Locator;
  readonly pasteText: Locator;
  readonly pasteSubmit: Locator;
  readonly pasteError: Locator;
  readonly uncertainTokens: Locator;

  constructor(page: Page) {
    this.tab = page.getByTestId('tab-model');
    this.textTab = page.getByTestId('tab-text');
    this.root = page.getByTestId('run-panel');
    this.model = this.root.getByTestId('run-model');
    this.task = this.root.getByTestId('run-task');
    this.text = this.root.getByTestId('run-text');
    this.options = this.root.getByTestId('run-options');
    this.maxTokens = this.root.getByTestId('run-max-tokens');
    this.strategy = this.root.getByTestId('run-strategy');
    this.start = this.root.getByTestId('run-start');
    this.cancel = this.root.getByTestId('run-cancel');
    this.view = this.root.getByTestId('run-view');
    this.output = this.root.getByTestId('run-output');
    this.stage = this.root.getByTestId('run-stage');
    this.status = this.root.getByTestId('run-status');
    this.error = this.root.getByTestId('run-error');
    this.timings = this.root.getByTestId('run-timings');
    this.provider = this.root.getByTestId('run-provider');
    this.rawToggle = this.root.getByTestId('run-raw-toggle');
    this.raw = this.root.getByTestId('run-raw');
    this.history = this.root.getByTestId('run-history-entry');
    this.problems = this.root.getByTestId('run-model-problems');
    this.noModels = this.root.getByTestId('run-no-models');
    this.objects = this.root.getByTestId('run-objects');
    this.objectEntries = this.root.getByTestId('run-object');
    this.warnings = this.root.getByTestId('run-warnings');
    this.result = this.root.getByTestId('run-result');
    this.exportButton = this.root.getByTestId('run-export');
    this.pasteOpen = this.root.getByTestId('run-paste-open');
    this.pasteTask = this.root.getByTestId('run-paste-task');
    this.pastePrompt = this.root.getByTestId('run-paste-prompt');
    this.pasteModel = this.root.getByTestId('run-paste-model');
    this.pasteText = this.root.getByTestId('run-paste-text');
    this.pasteSubmit = this.root.getByTestId('run-paste-submit');
    this.pasteError = this.root.getByTestId('run-paste-error');
    this.uncertainTokens = this.root.getByTestId('run-token-uncertain');
  }

  /** Pastes a raw output for a task and waits for main's parsed result to show. */
  /** Pastes an output and returns the id of the run it became (the run shown once it is done). */
  async paste(task: string, text: string, prompt = '', model = ''): Promise<string> {
    if (!(await this.pasteText.isVisible())) await this.pasteOpen.click();
    await this.pasteTask.selectOption(task);
    await this.pasteModel.fill(model);
    await this.pastePrompt.fill(prompt);
    await this.pasteText.fill(text);
    await this.pasteSubmit.click();
    await expect(this.pasteText).toHaveCount(0);
    await this.expectState('done');
    await expect(this.view).toHaveAttribute('data-run-status', 'done');
    const runId = await this.view.getAttribute('data-run-id');
    if (!runId) throw new Error('the pasted output was shown without a run id');
    return runId;
  }

  /** Exports the shown run's result; the file arrives as a download. */
  async export(format: string): Promise<{ name: string; bytes: Buffer }> {
    await this.exportButton.click();
    const [download] = await Promise.all([this.root.page().waitForEvent('download'), this.root.getByTestId(`run-export-${format}`).click()]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root).toBeVisible();
  }

  modelOption(name: string): Locator {
    return this.model.locator(`option[data-model-name="${name}"]`);
  }

  async chooseModel(name: string): Promise<void> {
    const value = await this.modelOption(name).getAttribute('value');
    if (!value) throw new Error(`no model named ${name} in the model list`);
    await this.model.selectOption(value);
  }

  /** Fills the prompt box: task preset, the text after it and (in the collapsed options) max tokens. */
  async fill(task: string, text: string, maxTokens: number): Promise<void> {
    await this.task.selectOption(task);
    await this.text.fill(text);
    if (!(await this.options.evaluate((d) => (d as HTMLDetailsElement).open))) await this.options.locator('summary').click();
    await this.maxTokens.fill(String(maxTokens));
  }

  async expectState(state: RunPanelState, timeout?: number): Promise<void> {
    await expect(this.root).toHaveAttribute('data-run-state', state, timeout ? { timeout } : undefined);
  }

  historyEntry(runId: string): Locator {
    return this.root.locator(`[data-testid="run-history-entry"][data-run-id="${runId}"]`);
  }
}
