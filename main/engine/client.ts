// Main's side of the engine host: starts it, matches replies to requests, forwards cancellation,
// and restarts it when it dies (telling the UI through status changes). Knows nothing of Electron:
// the process is made by a `SpawnEngine` function (utilityProcess in the app, fork in the headless
// host and tests). Every reply is checked against the protocol's schemas (protocol.ts) before it is used.
import type { EngineStatus } from '../../preload/contract';
import { AppFailure } from '../ipc/dispatcher';
import { EngineReply, engineProtocol, protocolProblem, type EngineMethod, type EngineParams, type EngineProgress, type EngineRequest, type EngineResult } from './protocol';
import { COLD_FACTOR, TIME_LIMITS_MS, describeInput, verbOf, warmKey } from './time-limits';

export interface EngineProcess {
  readonly pid: number | undefined;
  postMessage(message: EngineRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}
export type SpawnEngine = () => EngineProcess;

interface Pending {
  method: EngineMethod;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  onProgress?: ((p: unknown) => void) | undefined;
}

export interface EngineClientOptions {
  onStatus?: (status: EngineStatus) => void;
  /** Give up after this many crashes in a row that each came soon after a start. */
  maxRapidCrashes?: number;
  readyTimeoutMs?: number;
  /** Per-method time limits (default TIME_LIMITS_MS): a request over its limit restarts the host. */
  timeLimitsMs?: Partial<Record<EngineMethod, number>>;
}

const RAPID_CRASH_MS = 10_000;

export class EngineClient {
  readonly #spawn: SpawnEngine;
  readonly #opts: Required<Omit<EngineClientOptions, 'onStatus'>> & Pick<EngineClientOptions, 'onStatus'>;
  #proc: EngineProcess | null = null;
  #ready: Promise<void> | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #status: EngineStatus = { state: 'stopped', pid: null, restarts: 0 };
  /** Restarts after crashes; counted when the crash is seen, so an early start by a request keeps it. */
  #restarts = 0;
  #startedAt = 0;
  #rapidCrashes = 0;
  #stopping = false;
  /** Limited requests the current host has answered, by warmKey: the code they need is loaded there. */
  #warm = new Set<string>();

  constructor(spawn: SpawnEngine, opts: EngineClientOptions = {}) {
    this.#spawn = spawn;
    this.#opts = { maxRapidCrashes: 5, readyTimeoutMs: 30_000, timeLimitsMs: TIME_LIMITS_MS, ...opts };
  }

  get status(): EngineStatus {
    return this.#status;
  }

  /** Starts the host if it is not running; resolves when it says it is ready. */
  start(): Promise<void> {
    if (this.#ready) return this.#ready;
    this.#stopping = false;
    this.#setStatus({ state: this.#restarts > 0 ? 'restarting' : 'starting', pid: null, restarts: this.#restarts });
    const proc = this.#spawn();
    this.#proc = proc;
    this.#warm.clear();
    this.#startedAt = Date.now();
    this.#ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new AppFailure('ENGINE_UNAVAILABLE', `engine host: not ready after ${this.#opts.readyTimeoutMs} ms`)), this.#opts.readyTimeoutMs);
      proc.onMessage((raw) => {
        const parsed = EngineReply.safeParse(raw);
        // A message that is not one the protocol has cannot be matched to a request: it is dropped, and said.
        if (!parsed.success) return console.warn(`[engine client] a message from the engine host does not fit the protocol: ${parsed.error.issues[0]?.message ?? ''}`);
        const message = parsed.data;
        if (message.kind === 'ready') {
          clearTimeout(timer);
          this.#setStatus({ state: 'ready', pid: message.pid, restarts: this.#restarts });
          resolve();
        } else this.#onReply(message);
      });
      proc.onExit((code) => {
        clearTimeout(timer);
        reject(new AppFailure('ENGINE_CRASHED', `engine host exited with code ${code} while starting`));
        this.#onExit(proc, code);
      });
    });
    this.#ready.catch(() => undefined);
    return this.#ready;
  }

