// The batch queue: runs a batch's items (document pages) one at a time through a Runner, keeping every outcome in
// the store as it happens. The store is the queue: nothing lives only in memory, so a killed process resumes where
// it stopped (items left 'running' by the crash are queued again; finished items are never run twice, because an
// item's run and its 'done' mark are one transaction).
//
// One model run at a time; the next page is decoded (Runner.preparePage) while the current one runs.
import type { Store } from '../store/store';
import type { BatchCounts, BatchItemRecord, BatchRecord, BatchStatus, RunRecord } from '../store/types';
import type { PageRequest, Runner } from './runner';

export type BatchEvent =
  | { type: 'state'; batchId: number; status: BatchStatus }
  /** An item is starting on the model. */
  | { type: 'start'; batchId: number; item: BatchItemRecord }
  /** An item's outcome is committed to the store (acknowledged): done with its run, or failed with its reason. */
  | { type: 'item'; batchId: number; item: BatchItemRecord; run: RunRecord | null }
  | { type: 'progress'; batchId: number; counts: BatchCounts; /** finished = done + failed */ finished: number; etaMs: number | null };

export interface BatchQueueOptions {
  onEvent?: (e: BatchEvent) => void;
  /** Decode the next page while the current one runs (default true). */
  prefetch?: boolean;
}

