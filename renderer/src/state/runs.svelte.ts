// Running a local model on the current page: the models found, the prompt form, the one run in
// flight (its streamed output) and the history of runs per page, as main keeps it.
import { SvelteMap } from 'svelte/reactivity';
import type { Api, StreamHandle } from '../lib/api';
import type { AppError, DisplayWindow, ModelInfo, PageRegion, RunChunk, RunRecord, RunStrategy, RunTask } from '../../../preload/contract';
import { MAX_NEW_TOKENS } from '../lib/run-format';
import { MAX_UPLOAD_BYTES } from '../../../preload/contract/limits';
import type { RunExportFormat } from '../../../preload/contract';
import { promptProblem, TASKS } from '../../../models/tasks/table';
import type { NoticesState } from './notices.svelte';
import { announcer } from './announcer.svelte';
import { lastRun } from './last-run.svelte';
import { emitAppEvent } from '../lib/app-events';

export type StrategyKind = RunStrategy['kind'];
export type RunStage = 'starting' | 'render' | 'load' | 'generate';

export interface ActiveRun {
  documentId: string;
  page: number;
  stage: RunStage;
  /** The output so far, as streamed. */
  text: string;
  tokens: number;
  /** Execution provider per part of the model, once it is loaded. */
  providers: Record<string, string> | null;
}

const key = (documentId: string, page: number): string => `${documentId}:${page}`;

export class RunsState {
  models = $state<ModelInfo[]>([]);
  folders = $state<string[]>([]);
  modelsLoaded = $state(false);
  modelsError = $state<string | null>(null);
  modelId = $state<string | null>(null);

  task = $state<RunTask>('caption');
  text = $state<string>(TASKS.caption.defaultText);
  maxNewTokens = $state(64);
  strategy = $state<StrategyKind>('greedy');
  temperature = $state(1);
  topK = $state(0);
  topP = $state(1);
  seed = $state(0);
  numBeams = $state(3);
  lengthPenalty = $state(1);

  active = $state<ActiveRun | null>(null);
  /** Per document page, newest first, as main keeps it. */
  readonly history = new SvelteMap<string, RunRecord[]>();
  /** The run shown in full per page (its id); the newest when none was picked. */
  readonly shown = new SvelteMap<string, string>();
  /** The part of each page the next run is for (absent: the whole page). */
  readonly regions = new SvelteMap<string, PageRegion>();
  /** A plain drag on the page draws the region (otherwise Shift+drag does). */
  drawingRegion = $state(false);
  /** A failure that left no history entry (e.g. a model folder missing a file), per page. */
  readonly refusals = new SvelteMap<string, AppError>();

  readonly usableModels = $derived(this.models.filter((m) => m.problem === null));
  readonly model = $derived(this.models.find((m) => m.id === this.modelId) ?? null);

  readonly #api: Api;
  readonly #notices: NoticesState;
  #handle: StreamHandle<RunRecord> | null = null;

  /** The window/level a DICOM page is shown through (null for other documents): a run sees the page the same way. */
  readonly #windowOf: (documentId: string, page: number) => DisplayWindow | null;

  constructor(api: Api, notices: NoticesState, windowOf: (documentId: string, page: number) => DisplayWindow | null = () => null) {
    this.#api = api;
    this.#notices = notices;
    this.#windowOf = windowOf;
  }

  async loadModels(): Promise<void> {
    const r = await this.#api.call('models.list', {});
    this.modelsLoaded = true;
    if (!r.ok) {
      this.modelsError = r.error.message;
      return;
    }
    this.modelsError = null;
    this.models = r.value.models;
    this.folders = r.value.folders;
    // Keep the choice while it is still there; otherwise the first usable model.
    if (!this.models.some((m) => m.id === this.modelId)) this.modelId = this.usableModels[0]?.id ?? null;
    emitAppEvent('paliscope:models-listed', { count: this.models.length, usable: this.usableModels.length });
  }

  setTask(task: RunTask): void {
    // The text follows the task unless the person wrote their own.
    const untouched = Object.values(TASKS).some((t) => t.defaultText === this.text);
    this.task = task;
    if (untouched) this.text = TASKS[task].defaultText;
  }

  strategyValue(): RunStrategy {
    switch (this.strategy) {
      case 'sample':
        return { kind: 'sample', temperature: this.temperature, topK: this.topK, topP: this.topP, seed: this.seed };
      case 'beam':
        return { kind: 'beam', numBeams: this.numBeams, lengthPenalty: this.lengthPenalty };
      default:
        return { kind: 'greedy' };
    }
  }

