// Batch runs as the Batch tab shows them: the form (documents, task, prompt, model, tokens), the batches main keeps in
// the project store (kept current by `batches.progress` pushes), and the pages of the one opened for detail.
// Main holds the truth; this only mirrors it, so a reload (or a restart of the host) shows the same batches.
import { SvelteMap } from 'svelte/reactivity';
import type { Api } from '../lib/api';
import type { BatchItem, BatchSummary, BatchTask, RunTask } from '../../../preload/contract';
import type { NoticesState } from './notices.svelte';
import { BUILTIN_OCR, TASKS } from '../../../models/tasks/table';

/** The task menu: the run tasks (labels shared with Ask model), plus the built-in OCR. */
export const BATCH_TASK_LABELS: Record<BatchTask, string> = {
  ...(Object.fromEntries(Object.entries(TASKS).map(([k, v]) => [k, v.label])) as Record<RunTask, string>),
  [BUILTIN_OCR.task]: 'Built-in OCR (no model)',
};

export function formatEta(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export class BatchesState {
  /** Newest first, as main lists them. */
  batches = $state<BatchSummary[]>([]);
  loaded = $state(false);
  /** Why the batches could not be listed (no project store, …). */
  error = $state<string | null>(null);
  starting = $state(false);

  // The form.
  readonly selected = new SvelteMap<string, boolean>();
  task = $state<BatchTask>('caption');
  text = $state<string>(TASKS.caption.defaultText);
  modelId = $state<string | null>(null);
  maxNewTokens = $state(64);

  /** The batch whose pages are listed, and its pages. */
  openId = $state<number | null>(null);
  items = $state<BatchItem[]>([]);

  /** The batch running now (at most one), else the newest one waiting. */
  readonly current = $derived(this.batches.find((b) => b.status === 'running') ?? this.batches.find((b) => b.status === 'queued') ?? null);

  readonly #api: Api;
  readonly #notices: NoticesState;
  #itemsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(api: Api, notices: NoticesState) {
    this.#api = api;
    this.#notices = notices;
    api.on('batches.progress', (s) => this.#update(s));
  }

  async load(): Promise<void> {
    const r = await this.#api.call('batches.list', {});
    this.loaded = true;
    if (r.ok) {
      this.batches = r.value;
      this.error = null;
      this.openId ??= r.value[0]?.id ?? null;
      if (this.openId !== null) void this.loadItems(this.openId);
    } else {
      this.error = r.error.message;
    }
  }

  setTask(task: BatchTask): void {
    this.task = task;
    this.text = task === BUILTIN_OCR.task ? '' : TASKS[task].defaultText;
  }

  /** Documents checked in the form; the current one is checked until the person says otherwise. */
  isSelected(documentId: string, currentId: string | null): boolean {
    return this.selected.get(documentId) ?? documentId === currentId;
  }

  async start(documentIds: string[]): Promise<void> {
    if (documentIds.length === 0) return this.#notices.error('Nothing to run', 'Tick at least one open document for the batch.');
    this.starting = true;
    try {
      const builtin = this.task === 'ocr-builtin';
      const r = await this.#api.call('batches.start', {
        documentIds,
        task: this.task,
        prompt: builtin ? '' : this.text,
        ...(builtin || !this.modelId ? {} : { modelId: this.modelId }),
        maxNewTokens: this.maxNewTokens,
      });
      if (!r.ok) return this.#notices.error('The batch could not start', r.error.message, r.error.code);
      for (const p of r.value.problems) this.#notices.error(`${p.document} is not in the batch`, p.reason);
      this.#update(r.value.batch);
      this.openId = r.value.batch.id;
      void this.loadItems(r.value.batch.id);
      if (r.value.resumed && r.value.added === 0 && r.value.batch.status === 'done') {
        this.#notices.info('That batch is already done', 'The same documents, task, prompt and model ran before; its results are listed below.');
      }
    } finally {
      this.starting = false;
    }
  }

  async pause(batchId: number): Promise<void> {
    await this.#act('batches.pause', batchId, 'pause');
  }

  async resume(batchId: number): Promise<void> {
    await this.#act('batches.resume', batchId, 'resume');
  }

  async cancel(batchId: number): Promise<void> {
    await this.#act('batches.cancel', batchId, 'cancel');
  }

  async open(batchId: number): Promise<void> {
    this.openId = batchId;
    this.items = [];
    await this.loadItems(batchId);
  }

  async loadItems(batchId: number): Promise<void> {
    const r = await this.#api.call('batches.items', { batchId });
    if (r.ok && this.openId === batchId) this.items = r.value;
  }

  async #act(name: 'batches.pause' | 'batches.resume' | 'batches.cancel', batchId: number, verb: string): Promise<void> {
    const r = await this.#api.call(name, { batchId });
    if (!r.ok) return this.#notices.error(`Could not ${verb} the batch`, r.error.message, r.error.code);
    this.#update(r.value);
  }

  #update(s: BatchSummary): void {
    const i = this.batches.findIndex((b) => b.id === s.id);
    // Pushes can arrive out of order with a call's answer: never go back to an older state of the same batch.
    if (i >= 0) {
      const old = this.batches[i]!;
      const finishedOld = old.counts.done + old.counts.failed + old.counts.cancelled;
      const finishedNew = s.counts.done + s.counts.failed + s.counts.cancelled;
      if (finishedNew < finishedOld && s.updatedAt <= old.updatedAt) return;
      this.batches[i] = s;
    } else {
      this.batches = [s, ...this.batches].sort((a, b) => b.id - a.id);
    }
    // The pages of the open batch follow its progress; at most one refresh per half second.
    if (s.id === this.openId && !this.#itemsTimer) {
      this.#itemsTimer = setTimeout(() => {
        this.#itemsTimer = null;
        if (this.openId !== null) void this.loadItems(this.openId);
      }, 500);
    }
  }
}
