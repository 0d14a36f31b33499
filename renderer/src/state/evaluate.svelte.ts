// The Evaluate view: the project's results scored against their reviewed truth or a chosen truth folder (main's
// 'evaluate.run', a stream with progress that can be cancelled), the models chosen, and the page opened beside its
// truth (Review's comparison). Main computes every number; this holds what is on screen.
import type { Api, StreamHandle } from '../lib/api';
import type { EvalPage, EvaluateProgress, EvaluateResult, ReviewComparison, ReviewDetail, TruthFolderInfo } from '../../../preload/contract';
import { MAX_TRUTH_UPLOAD_FILES, MAX_UPLOAD_BYTES, TRUTH_FILE_EXTENSIONS } from '../../../preload/contract/limits';
import type { NoticesState } from './notices.svelte';
import { saveFile } from '../lib/download';

export interface OpenedPage { page: EvalPage; truth: ReviewDetail; prediction: ReviewDetail; comparison: ReviewComparison }

/** The files of a folder picked in the browser that are truth files (by extension), at the folder's top level only. */
export function truthFilesOf(files: readonly File[]): File[] {
  return files.filter((f) => {
    const parts = (f.webkitRelativePath || f.name).split('/');
    const name = parts.at(-1) ?? '';
    return parts.length <= 2 && !name.startsWith('.') && TRUTH_FILE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));
  });
}

export class EvaluateState {
  readonly #api: Api;
  readonly #notices: NoticesState;
  #handle: StreamHandle<EvaluateResult> | null = null;

  open = $state(false);
  loading = $state(false);
  progress = $state<EvaluateProgress | null>(null);
  result = $state<EvaluateResult | null>(null);
  problem = $state<string | null>(null);
  /** Model ids left out by the person (all are shown at first, and new ones join). */
  hidden = $state<string[]>([]);
  opened = $state<OpenedPage | null>(null);
  /** What the results are scored against: the reviewed results, or the truth folder chosen last. */
  truth = $state<'reviewed' | 'imported'>('reviewed');
  truthFolder = $state<TruthFolderInfo | null>(null);
  /** Electron shows a folder dialog; the headless host's page picks a folder in the browser and uploads its truth files. */
  canShowDialogs = $state(false);

  constructor(api: Api, notices: NoticesState) {
    this.#api = api;
    this.#notices = notices;
  }

  toggle(): void {
    this.open = !this.open;
    if (!this.open) return void this.cancel();
    void this.#api.call('app.info', {}).then((r) => { if (r.ok) this.canShowDialogs = r.value.canShowDialogs; });
    void this.#api.call('evaluate.truthFolder', {}).then((r) => { if (r.ok) this.truthFolder = r.value; });
    void this.load();
  }

  #request() {
    const models = this.result?.models.map((m) => m.id).filter((id) => !this.hidden.includes(id));
    return { ...(this.hidden.length && models ? { models } : {}), ...(this.truth === 'imported' ? { truth: 'imported' as const } : {}) };
  }

  async load(): Promise<void> {
    // A newer request replaces one still scoring (a model ticked while it ran, say).
    await this.#handle?.cancel();
    this.loading = true;
    this.progress = null;
    const handle = this.#api.stream('evaluate.run', this.#request(), (p) => { if (this.#handle === handle) this.progress = p; });
    this.#handle = handle;
    const r = await handle.result;
    if (this.#handle !== handle) return;
    this.#handle = null;
    this.loading = false;
    this.progress = null;
    if (!r.ok) {
      if (r.error.code === 'CANCELLED') return;
      this.problem = `Could not evaluate: ${r.error.message}`;
      this.#notices.error('Could not evaluate', r.error.message, r.error.code);
      return;
    }
    this.problem = null;
    // The model list always names every model, also those filtered out, so they can be ticked again.
    const all = this.result?.models ?? [];
    this.result = { ...r.value, models: r.value.models.length >= all.length ? r.value.models : all };
  }

  async cancel(): Promise<void> {
    await this.#handle?.cancel();
  }

  setTruth(truth: 'reviewed' | 'imported'): void {
    if (truth === this.truth || (truth === 'imported' && !this.truthFolder)) return;
    this.truth = truth;
    this.opened = null;
    void this.load();
  }

  /** Electron: main's folder dialog. */
  async chooseTruthFolder(): Promise<void> {
    const r = await this.#api.call('evaluate.chooseTruthFolder', {});
    if (!r.ok) return this.#notices.error('Could not use that truth folder', r.error.message, r.error.code);
    if (!r.value) return;
    this.#useFolder(r.value);
  }

  /** The headless host: the truth files of a folder picked in the browser, uploaded (checked again by main). */
  async uploadTruthFolder(picked: readonly File[]): Promise<void> {
    const files = truthFilesOf(picked);
    const folder = (picked[0]?.webkitRelativePath.split('/')[0] || 'folder').slice(0, 255);
    const fail = (why: string) => this.#notices.error(`Could not use the folder ${folder}`, why);
    if (!files.length) return fail(`it has no truth file (${TRUTH_FILE_EXTENSIONS.join(', ')}) at its top level`);
    if (files.length > MAX_TRUTH_UPLOAD_FILES) return fail(`it has ${files.length} truth files; at most ${MAX_TRUTH_UPLOAD_FILES} are taken at once`);
    const total = files.reduce((n, f) => n + f.size, 0);
    if (total > MAX_UPLOAD_BYTES) return fail(`its truth files add up to more than ${Math.round(MAX_UPLOAD_BYTES / 2 ** 20)} MB`);
    const payload = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const r = await this.#api.call('evaluate.uploadTruthFolder', { folder, files: payload });
    if (!r.ok) return fail(r.error.message);
    this.#useFolder(r.value);
  }

  #useFolder(info: TruthFolderInfo): void {
    this.truthFolder = info;
    this.truth = 'imported';
    this.opened = null;
    void this.load();
  }

  toggleModel(id: string): void {
    this.hidden = this.hidden.includes(id) ? this.hidden.filter((h) => h !== id) : [...this.hidden, id];
    void this.load();
  }

  async openPage(page: EvalPage): Promise<void> {
    if (page.truthRunId === null || page.runId === null) return;
    const [truth, prediction, comparison] = await Promise.all([
      this.#api.call('reviews.get', { runId: page.truthRunId }),
      this.#api.call('reviews.get', { runId: page.runId }),
      this.#api.call('reviews.compare', { a: page.truthRunId, b: page.runId }),
    ]);
    if (!truth.ok || !prediction.ok || !comparison.ok) {
      const e = !truth.ok ? truth.error : !prediction.ok ? prediction.error : !comparison.ok ? comparison.error : null;
      this.#notices.error('Could not open the page', e?.message ?? '', e?.code);
      return;
    }
    this.opened = { page, truth: truth.value, prediction: prediction.value, comparison: comparison.value };
  }

  async export(format: 'csv' | 'json' | 'html'): Promise<void> {
    const r = await this.#api.call('evaluate.export', { ...this.#request(), format });
    if (!r.ok) {
      this.#notices.error('Could not export the evaluation', r.error.message, r.error.code);
      return;
    }
    saveFile(r.value.fileName, r.value.mime, r.value.bytes);
  }
}
