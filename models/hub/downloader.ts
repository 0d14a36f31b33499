// Downloads a set of files of one hub repository into a new model folder, safely:
//  - into a staging folder `<models>/.staging/<name>/` (dot folders are never listed as models), each file first as
//    `<file>.part`, resumed with an HTTP Range request after a dropped connection or a pause;
//  - a bounded number of files at once, retrying network errors and 5xx/429 with exponential backoff (never 401/403/404);
//  - every file checked against the hub's SHA-256 (LFS oid) or, for small files, its git blob id; a mismatch discards
//    the file and names it;
//  - a free-space check before starting (fs.statfs), and ENOSPC while writing reported as a full disk;
//  - the whole staged folder renamed into place at the end (one atomic rename on the same file system), so a model
//    folder either is complete and verified or does not exist. Cancel and failures remove the staging folder; pause
//    keeps it so the next download of the same model resumes.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { access, mkdir, rename, rm, rmdir, stat, statfs, truncate, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HubError, isHubError, isTransient } from './errors';
import type { HubClient, HubEntry } from './hub-client';

export const STAGING_DIR = '.staging';
/** Written into every downloaded model folder: where it came from and what was verified. */
export const DOWNLOAD_MANIFEST = '.paliscope-download.json';

export interface DownloadProgress {
  doneBytes: number;
  totalBytes: number;
  /** Bytes per second over the last few seconds (null until measurable). */
  bytesPerSecond: number | null;
  /** Seconds left at the current speed (null until measurable). */
  etaSeconds: number | null;
  filesDone: number;
  filesTotal: number;
  /** Files being transferred now. */
  active: string[];
}

export interface DownloadOptions {
  client: HubClient;
  repo: string;
  revision: string;
  files: HubEntry[];
  /** The models folder; the model lands in `<modelsDir>/<name>`. */
  modelsDir: string;
  name: string;
  /** Extra facts for the folder's manifest (catalog id, dtype…). */
  manifest?: Record<string, unknown>;
  /** Files transferred at once (default 3). */
  concurrency?: number;
  /** Attempts per file after the first, for transient failures (default 5). */
  retries?: number;
  /** First backoff delay; doubles each attempt (default 500 ms). */
  backoffMs?: number;
  /** Free bytes on the file system holding `dir` (default: fs.statfs). Injected in tests to imitate a full disk. */
  freeSpace?: (dir: string) => Promise<number>;
  /** Opens a file for writing (default fs.createWriteStream). Injected in tests to imitate ENOSPC mid-file. */
  openWrite?: (path: string, append: boolean) => WriteStream;
  onProgress?: (p: DownloadProgress) => void;
  control?: DownloadControl;
  /** Clock for speed/ETA (tests). */
  now?: () => number;
}

export interface DownloadResult { location: string; bytes: number; files: number; resumedBytes: number }

/** Pause or cancel a running download. Pause keeps what was fetched; cancel throws it away. */
export class DownloadControl {
  readonly #abort = new AbortController();
  #intent: 'pause' | 'cancel' | null = null;
  get signal(): AbortSignal { return this.#abort.signal; }
  get intent(): 'pause' | 'cancel' | null { return this.#intent; }
  pause(): void { this.#stop('pause'); }
  cancel(): void { this.#stop('cancel'); }
  #stop(intent: 'pause' | 'cancel'): void {
    if (this.#intent) return;
    this.#intent = intent;
    this.#abort.abort(new HubError(intent === 'pause' ? 'PAUSED' : 'CANCELLED', intent === 'pause' ? 'download paused' : 'download cancelled'));
  }
}

/** Free bytes on the disk holding `dir`, asked of its nearest existing folder (a models folder is made on first use). */
export const defaultFreeSpace = async (dir: string): Promise<number> => {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      const s = await statfs(d);
      return Number(s.bavail) * Number(s.bsize);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw err;
    }
  }
};

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

const exists = (p: string) => access(p).then(() => true, () => false);
const sizeOf = (p: string) => stat(p).then((s) => s.size, () => -1);

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal.reason as Error); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The checksum the hub lists for a file: SHA-256 of the content for LFS files, else the git blob SHA-1. */
function newHasher(f: HubEntry): { hash: Hash; kind: 'SHA-256' | 'git blob id'; expected: string } | null {
  if (f.sha256) return { hash: createHash('sha256'), kind: 'SHA-256', expected: f.sha256 };
  if (/^[0-9a-f]{40}$/.test(f.gitOid)) {
    const hash = createHash('sha1').update(`blob ${f.size}\0`);
    return { hash, kind: 'git blob id', expected: f.gitOid };
  }
  return null;
}

async function hashExisting(path: string, hash: Hash, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
}

function diskFull(err: unknown, file: string, dir: string): HubError | null {
  const code = (err as { code?: string } | null)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return null;
  return new HubError('DISK_FULL', `writing ${file}: the disk holding ${dir} is full (${code}); free some space and download again`, { cause: err });
}

/** Removes staging folders a killed process left behind. Call once when the app or CLI starts, not during downloads. */
export async function cleanStaging(modelsDir: string): Promise<void> {
  await rm(join(modelsDir, STAGING_DIR), { recursive: true, force: true });
}

export async function downloadModel(o: DownloadOptions): Promise<DownloadResult> {
  const control = o.control ?? new DownloadControl();
  const target = join(o.modelsDir, o.name);
  const staging = join(o.modelsDir, STAGING_DIR, o.name);
  if (await exists(target)) throw new HubError('EXISTS', `${target} already exists; remove that model first to download it again`);

  // The shared .staging parent goes too once no other download uses it, so a finished models folder holds only models.
  const dropEmptyStaging = () => rmdir(join(o.modelsDir, STAGING_DIR)).catch(() => undefined);
  const cleanup = async () => { await rm(staging, { recursive: true, force: true }); await dropEmptyStaging(); };
  let fetched: FetchResult;
  try {
    fetched = await downloadFilesInto({ ...o, control, dir: staging, diskDir: o.modelsDir });
  } catch (err) {
    // Pause keeps what was fetched for the next attempt; cancel and failures keep nothing.
    if (!isHubError(err, 'PAUSED')) await cleanup();
    throw err;
  }

  try {
    await writeFile(join(staging, DOWNLOAD_MANIFEST), JSON.stringify({
      source: 'hub', endpoint: o.client.endpoint, repo: o.repo, revision: o.revision, downloadedAt: new Date().toISOString(),
      ...o.manifest,
      files: o.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, gitOid: f.gitOid })),
    }, null, 2));
    if (await exists(target)) throw new HubError('EXISTS', `${target} appeared while downloading; the download was kept out of it and removed`);
    await rename(staging, target);
    await dropEmptyStaging();
  } catch (err) {
    await cleanup();
    throw diskFull(err, DOWNLOAD_MANIFEST, o.modelsDir) ?? err;
  }
  return { location: target, ...fetched };
}

