/**
 * PDF backends used by the loader. WorkerPdfBackend runs PDFium on a worker
 * thread (the production path); InThreadPdfBackend runs it on the calling
 * thread and exists for tests and environments without worker support.
 */
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { siblingWorkerUrl, startWorker } from '../worker-thread';
import { BmpError, decodeBmp } from './bmp';
import { forWorker } from './shared-bytes';
import { PdfEngine, PdfEngineError, type PdfFailure, type PdfPageSize } from './pdf-engine';
import type { PdfRequest, PdfResponse, PdfResult } from './pdf-protocol';

export class PdfBackendError extends Error {
  constructor(
    readonly failure: PdfFailure | 'INTERNAL' | 'BAD_BMP',
    message: string,
    /** The worker died while this request was queued or running. */
    readonly workerStopped = false,
  ) {
    super(message);
    this.name = 'PdfBackendError';
  }
}

export interface DecodedBmp {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface PdfBackend {
  /** Decode a BMP off the calling thread (see raster.ts BmpDecoder). */
  decodeBmp(bytes: Uint8Array): Promise<DecodedBmp>;
  open(bytes: Uint8Array, password: string | undefined): Promise<{ docId: number; pages: PdfPageSize[] }>;
  render(docId: number, index: number, width: number, height: number): Promise<Uint8Array>;
  close(docId: number): Promise<void>;
  dispose(): Promise<void>;
}

export class InThreadPdfBackend implements PdfBackend {
  private engine: Promise<PdfEngine> | null = null;

  private get(): Promise<PdfEngine> {
    this.engine ??= PdfEngine.create();
    return this.engine;
  }

  private async call<T>(fn: (e: PdfEngine) => T): Promise<T> {
    const e = await this.get();
    try {
      return fn(e);
    } catch (err) {
      if (err instanceof PdfEngineError) throw new PdfBackendError(err.failure, err.message);
      throw err;
    }
  }

  async decodeBmp(bytes: Uint8Array): Promise<DecodedBmp> {
    try {
      return decodeBmp(bytes);
    } catch (err) {
      if (err instanceof BmpError) throw new PdfBackendError('BAD_BMP', err.message);
      throw err;
    }
  }
  open(bytes: Uint8Array, password: string | undefined) {
    return this.call((e) => e.open(bytes, password));
  }
  render(docId: number, index: number, width: number, height: number) {
    return this.call((e) => e.render(docId, index, width, height));
  }
  async close(docId: number) {
    await this.call((e) => e.close(docId));
  }
  async dispose() {
    this.engine = null;
  }
}

/**
 * Where the worker script lives: a compiled pdf-worker.js next to this module when a bundler emitted one, else the
 * pdf-worker.ts source (vitest, tsx). Bundled apps may pass the emitted path explicitly (DocumentLoaderOptions.workerUrl).
 */
export function defaultWorkerUrl(): URL | null {
  return siblingWorkerUrl(import.meta.url, 'pdf-worker');
}

function toUrl(spec: URL | string): URL {
  if (spec instanceof URL) return spec;
  return /^[a-z]+:\/\//i.test(spec) ? new URL(spec) : pathToFileURL(spec);
}

/** PdfRequest without its id, distributed over the union members. */
type RequestBody = PdfRequest extends infer R ? (R extends PdfRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(r: PdfResult): void;
  reject(e: Error): void;
}

interface DocRecord {
  bytes: Uint8Array;
  password: string | undefined;
  /** Id inside the current worker; null after a worker crash until reopened. */
  workerDocId: number | null;
}

export class WorkerPdfBackend implements PdfBackend {
  private worker: Worker | null = null;
  private nextId = 1;
  private nextDocId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly docs = new Map<number, DocRecord>();

  constructor(private readonly url: URL | string) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker(toUrl(this.url));
    w.on('message', (res: PdfResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      this.updateRef();
      if (res.ok) p.resolve(res.result);
      else p.reject(new PdfBackendError(res.failure, res.message));
    });
    const fail = (reason: string): void => {
      if (this.worker !== w) return;
      // The worker is gone with every document it held; they are reopened from
      // the kept bytes on next use, so a crash costs only the requests in flight.
      this.worker = null;
      for (const d of this.docs.values()) d.workerDocId = null;
      const pending = [...this.pending.values()];
      this.pending.clear();
      for (const p of pending) p.reject(new PdfBackendError('INTERNAL', `PDF worker stopped: ${reason}`, true));
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  /** Keep the process alive only while a request is outstanding, so a CLI can
   *  exit without disposing the loader. */
  private updateRef(): void {
    if (!this.worker) return;
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private request(req: RequestBody, transfer: ArrayBuffer[] = []): Promise<PdfResult> {
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<PdfResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.updateRef();
      w.postMessage({ ...req, id } as PdfRequest, transfer);
    });
  }

  private async openInWorker(rec: DocRecord): Promise<{ docId: number; pages: PdfPageSize[] }> {
    // Never transfer the kept bytes: they must survive for reopening after a crash.
    const msg = forWorker(rec.bytes);
    const r = await this.request({ op: 'open', bytes: msg.bytes, password: rec.password }, msg.transfer);
    if (r.op !== 'open') throw new PdfBackendError('INTERNAL', `unexpected ${r.op} reply to open`);
    rec.workerDocId = r.docId;
    return r;
  }

  /** Run `fn`, and once more in a fresh worker if the worker died under it.
   *  A request that itself killed PDFium is answered with an error rather than
   *  a stop, so only innocent requests queued behind it are retried. */
  private async retryOnStop<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof PdfBackendError && e.workerStopped) return fn();
      throw e;
    }
  }

  decodeBmp(bytes: Uint8Array): Promise<DecodedBmp> {
    return this.retryOnStop(async () => {
      const msg = forWorker(bytes);
      const r = await this.request({ op: 'bmp', bytes: msg.bytes }, msg.transfer);
      if (r.op !== 'bmp') throw new PdfBackendError('INTERNAL', `unexpected ${r.op} reply to bmp`);
      return { data: r.data, width: r.width, height: r.height };
    });
  }

  async open(bytes: Uint8Array, password: string | undefined) {
    const rec: DocRecord = { bytes, password, workerDocId: null };
    const r = await this.retryOnStop(() => this.openInWorker(rec));
    const docId = this.nextDocId++;
    this.docs.set(docId, rec);
    return { docId, pages: r.pages };
  }

  render(docId: number, index: number, width: number, height: number): Promise<Uint8Array> {
    return this.retryOnStop(async () => {
      const rec = this.docs.get(docId);
      if (!rec) throw new PdfBackendError('NO_DOCUMENT', 'the document is closed');
      if (rec.workerDocId === null) await this.openInWorker(rec);
      const r = await this.request({ op: 'render', docId: rec.workerDocId!, index, width, height });
      if (r.op !== 'render') throw new PdfBackendError('INTERNAL', `unexpected ${r.op} reply to render`);
      return r.data;
    });
  }

  async close(docId: number): Promise<void> {
    const rec = this.docs.get(docId);
    if (!rec) return;
    this.docs.delete(docId);
    if (rec.workerDocId !== null && this.worker) await this.request({ op: 'close', docId: rec.workerDocId });
  }

  /** Documents currently held open (used by tests to detect leaks). */
  get documentCount(): number {
    return this.docs.size;
  }

  /** Test hook and recovery path: kill the worker as if it had crashed. */
  async terminateWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.docs.clear();
    if (w) await w.terminate();
    this.worker = null;
  }
}