  /** Why Run cannot start now, for the button's title and a disabled state; null when it can. */
  blocker(hasPage: boolean): string | null {
    if (!hasPage) return 'Open a document first';
    if (this.active) return 'A run is in progress';
    if (!this.model) return 'Choose a model';
    if (this.model.problem) return `This model cannot be used: ${this.model.problem}`;
    const promptIssue = promptProblem(this.task, this.text);
    if (promptIssue) return promptIssue;
    if (!Number.isInteger(this.maxNewTokens) || this.maxNewTokens < 1 || this.maxNewTokens > MAX_NEW_TOKENS) return `Max tokens must be 1 to ${MAX_NEW_TOKENS}`;
    return null;
  }

  historyFor(documentId: string, page: number): RunRecord[] {
    return this.history.get(key(documentId, page)) ?? [];
  }

  shownRun(documentId: string, page: number): RunRecord | null {
    const runs = this.historyFor(documentId, page);
    const id = this.shown.get(key(documentId, page));
    return runs.find((r) => r.id === id) ?? runs[0] ?? null;
  }

  show(documentId: string, page: number, runId: string): void {
    this.shown.set(key(documentId, page), runId);
  }

  regionFor(documentId: string, page: number): PageRegion | null {
    return this.regions.get(key(documentId, page)) ?? null;
  }

  /** The region being drawn or drawn; one too small to read (under 8 px a side) clears it when the drag ends. */
  setRegion(documentId: string, page: number, region: PageRegion, done: boolean): void {
    if (done) this.drawingRegion = false;
    if (done && (region.width < 8 || region.height < 8)) this.regions.delete(key(documentId, page));
    else this.regions.set(key(documentId, page), region);
    if (done) emitAppEvent('paliscope:region', { documentId, page, region: this.regionFor(documentId, page) });
  }

  clearRegion(documentId: string, page: number): void {
    this.regions.delete(key(documentId, page));
    emitAppEvent('paliscope:region', { documentId, page, region: null });
  }

  refusalFor(documentId: string, page: number): AppError | null {
    return this.refusals.get(key(documentId, page)) ?? null;
  }

  async start(documentId: string, page: number): Promise<void> {
    const model = this.model;
    if (this.blocker(true) !== null || !model) return;
    const k = key(documentId, page);
    if (!this.history.has(k)) await this.loadHistory(documentId, page);
    const before = this.historyFor(documentId, page).map((r) => r.id);
    this.refusals.delete(k);
    this.shown.delete(k);
    this.active = { documentId, page, stage: 'starting', text: '', tokens: 0, providers: null };
    const handle = this.#api.stream(
      'runs.start',
      {
        documentId,
        page,
        modelId: model.id,
        prompt: { task: this.task, text: this.text.trim() },
        maxNewTokens: this.maxNewTokens,
        strategy: this.strategyValue(),
        ...(this.regionFor(documentId, page) ? { region: this.regionFor(documentId, page)! } : {}),
        ...(this.#windowOf(documentId, page) ? { window: this.#windowOf(documentId, page)! } : {}),
      },
      (chunk) => this.#onChunk(chunk),
    );
    this.#handle = handle;
    announcer.say(`Model run started on page ${page + 1}.`);
    const r = await handle.result;
    this.#handle = null;
    this.active = null;
    if (r.ok) lastRun.note(r.value);
    announcer.say(r.ok ? `Model run finished: ${r.value.text.length} characters of output.` : r.error.code === 'CANCELLED' ? 'Model run cancelled.' : 'Model run failed (the notice says why).');
    await this.loadHistory(documentId, page);
    // A run main refused before starting (bad model folder, page gone) leaves no history entry.
    const recorded = this.historyFor(documentId, page).find((run) => !before.includes(run.id)) ?? null;
    if (!r.ok && r.error.code !== 'CANCELLED') {
      if (!recorded) this.refusals.set(k, r.error);
      this.#notices.error('The model run failed', r.error.message, r.error.code);
      emitAppEvent('paliscope:error', { source: 'runs.start', code: r.error.code, message: r.error.message });
    }
    const status = r.ok ? 'done' : r.error.code === 'CANCELLED' ? 'cancelled' : 'error';
    emitAppEvent('paliscope:run-done', { documentId, page, status, runId: recorded?.id ?? null, code: r.ok ? null : r.error.code });
  }