type Prepared = { ok: true; value: unknown } | { ok: false; error: unknown };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class BatchQueue {
  readonly #store: Store;
  readonly #batch: BatchRecord;
  readonly #runner: Runner;
  readonly #opts: BatchQueueOptions;
  #stopping: 'pause' | 'cancel' | null = null;
  #controller = new AbortController();
  #running: Promise<BatchCounts> | null = null;
  /** Durations of items finished in this session, for the ETA. */
  #itemMs: number[] = [];

  constructor(store: Store, batchId: number, runner: Runner, opts: BatchQueueOptions = {}) {
    const batch = store.batch(batchId);
    if (!batch) throw new Error(`no batch ${batchId} in ${store.path}`);
    this.#store = store;
    this.#batch = batch;
    this.#runner = runner;
    this.#opts = opts;
  }

  get batchId(): number {
    return this.#batch.id;
  }

  get status(): BatchStatus {
    return this.#store.batch(this.#batch.id)!.status;
  }

  /**
   * Runs queued items until none is left (status 'done'), or pause() / cancel(). Safe to call again after a pause, a
   * cancel or a crash: it resumes the items still queued. Resolves with the item counts.
   */
  run(): Promise<BatchCounts> {
    this.#running ??= this.#loop().finally(() => { this.#running = null; });
    return this.#running;
  }

  /**
   * Stops after the page in progress is finished and kept; run() resolves, status 'paused'. With `abandonCurrent`
   * (Ctrl-C in the CLI) the page in progress is stopped too and goes back to the queue, to run again on resume.
   */
  pause(opts: { abandonCurrent?: boolean } = {}): void {
    if (!this.#running) return;
    this.#stopping ??= 'pause';
    if (opts.abandonCurrent) this.#controller.abort();
  }

  /** Stops now: the page in progress is abandoned (nothing of it is kept), the queued items are marked cancelled. */
  cancel(): void {
    if (!this.#running) {
      if (this.status !== 'done') {
        this.#store.cancelQueued(this.#batch.id);
        this.#setStatus('cancelled');
      }
      return;
    }
    this.#stopping = 'cancel';
    this.#controller.abort();
  }

  async #loop(): Promise<BatchCounts> {
    const store = this.#store;
    const id = this.#batch.id;
    this.#stopping = null;
    this.#controller = new AbortController();
    // A previous process died mid-item: nothing of that item was kept, so it simply runs again.
    store.requeueRunning(id);
    // A cancelled batch started again takes its cancelled items back.
    if (this.status === 'cancelled') store.retryItems(id, ['cancelled']);
    this.#setStatus('running');
    this.#progress();
    const signal = this.#controller.signal;
    const prefetch = this.#opts.prefetch ?? true;
    let current = store.nextQueuedItems(id, 1)[0];
    let prepared = current && this.#prepare(current, signal);
    try {
      while (current && !this.#stopping) {
        const item = current;
        const itemPrepared = prepared!;
        if (!store.startItem(item.id)) {
          // No longer queued (changed by someone else): move on.
          current = store.nextQueuedItems(id, 1, item.seq)[0];
          prepared = current && this.#prepare(current, signal);
          continue;
        }
        const started = performance.now();
        this.#emit({ type: 'start', batchId: id, item: store.batchItem(item.id)! });
        // Overlap: decode the page after this one while this one runs.
        const next = store.nextQueuedItems(id, 1, item.seq)[0];
        let nextPrepared = next && prefetch ? this.#prepare(next, signal) : undefined;
        const p = await itemPrepared;
        let run: RunRecord | null = null;
        if (!p.ok) {
          if (signal.aborted) break;
          store.failItem(item.id, `${item.documentPath} page ${item.page + 1}: ${message(p.error)}`);
        } else {
          try {
            const result = await this.#itemSignal(signal, (s) => this.#runner.runPage({ ...this.#request(item), prepared: p.value }, s));
            run = store.finishItem(item.id, {
              pageId: item.pageId, modelId: this.#batch.modelId, modelName: this.#batch.modelName, task: this.#batch.task, prompt: this.#batch.prompt,
              parameters: this.#batch.parameters, provider: result.provider, timings: result.timings, raw: result.raw, parsed: result.parsed,
              logprobs: result.logprobs, tokens: result.tokens ?? null, error: result.error ?? null, status: 'done',
            });
          } catch (e) {
            if (signal.aborted) break;
            // A failed page is kept as a failed run with its reason; the batch goes on.
            run = store.finishItem(item.id, {
              pageId: item.pageId, modelId: this.#batch.modelId, modelName: this.#batch.modelName, task: this.#batch.task, prompt: this.#batch.prompt,
              parameters: this.#batch.parameters, status: 'error', error: message(e),
            });
          }
        }
        this.#itemMs.push(performance.now() - started);
        this.#emit({ type: 'item', batchId: id, item: store.batchItem(item.id)!, run });
        this.#progress();
        current = next;
        prepared = next && (nextPrepared ?? this.#prepare(next, signal));
        nextPrepared = undefined;
      }
    } finally {
      // Whatever was claimed and not finished goes back to the queue (cancel turns the queue into 'cancelled').
      store.requeueRunning(id);
      await this.#runner.close?.().catch(() => undefined);
    }
    const counts = store.batchCounts(id);
    if (this.#stopping === 'cancel') {
      store.cancelQueued(id);
      this.#setStatus('cancelled');
    } else if (this.#stopping === 'pause' && counts.queued > 0) {
      this.#setStatus('paused');
    } else {
      this.#setStatus(counts.queued === 0 ? 'done' : 'paused');
    }
    const final = store.batchCounts(id);
    this.#progress(final);
    return final;
  }

  #request(item: BatchItemRecord): PageRequest {
    return {
      itemId: item.id, documentPath: item.documentPath, page: item.page, task: this.#batch.task, prompt: this.#batch.prompt,
      modelId: this.#batch.modelId, parameters: this.#batch.parameters,
    };
  }

  /**
   * A signal for one call into the runner, aborted with the queue's: listeners a runner leaves on it die with it
   * instead of piling up on the queue's signal over thousands of pages.
   */
  #itemSignal<T>(signal: AbortSignal, work: (s: AbortSignal) => Promise<T>): Promise<T> {
    const c = new AbortController();
    const onAbort = () => c.abort(signal.reason);
    if (signal.aborted) c.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
    return work(c.signal).finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** Never rejects: a decoding failure becomes that item's failure when its turn comes. */
  #prepare(item: BatchItemRecord, signal: AbortSignal): Promise<Prepared> {
    const prepare = this.#runner.preparePage?.bind(this.#runner);
    if (!prepare) return Promise.resolve({ ok: true, value: undefined });
    return this.#itemSignal(signal, (s) => prepare(this.#request(item), s)).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  }

  #setStatus(status: BatchStatus): void {
    this.#store.setBatchStatus(this.#batch.id, status);
    this.#emit({ type: 'state', batchId: this.#batch.id, status });
  }

  #progress(counts = this.#store.batchCounts(this.#batch.id)): void {
    const remaining = counts.queued + counts.running;
    // Median of this session's recent pages: robust to one slow first page (model warm-up) or one instant failure.
    const recent = this.#itemMs.slice(-20).sort((a, b) => a - b);
    const perItem = recent.length ? recent[Math.floor(recent.length / 2)]! : null;
    this.#emit({ type: 'progress', batchId: this.#batch.id, counts, finished: counts.done + counts.failed, etaMs: perItem === null ? null : remaining * perItem });
  }

  #emit(e: BatchEvent): void {
    try {
      this.#opts.onEvent?.(e);
    } catch {
      // A listener's bug must not stop the batch: the store already holds the truth.
    }
  }
}
