// An evaluation on a worker thread (eval-worker.ts), so scoring thousands of pages — seconds of CPU for TEDS — never
// holds the caller's event loop (Electron's main process, the headless host). Cancelled by stopping the worker;
// bounded in memory, so a hostile truth folder can exhaust only the worker, which then fails with a message.
import type { EvalProgress, EvalReport, Prediction, TruthItem } from './evaluate';
import { siblingWorkerUrl, startWorker } from '../worker-thread';

export interface EvalJob {
  truth: { kind: 'reviewed'; truths: TruthItem[] } | { kind: 'folder'; dir: string; label: string };
  predictions: Prediction[];
  tasks?: string[];
  models?: string[];
  /** The task plain-text truth files hold (ocr unless a text task is named). */
  task?: string;
  resamples?: number;
}

export type EvalWorkerMessage =
  | { type: 'progress'; progress: EvalProgress }
  | { type: 'done'; report: EvalReport }
  | { type: 'error'; message: string };

/** The worker's heap limit: far above a 1,000-page evaluation (≈ 100 MB), far below the machine. */
const MAX_HEAP_MB = 4096;

export class EvalCancelled extends Error {
  readonly code = 'CANCELLED';
  constructor() {
    super('the evaluation was cancelled');
  }
}

export function evaluateInWorker(job: EvalJob, opts: { signal?: AbortSignal; onProgress?: (p: EvalProgress) => void; workerUrl?: URL } = {}): Promise<EvalReport> {
  if (opts.signal?.aborted) return Promise.reject(new EvalCancelled());
  const url = opts.workerUrl ?? siblingWorkerUrl(import.meta.url, 'eval-worker');
  if (!url) return Promise.reject(new Error('the evaluation worker (eval-worker.js) is missing from this build'));
  const worker = startWorker(url, { resourceLimits: { maxOldGenerationSizeMb: MAX_HEAP_MB } });
  return new Promise<EvalReport>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(new EvalCancelled()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: EvalWorkerMessage) => {
      if (m.type === 'progress') { if (!settled) opts.onProgress?.(m.progress); }
      else if (m.type === 'done') finish(() => resolve(m.report));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (err: Error & { code?: string }) => finish(() => reject(
      err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`the evaluation ran out of memory (over ${MAX_HEAP_MB} MB): evaluate fewer tasks or models at a time`) : err,
    )));
    worker.on('exit', (code) => finish(() => reject(new Error(`the evaluation worker stopped (exit code ${code}) before it answered`))));
    worker.postMessage(job);
  });
}
