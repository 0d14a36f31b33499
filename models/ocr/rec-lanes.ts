// Where the recognizer runs: in this thread on one session (its intra-op threads share each run), or on several worker
// threads with a single-threaded session each, so the lines of a page are read side by side while this thread cuts,
// warps and decodes the others. Measured on the bench pages (bench/ocr/README.md) before it became the default.
import type { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { siblingWorkerUrl, startWorker } from '../worker-thread';
import { isSoftmaxRow, summarizeSteps, type StepSummary } from './ctc';

/** A recognizer run's output, summarised per line where it ran (ctc.ts): three numbers per time step travel back. */
export interface RecOutput {
  /** One per line of the batch. */
  lines: StepSummary[];
  /** Time steps per line, and classes per step (the recognizer's output shape). */
  steps: number;
  classes: number;
}

/** Summarises a recognizer output tensor [lines, steps, classes]; `spaceClass` < 0: the dictionary has no space. */
export function summarizeOutput(probs: Float32Array, dims: readonly number[], spaceClass: number): RecOutput {
  const [batch, steps, classes] = dims as [number, number, number];
  const softmax = isSoftmaxRow(probs, classes);
  const lines = Array.from({ length: batch }, (_, b) => summarizeSteps(probs, b * steps * classes, steps, classes, spaceClass, softmax));
  return { lines, steps, classes };
}

export interface RecLanes {
  /** How many runs can be in flight at once. */
  readonly lanes: number;
  run(input: Float32Array, dims: number[], spaceClass: number): Promise<RecOutput>;
  release(): Promise<void>;
}

export type RecLaneRequest =
  | { type: 'load'; model: Uint8Array }
  | { type: 'run'; id: number; input: Float32Array; dims: number[]; spaceClass: number };
export type RecLaneReply =
  | { type: 'loaded' }
  | { type: 'ran'; id: number; output: RecOutput }
  | { type: 'failed'; id: number; message: string };

/** One session in this thread. */
export function sessionLanes(session: ort.InferenceSession, Tensor: typeof ort.Tensor): RecLanes {
  return {
    lanes: 1,
    async run(input, dims, spaceClass) {
      const out = await session.run({ [session.inputNames[0]!]: new Tensor('float32', input, dims) });
      const t = out[session.outputNames[0]!]!;
      return summarizeOutput(t.data as Float32Array, t.dims, spaceClass);
    },
    release: () => session.release(),
  };
}

/** `count` worker threads, each loading `model` (the graph bytes as rewritten for this engine) into its own session. */
export async function workerLanes(model: Uint8Array, count: number): Promise<RecLanes> {
  const url = siblingWorkerUrl(import.meta.url, 'rec-worker');
  if (!url) throw new Error('the recognizer worker (rec-worker.js) is missing from this build');
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const waiting: { resolve(w: Worker): void; reject(e: Error): void }[] = [];
  const pending = new Map<number, { resolve(o: RecOutput): void; reject(e: Error): void }>();
  let nextId = 0;
  let broken: Error | null = null;
  const failAll = (err: Error) => {
    broken ??= err;
    for (const p of pending.values()) p.reject(broken);
    pending.clear();
    for (const w of waiting.splice(0)) w.reject(broken);
  };
  try {
    await Promise.all(Array.from({ length: count }, async () => {
      const worker = startWorker(url);
      workers.push(worker);
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (m: RecLaneReply) => (m.type === 'loaded' ? resolve() : reject(new Error(m.type === 'failed' ? m.message : 'unexpected reply'))));
        worker.once('error', reject);
        worker.postMessage({ type: 'load', model } satisfies RecLaneRequest);
      });
      worker.on('message', (m: RecLaneReply) => {
        if (m.type === 'loaded') return;
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.type === 'ran') p?.resolve(m.output);
        else p?.reject(new Error(m.message));
        const next = waiting.shift();
        if (next) next.resolve(worker);
        else idle.push(worker);
      });
      worker.on('error', (err) => failAll(new Error(`a recognizer worker stopped: ${err.message}`)));
      worker.on('exit', (code) => failAll(new Error(`a recognizer worker exited (code ${code})`)));
      idle.push(worker);
    }));
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new Error(`cannot start the recognizer workers: ${(err as Error).message}`);
  }
  return {
    lanes: count,
    async run(input, dims, spaceClass) {
      if (broken) throw broken;
      const worker = idle.pop() ?? (await new Promise<Worker>((resolve, reject) => waiting.push({ resolve, reject })));
      const id = nextId++;
      return new Promise<RecOutput>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'run', id, input, dims, spaceClass } satisfies RecLaneRequest, [input.buffer as ArrayBuffer]);
      });
    },
    async release() {
      broken ??= new Error('the recognizer was released');
      for (const w of workers) w.removeAllListeners('exit');
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