  async request<M extends EngineMethod>(
    method: M,
    params: EngineParams<M>,
    opts: { signal?: AbortSignal; onProgress?: (p: EngineProgress<M>) => void } = {},
  ): Promise<EngineResult<M>> {
    await this.start();
    const proc = this.#proc;
    if (!proc) throw new AppFailure('ENGINE_UNAVAILABLE', 'engine host is not running');
    if (opts.signal?.aborted) throw new AppFailure('CANCELLED', `${method} was cancelled`);
    const id = this.#nextId++;
    const key = warmKey(method, params as never);
    const base = this.#opts.timeLimitsMs[method];
    const limit = base === undefined ? undefined : this.#warm.has(key) ? base : base * COLD_FACTOR;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => proc.postMessage({ kind: 'cancel', id });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // Parsers and writers stuck in WASM or a loop cannot be cancelled: over the limit, the host is restarted.
      const timer = limit === undefined ? undefined : setTimeout(() => {
        if (!this.#pending.has(id) || this.#proc !== proc) return;
        const what = `${describeInput(method, params as never)} took longer than ${limit / 1000} s to ${verbOf(method)}`;
        this.#restartNow(proc, id, new AppFailure('BAD_INPUT', `${what}; it was stopped and the engine host restarted`), `the engine host was restarted (${what}); the request was not finished`);
      }, limit);
      const done = (): void => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      this.#pending.set(id, {
        method,
        resolve: (v) => {
          done();
          if (this.#proc === proc) this.#warm.add(key);
          resolve(v as EngineResult<M>);
        },
        reject: (e) => (done(), reject(e)),
        onProgress: opts.onProgress as ((p: unknown) => void) | undefined,
      });
      proc.postMessage({ kind: 'call', id, method, params });
    });
  }

  async health(): Promise<EngineStatus & { uptimeMs: number; rssBytes: number }> {
    const pong = await this.request('ping', {});
    return { ...this.#status, pid: pong.pid, uptimeMs: pong.uptimeMs, rssBytes: pong.rssBytes };
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const proc = this.#proc;
    if (!proc) return;
    const exited = new Promise<void>((r) => proc.onExit(() => r()));
    proc.kill();
    await exited;
  }

  #onReply(message: EngineReply): void {
    if (message.kind === 'ready') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    const schema = engineProtocol[pending.method];
    if (message.kind === 'progress') {
      if (!pending.onProgress) return;
      const p = schema.progress.safeParse(message.progress);
      // A progress message the protocol does not have is skipped (said once in the log); the result still decides.
      if (!p.success) return console.warn(`[engine client] ${protocolProblem(pending.method, 'progress', p.error)}`);
      return pending.onProgress(p.data);
    }
    this.#pending.delete(message.id);
    if (message.kind === 'error') return pending.reject(new AppFailure(message.code, message.message));
    const r = schema.result.safeParse(message.value);
    if (r.success) pending.resolve(r.data);
    else pending.reject(new AppFailure('INTERNAL', protocolProblem(pending.method, 'result', r.error)));
  }

  #onExit(proc: EngineProcess, code: number | null): void {
    if (proc !== this.#proc) return;
    this.#proc = null;
    this.#ready = null;
    const crashed = new AppFailure('ENGINE_CRASHED', `the engine host stopped (exit code ${code}); the request was not finished`);
    for (const p of this.#pending.values()) p.reject(crashed);
    this.#pending.clear();
    if (this.#stopping) return this.#setStatus({ state: 'stopped', pid: null, restarts: this.#restarts });

    this.#rapidCrashes = Date.now() - this.#startedAt < RAPID_CRASH_MS ? this.#rapidCrashes + 1 : 1;
    this.#setStatus({ state: 'crashed', pid: null, restarts: this.#restarts, message: `engine host exited with code ${code}` });
    if (this.#rapidCrashes > this.#opts.maxRapidCrashes) {
      this.#stopping = true;
      return this.#setStatus({ state: 'stopped', pid: null, restarts: this.#restarts, message: `engine host crashed ${this.#rapidCrashes} times in a row; not restarting` });
    }
    this.#restarts++;
    const delay = Math.min(200 * 2 ** (this.#rapidCrashes - 1), 5_000);
    setTimeout(() => {
      // A request may already have started it again during the delay.
      if (!this.#ready && !this.#stopping) void this.start().catch(() => undefined);
    }, delay).unref?.();
  }

  /**
   * Kills `proc` on purpose (request `id` ran over its time limit) and starts a new host at once: the request gets
   * `failure`, any other in flight `othersMessage`. Not a crash: it does not count towards giving up.
   */
  #restartNow(proc: EngineProcess, id: number, failure: AppFailure, othersMessage: string): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    // Detached first, so the old process's exit is not taken for a crash of the new one.
    this.#proc = null;
    this.#ready = null;
    proc.kill();
    for (const [pid, p] of pending) p.reject(pid === id ? failure : new AppFailure('ENGINE_CRASHED', othersMessage));
    this.#restarts++;
    void this.start().catch(() => undefined);
  }

  #setStatus(status: EngineStatus): void {
    this.#status = status;
    this.#opts.onStatus?.(status);
  }
}