export interface FetchOptions extends Omit<DownloadOptions, 'modelsDir' | 'name' | 'manifest'> {
  /** The folder the files land in (created); `<file>.part` files there are resumed. */
  dir: string;
  /** The folder whose disk the free-space check and its message name (default `dir`). */
  diskDir?: string;
  /** Bytes needed on that disk beyond the files themselves (a conversion's output), for the free-space check. */
  extraBytes?: number;
  /** What the extra bytes are for, in the refusal. */
  extraBytesFor?: string;
}
export interface FetchResult { bytes: number; files: number; resumedBytes: number }

/**
 * Fetches `files` into `dir`, each verified and renamed into place as it completes, resuming `.part` files an
 * earlier attempt left. Pause, cancel and failures all leave `dir` as it is: the caller decides what to throw away.
 */
export async function downloadFilesInto(o: FetchOptions): Promise<FetchResult> {
  const control = o.control ?? new DownloadControl();
  const signal = control.signal;
  const staging = o.dir;
  const diskDir = o.diskDir ?? o.dir;
  const concurrency = Math.max(1, o.concurrency ?? 3);
  const retries = o.retries ?? 5;
  const backoffMs = o.backoffMs ?? 500;
  const now = o.now ?? Date.now;
  const writeOpen = o.openWrite ?? ((p: string, append: boolean) => createWriteStream(p, { flags: append ? 'a' : 'w' }));

  for (const f of o.files) {
    if (f.path.split('/').some((s) => s === '..' || s === '' || s.startsWith('.')) || f.path.includes('\\')) {
      throw new HubError('BAD_INPUT', `${o.repo}: refusing the file name "${f.path}" (it would leave the model folder)`);
    }
  }
  await mkdir(staging, { recursive: true });

  // What is already staged (a paused or interrupted download of the same model) counts as done.
  const have = new Map<string, number>();
  for (const f of o.files) {
    const full = await sizeOf(join(staging, f.path));
    const part = await sizeOf(join(staging, `${f.path}.part`));
    have.set(f.path, full === f.size ? f.size : Math.max(0, Math.min(part, f.size)));
  }
  const totalBytes = o.files.reduce((a, f) => a + f.size, 0);
  const resumedBytes = [...have.values()].reduce((a, b) => a + b, 0);

  const free = await (o.freeSpace ?? defaultFreeSpace)(diskDir);
  const needed = totalBytes - resumedBytes + (o.extraBytes ?? 0);
  if (free < needed) {
    const parts = o.extraBytes ? ` (${formatBytes(totalBytes - resumedBytes)} to download + ${formatBytes(o.extraBytes)} ${o.extraBytesFor ?? 'more'})` : '';
    throw new HubError('DISK_FULL', `${o.repo}: needs ${formatBytes(needed)}${parts} but only ${formatBytes(free)} is free on the disk holding ${diskDir}; free some space or choose another models folder`);
  }

  // Progress: bytes on disk (staged + received), speed over a sliding window of samples.
  let done = resumedBytes;
  let filesDone = o.files.filter((f) => have.get(f.path) === f.size && f.size > 0).length;
  const active = new Set<string>();
  // Bytes counted per file, re-synced with the .part size at each attempt (a failed write may not have landed).
  const counted = new Map(o.files.map((f) => [f.path, have.get(f.path) ?? 0]));
  const setCounted = (path: string, n: number) => { done += n - (counted.get(path) ?? 0); counted.set(path, n); };
  const samples: Array<[number, number]> = [[now(), done]];
  let lastEmit = 0;
  const emit = (force = false) => {
    const t = now();
    if (!force && t - lastEmit < 100) return;
    lastEmit = t;
    samples.push([t, done]);
    while (samples.length > 2 && t - samples[0]![0] > 5000) samples.shift();
    const [t0, d0] = samples[0]!;
    const speed = t - t0 >= 500 ? ((done - d0) * 1000) / (t - t0) : null;
    o.onProgress?.({
      doneBytes: done, totalBytes, bytesPerSecond: speed, etaSeconds: speed && speed > 0 ? (totalBytes - done) / speed : null,
      filesDone, filesTotal: o.files.length, active: [...active],
    });
  };
  emit(true);

  // A failure in one file stops the others.
  const inner = new AbortController();
  const onOuter = () => inner.abort(signal.reason);
  signal.addEventListener('abort', onOuter, { once: true });

  const fetchFile = async (f: HubEntry): Promise<void> => {
    const finalPath = join(staging, f.path);
    const partPath = `${finalPath}.part`;
    await mkdir(dirname(finalPath), { recursive: true });
    if ((await sizeOf(finalPath)) === f.size) return; // verified and renamed earlier
    active.add(f.path);
    let failures = 0;
    for (;;) {
      let start = Math.max(0, await sizeOf(partPath));
      if (start > f.size) { await truncate(partPath, 0); start = 0; }
      setCounted(f.path, start);
      const before = start;
      try {
        const checker = newHasher(f);
        if (start < f.size || f.size === 0) {
          const res = await o.client.openFile(o.repo, o.revision, f.path, start, inner.signal);
          if (start > 0 && res.status === 200) {
            // The server ignored the Range header and sent the whole file: start over.
            start = 0;
            setCounted(f.path, 0);
          }
          if (checker) await hashExisting(partPath, checker.hash, start);
          let received = 0;
          const count = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              checker?.hash.update(chunk);
              received += chunk.length;
              setCounted(f.path, (counted.get(f.path) ?? 0) + chunk.length);
              emit();
              cb(null, chunk);
            },
          });
          try {
            await pipeline(res.body, count, writeOpen(partPath, start > 0), { signal: inner.signal });
          } catch (err) {
            throw diskFull(err, f.path, diskDir) ?? err;
          }
          if (start + received < f.size) throw new HubError('NETWORK', `${o.repo}/${f.path}: the connection ended after ${formatBytes(start + received)} of ${formatBytes(f.size)}`);
        } else if (checker) {
          await hashExisting(partPath, checker.hash, start);
        }
        const size = Math.max(0, await sizeOf(partPath));
        const digest = checker?.hash.digest('hex');
        if (size !== f.size || (checker && digest !== checker.expected)) {
          await rm(partPath, { force: true });
          setCounted(f.path, 0);
          const why = size !== f.size ? `its size is ${size} bytes, the hub lists ${f.size}` : `its ${checker!.kind} is ${digest}, the hub lists ${checker!.expected}`;
          throw new HubError('CHECKSUM', `${o.repo}/${f.path}: ${why}; the file was discarded. Download again; if this repeats, the mirror or a proxy is altering files`);
        }
        await rename(partPath, finalPath);
        filesDone++;
        active.delete(f.path);
        emit(true);
        return;
      } catch (err) {
        if (inner.signal.aborted) throw inner.signal.reason ?? err;
        if (!isTransient(err) || failures >= retries) {
          if (isTransient(err) && err instanceof Error) {
            throw new HubError('NETWORK', `${o.repo}/${f.path}: gave up after ${failures + 1} attempts: ${err.message}`, { cause: err });
          }
          throw err;
        }
        // A retry that made progress starts the count afresh: a flaky link that keeps moving gets there.
        const progressed = Math.max(0, await sizeOf(partPath)) > before;
        failures = progressed ? 0 : failures + 1;
        await abortableSleep(backoffMs * 2 ** Math.max(0, failures - 1), inner.signal);
      }
    }
  };

  const queue = [...o.files].sort((a, b) => b.size - a.size); // big files first: the tail ends sooner
  let firstError: unknown = null;
  const worker = async () => {
    for (let f = queue.shift(); f && !inner.signal.aborted; f = queue.shift()) {
      try {
        await fetchFile(f);
      } catch (err) {
        firstError ??= err;
        inner.abort(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, o.files.length) }, worker));
  signal.removeEventListener('abort', onOuter);

  if (firstError || signal.aborted) {
    const err = signal.aborted ? (signal.reason as unknown) : firstError;
    if (control.intent === 'pause') throw new HubError('PAUSED', `${o.repo}: download paused at ${formatBytes(done)} of ${formatBytes(totalBytes)}; download again to resume`);
    if (control.intent === 'cancel') throw new HubError('CANCELLED', `${o.repo}: download cancelled; nothing was kept`);
    throw err;
  }
  emit(true);
  return { bytes: totalBytes, files: o.files.length, resumedBytes };
}
