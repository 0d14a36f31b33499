// The Evaluate view: the project's results scored against their reviewed truth (main's 'evaluate.run'), the models
// chosen, and the page opened beside its truth (Review's comparison). Main computes every number; this holds what is
// on screen.
import type { Api } from '../lib/api';
import type { EvalPage, EvaluateResult, ReviewComparison, ReviewDetail } from '../../../preload/contract';
import type { NoticesState } from './notices.svelte';
import { saveFile } from '../lib/download';

export interface OpenedPage { page: EvalPage; truth: ReviewDetail; prediction: ReviewDetail; comparison: ReviewComparison }

export class EvaluateState {
  readonly #api: Api;
  readonly #notices: NoticesState;

  open = $state(false);
  loading = $state(false);
  result = $state<EvaluateResult | null>(null);
  problem = $state<string | null>(null);
  /** Model ids left out by the person (all are shown at first, and new ones join). */
  hidden = $state<string[]>([]);
  opened = $state<OpenedPage | null>(null);

  constructor(api: Api, notices: NoticesState) {
    this.#api = api;
    this.#notices = notices;
  }

  toggle(): void {
    this.open = !this.open;
    if (this.open) void this.load();
  }

  #request() {
    const models = this.result?.models.map((m) => m.id).filter((id) => !this.hidden.includes(id));
    return this.hidden.length && models ? { models } : {};
  }

  async load(): Promise<void> {
    this.loading = true;
    const r = await this.#api.call('evaluate.run', this.#request());
    this.loading = false;
    if (!r.ok) {
      this.problem = `Could not evaluate: ${r.error.message}`;
      this.#notices.error('Could not evaluate', r.error.message, r.error.code);
      return;
    }
    this.problem = null;
    // The model list always names every model, also those filtered out, so they can be ticked again.
    const all = this.result?.models ?? [];
    this.result = { ...r.value, models: r.value.models.length >= all.length ? r.value.models : all };
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
