// The review workspace: the results list with its filters, the result under review, the editor, SMILES checks as
// the person types, the comparison with another run of the page, and exports. Main keeps every state (the store);
// this holds what is on screen.
import type { Api } from '../lib/api';
import type {
  ReviewComparison, ReviewCorrection, ReviewDetail, ReviewExportFormat, ReviewFilter, ReviewItem, ReviewList, Result, SmilesCheck,
} from '../../../preload/contract';
import type { MusicParsed } from '../../../preload/contract/tasks/music';
import type { NoticesState } from './notices.svelte';
import { saveFile } from '../lib/download';

export type ReviewStatusFilter = NonNullable<ReviewFilter['status']> | '';

export class ReviewState {
  readonly #api: Api;
  readonly #notices: NoticesState;

  open = $state(false);
  items = $state<ReviewItem[]>([]);
  tasks = $state<string[]>([]);
  models = $state<ReviewList['models']>([]);
  unavailable = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);

  task = $state('');
  status = $state<ReviewStatusFilter>('');
  modelId = $state('');
  /** Upper bound of confidence, in percent; 100 = no bound. */
  maxConfidence = $state(100);

  index = $state(0);
  detail = $state<ReviewDetail | null>(null);
  editing = $state(false);
  busy = $state(false);
  /** The last failure of a list, compare or export call (the workspace shows it; notices are hidden behind it). */
  problem = $state<string | null>(null);
  /** Why the last change was refused (RDKit's reason, a box outside the page, …). */
  refusal = $state<string | null>(null);

  smiles = $state<SmilesCheck | null>(null);
  smilesChecking = $state(false);
  #smilesTimer: ReturnType<typeof setTimeout> | undefined;
  #smilesSeq = 0;

  /** Verovio's verdict on the **kern being typed: the engraved score, or the faulty line. */
  kern = $state<MusicParsed | null>(null);
  kernChecking = $state(false);
  #kernTimer: ReturnType<typeof setTimeout> | undefined;
  #kernSeq = 0;

  compareWith = $state<number | null>(null);
  compareDetail = $state<ReviewDetail | null>(null);
  comparison = $state<ReviewComparison | null>(null);

  constructor(api: Api, notices: NoticesState) {
    this.#api = api;
    this.#notices = notices;
  }

  #fail(title: string, message: string, code?: string): void {
    this.problem = `${title}: ${message}`;
    this.#notices.error(title, message, code);
  }

  get current(): ReviewItem | null {
    return this.items[this.index] ?? null;
  }

  toggle(): void {
    this.open = !this.open;
    if (this.open) void this.load();
  }

  async load(): Promise<void> {
    this.loading = true;
    const filter: ReviewFilter = {
      ...(this.task ? { task: this.task } : {}),
      ...(this.status ? { status: this.status } : {}),
      ...(this.modelId ? { modelId: this.modelId } : {}),
      ...(this.maxConfidence < 100 ? { maxConfidence: this.maxConfidence / 100 } : {}),
    };
    const r = await this.#api.call('reviews.list', filter);
    this.loading = false;
    this.loaded = true;
    if (!r.ok) {
      this.#fail('Could not list the results', r.error.message, r.error.code);
      return;
    }
    const keep = this.current?.runId;
    this.items = r.value.items;
    this.tasks = r.value.tasks;
    this.models = r.value.models;
    this.unavailable = r.value.unavailable;
    const at = keep !== undefined ? this.items.findIndex((i) => i.runId === keep) : -1;
    await this.select(at >= 0 ? at : 0, true);
  }

  async select(index: number, force = false): Promise<void> {
    if (this.items.length === 0) {
      this.index = 0;
      this.detail = null;
      this.#leaveEdit();
      return;
    }
    const next = Math.max(0, Math.min(this.items.length - 1, index));
    if (!force && next === this.index && this.detail?.runId === this.items[next]?.runId) return;
    this.index = next;
    this.#leaveEdit();
    this.clearCompare();
    await this.#fetch(this.items[next]!.runId);
  }

  step(by: 1 | -1): Promise<void> {
    return this.select(this.index + by);
  }

  async #fetch(runId: number): Promise<void> {
    const r = await this.#api.call('reviews.get', { runId });
    if (!r.ok) {
      this.#fail('Could not show the result', r.error.message, r.error.code);
      return;
    }
    if (this.current?.runId === runId) this.#show(r.value);
  }

  #show(d: ReviewDetail): void {
    this.detail = d;
    const i = this.items.findIndex((x) => x.runId === d.runId);
    if (i >= 0) this.items[i] = { ...this.items[i]!, review: d.review, summary: d.summary };
  }

  #leaveEdit(): void {
    this.editing = false;
    this.refusal = null;
    this.smiles = null;
    clearTimeout(this.#smilesTimer);
    this.kern = null;
    this.kernChecking = false;
    clearTimeout(this.#kernTimer);
  }

  startEdit(): void {
    if (!this.detail || this.busy) return;
    this.refusal = null;
    this.editing = true;
  }

  leaveEdit(): void {
    this.#leaveEdit();
  }

  async #change(call: () => Promise<Result<ReviewDetail>>): Promise<boolean> {
    if (!this.detail || this.busy) return false;
    this.busy = true;
    const r = await call();
    this.busy = false;
    if (!r.ok) {
      this.refusal = r.error.message;
      return false;
    }
    this.refusal = null;
    const d = r.value;
    this.#show(d);
    if (this.compareWith !== null) void this.compare(this.compareWith);
    return true;
  }

  accept(): Promise<boolean> {
    const runId = this.detail?.runId;
    return runId === undefined ? Promise.resolve(false) : this.#change(() => this.#api.call('reviews.set', { runId, status: 'accepted' }));
  }

  reject(): Promise<boolean> {
    const runId = this.detail?.runId;
    return runId === undefined ? Promise.resolve(false) : this.#change(() => this.#api.call('reviews.set', { runId, status: 'rejected' }));
  }

  async correct(correction: ReviewCorrection): Promise<boolean> {
    const runId = this.detail?.runId;
    if (runId === undefined) return false;
    const ok = await this.#change(() => this.#api.call('reviews.set', { runId, status: 'corrected', correction }));
    if (ok) this.#leaveEdit();
    return ok;
  }

  undo(): Promise<boolean> {
    const runId = this.detail?.runId;
    if (runId === undefined || !this.detail?.canUndo) return Promise.resolve(false);
    return this.#change(() => this.#api.call('reviews.undo', { runId }));
  }

  redo(): Promise<boolean> {
    const runId = this.detail?.runId;
    if (runId === undefined || !this.detail?.canRedo) return Promise.resolve(false);
    return this.#change(() => this.#api.call('reviews.redo', { runId }));
  }

  /** RDKit's verdict on the SMILES being typed, asked of main after a pause in typing. */
  checkSmiles(smiles: string, delayMs = 250): void {
    clearTimeout(this.#smilesTimer);
    this.refusal = null; // about what was there before the edit
    const seq = ++this.#smilesSeq;
    this.smilesChecking = true;
    this.#smilesTimer = setTimeout(() => {
      void this.#api.call('reviews.checkSmiles', { smiles }).then((r) => {
        if (seq !== this.#smilesSeq) return; // a later keystroke asked again
        this.smilesChecking = false;
        this.smiles = r.ok ? r.value : { valid: false, canonical: null, formula: null, error: r.error.message };
      });
    }, delayMs);
  }

  /** Verovio's check and engraving of the score being typed, asked of main after a pause in typing. */
  checkKern(kern: string, delayMs = 400): void {
    clearTimeout(this.#kernTimer);
    this.refusal = null;
    const seq = ++this.#kernSeq;
    this.kernChecking = true;
    this.#kernTimer = setTimeout(() => {
      void this.#api.call('reviews.checkKern', { kern }).then((r) => {
        if (seq !== this.#kernSeq) return;
        this.kernChecking = false;
        this.kern = r.ok ? r.value.music : { kern, converted: false, valid: false, error: { line: 1, column: null, message: r.error.message }, svgPages: [], notes: [], warnings: [] };
      });
    }, delayMs);
  }

  async compare(otherRunId: number): Promise<void> {
    const d = this.detail;
    if (!d) return;
    this.compareWith = otherRunId;
    const [other, diff] = await Promise.all([
      this.#api.call('reviews.get', { runId: otherRunId }),
      this.#api.call('reviews.compare', { a: d.runId, b: otherRunId }),
    ]);
    if (this.compareWith !== otherRunId) return;
    if (!other.ok || !diff.ok) {
      const e = !other.ok ? other.error : !diff.ok ? diff.error : null;
      this.#fail('Could not compare the results', e?.message ?? '', e?.code);
      this.clearCompare();
      return;
    }
    this.compareDetail = other.value;
    this.comparison = diff.value;
  }

  clearCompare(): void {
    this.compareWith = null;
    this.compareDetail = null;
    this.comparison = null;
  }

  async export(format: ReviewExportFormat, only: 'all' | 'reviewed'): Promise<void> {
    const r = await this.#api.call('reviews.export', { format, only, ...(this.task ? { task: this.task } : {}), ...(this.modelId ? { modelId: this.modelId } : {}) });
    if (!r.ok) {
      this.#fail('Could not export the results', r.error.message, r.error.code);
      return;
    }
    this.problem = null;
    saveFile(r.value.fileName, r.value.mime, r.value.bytes);
  }
}