  async cancel(): Promise<void> {
    await this.#handle?.cancel();
  }

  /** Output from another runtime, parsed by main and kept in the page's history like a run (of `model`, when named). */
  async paste(documentId: string, page: number, task: RunTask, promptText: string, text: string, model = ''): Promise<AppError | null> {
    const region = this.regionFor(documentId, page);
    const r = await this.#api.call('runs.paste', { documentId, page, task, promptText, text, ...(model ? { model } : {}), ...(region ? { region } : {}) });
    if (!r.ok) {
      emitAppEvent('paliscope:error', { source: 'runs.paste', code: r.error.code, message: r.error.message });
      return r.error;
    }
    await this.loadHistory(documentId, page);
    this.show(documentId, page, r.value.id);
    emitAppEvent('paliscope:run-done', { documentId, page, status: 'done', runId: r.value.id, code: null });
    return null;
  }

  /**
   * Installs the mask decoder from a file the person picked, then parses the run again so its masks appear.
   * Returns an error message for the person, or null.
   */
  async importMaskDecoder(file: File, run: RunRecord): Promise<string | null> {
    if (file.size > MAX_UPLOAD_BYTES) return `${file.name} is larger than ${Math.round(MAX_UPLOAD_BYTES / 2 ** 20)} MB`;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const r = await this.#api.call('models.importMaskDecoder', { name: file.name, bytes });
    if (!r.ok) {
      emitAppEvent('paliscope:error', { source: 'models.importMaskDecoder', code: r.error.code, message: r.error.message });
      return r.error.message;
    }
    return this.#reparse(run);
  }

  /**
   * Downloads the mask decoder from the hub (progress as a fraction through `onProgress`), then parses the run again.
   * Returns an error message for the person, or null.
   */
  async downloadMaskDecoder(run: RunRecord, onProgress: (fraction: number, detail: string) => void): Promise<string | null> {
    const handle = this.#api.stream('models.downloadMaskDecoder', {}, (p) =>
      onProgress(p.totalBytes > 0 ? p.doneBytes / p.totalBytes : 0, `${Math.round(p.doneBytes / 2 ** 20)} / ${Math.round(p.totalBytes / 2 ** 20)} MB`),
    );
    const r = await handle.result;
    if (!r.ok) {
      emitAppEvent('paliscope:error', { source: 'models.downloadMaskDecoder', code: r.error.code, message: r.error.message });
      return r.error.message;
    }
    return this.#reparse(run);
  }

  /** Parses a run again now the mask decoder is installed, and shows the page's history with it. */
  async #reparse(run: RunRecord): Promise<string | null> {
    const again = await this.#api.call('runs.reparse', { documentId: run.documentId, runId: run.id });
    if (!again.ok) return again.error.message;
    await this.loadHistory(run.documentId, run.page);
    return null;
  }

  /** Asks main for a run's parsed result as a file; the caller saves it. */
  async exportRun(documentId: string, runId: string, format: RunExportFormat): Promise<{ fileName: string; mime: string; bytes: Uint8Array } | null> {
    const r = await this.#api.call('runs.export', { documentId, runId, format });
    if (!r.ok) {
      this.#notices.error('Export failed', r.error.message, r.error.code);
      emitAppEvent('paliscope:error', { source: 'runs.export', code: r.error.code, message: r.error.message });
      return null;
    }
    return r.value;
  }

  async loadHistory(documentId: string, page: number): Promise<void> {
    const r = await this.#api.call('runs.list', { documentId, page });
    if (r.ok) this.history.set(key(documentId, page), r.value);
  }

  /** Loads a page's history once, when the page is first shown with this panel open. */
  ensureHistory(documentId: string, page: number): void {
    if (!this.history.has(key(documentId, page))) void this.loadHistory(documentId, page);
  }

  forget(documentId: string): void {
    for (const map of [this.history, this.shown, this.refusals, this.regions]) {
      for (const k of [...map.keys()]) if (k.startsWith(`${documentId}:`)) map.delete(k);
    }
  }

  #onChunk(chunk: RunChunk): void {
    const run = this.active;
    if (!run) return;
    if (chunk.type === 'stage') {
      run.stage = chunk.stage;
      if (chunk.providers) run.providers = chunk.providers;
      return;
    }
    run.text += chunk.token.text;
    run.tokens++;
  }
}
