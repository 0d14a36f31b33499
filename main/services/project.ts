// The project: the one durable store (models/store) the app keeps its batches, runs and reviews in — the app's own
// store, `<userData>/paliscope.sqlite`, or a `.paliscope` project file the person chose (the same format,
// models/store/README.md), so a study can be moved, shared and backed up.
//
// Switching is safe: it is refused while a batch is on the model; runs still being filed finish first; the new store is
// opened (and migrated) BEFORE the old one is closed, so a file that cannot be opened leaves the current project open
// and says why. Services read the store through `project.store` at each call, never keeping it, so they follow the
// switch; `attach` lets the batch service resume the new project's batches and the app tell every window.
//
// better-sqlite3 is not an N-API add-on: the copy in node_modules is built for Node (headless host, CLI, tests).
// Electron's main process needs a copy rebuilt for Electron's ABI, given as `nativeBinding` (an option, or
// PALISCOPE_SQLITE_BINDING). When the store cannot be opened at start-up — wrong add-on build, a file that is not a
// store, a store from a newer Paliscope — the app keeps working without it: `store` is null and `unavailable` says
// why, in words the person can act on. Nothing here throws at start-up.
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../../models/store/store';
import { SCHEMA_VERSION } from '../../models/store/migrations';
import type { ProjectCopy, ProjectInfo, RecentProject } from '../../preload/contract';
import { AppFailure } from '../ipc/dispatcher';
import { safeFileName } from '../files/export-names';
import { probeProject, type SpawnProbe } from './project-guard';
import { checkProjectSchema } from './project-schema';
import { holdFoundBatches } from './untrusted-batches';

export interface ProjectOptions {
  userDataDir: string;
  /** Path of a better_sqlite3.node built for this runtime (Electron); default PALISCOPE_SQLITE_BINDING. */
  nativeBinding?: string | undefined;
  /** The store's file; default: the project open when the app last quit, else `<userData>/paliscope.sqlite`. Tests use ':memory:'. */
  path?: string;
  log?: { warn(message: string): void };
  /** Starts the process that probes a project before it is opened (default: a Node child; the app: a utilityProcess). */
  spawnProbe?: SpawnProbe | undefined;
  /** How long that probe may take (default PROBE_TIME_LIMIT_MS). */
  probeTimeLimitMs?: number;
}

/** What the project needs from the services that use it; set once they exist (compose.ts). */
export interface ProjectHooks {
  /** What keeps the project from changing now ("batch 3 is running"), or null. */
  busy?: () => string | null;
  /** Resolves once every write in flight (runs being filed) is done. */
  settle?: () => Promise<unknown>;
  /** The project changed: resume its batches, tell every window. */
  changed?: (info: ProjectInfo) => void;
}

export function defaultStorePath(userDataDir: string): string {
  return join(userDataDir, 'paliscope.sqlite');
}

const SQLITE_HEADER = 'SQLite format 3\0';
const RECENT_MAX = 10;
const MIME = 'application/vnd.sqlite3';

/**
 * Checks the first bytes of a would-be project (`label` names it in messages): an SQLite database whose schema version
 * this Paliscope knows or can migrate. The header holds the schema version (`user_version`, offset 60, big-endian).
 */
export function checkProjectHeader(header: Uint8Array, label: string): void {
  const magic = Buffer.from(header.subarray(0, 16)).toString('latin1');
  if (header.byteLength < 100 || magic !== SQLITE_HEADER) {
    throw new AppFailure('UNSUPPORTED_FORMAT', `${label} is not a Paliscope project: it is not an SQLite database`);
  }
  const version = Buffer.from(header.subarray(60, 64)).readUInt32BE(0);
  if (version > SCHEMA_VERSION) throw newerVersion(label, version);
}

function newerVersion(label: string, version: number): AppFailure {
  return new AppFailure('UNSUPPORTED', `${label} was written by a newer Paliscope (schema version ${version}; this one knows up to ${SCHEMA_VERSION}): update Paliscope to open it`);
}

export class ProjectService {
  #store: Store | null = null;
  #unavailable: string | null = null;
  #path: string;
  #hooks: ProjectHooks = {};
  readonly #userDataDir: string;
  readonly #nativeBinding: string | undefined;
  readonly #log: ProjectOptions['log'];
  readonly #probe: { spawn?: SpawnProbe; timeLimitMs?: number };
  #heldOnOpen: number[] = [];

  constructor(opts: ProjectOptions) {
    this.#userDataDir = opts.userDataDir;
    this.#probe = { ...(opts.spawnProbe ? { spawn: opts.spawnProbe } : {}), ...(opts.probeTimeLimitMs ? { timeLimitMs: opts.probeTimeLimitMs } : {}) };
    this.#nativeBinding = opts.nativeBinding ?? (process.env.PALISCOPE_SQLITE_BINDING || undefined);
    this.#log = opts.log;
    const last = opts.path ? null : this.#readState().current;
    const fallback = opts.path ?? defaultStorePath(opts.userDataDir);
    this.#path = fallback;
    // The project open at the last quit comes back; if it cannot (moved, deleted, replaced by a file that fails the
    // checks), the app's own store does.
    if (last && last !== fallback && existsSync(last) && this.open(last)) return;
    if (last) this.#log?.warn(`the last project (${last}) could not be opened; using the default store`);
    this.open(fallback);
  }

  /** The open store, or null when it could not be opened (see `unavailable`). */
  get store(): Store | null {
    return this.#store;
  }

  /** Why there is no store (null when there is one). */
  get unavailable(): string | null {
    return this.#unavailable;
  }

  get path(): string {
    return this.#path;
  }

  get isDefault(): boolean {
    return resolve(this.#path) === resolve(defaultStorePath(this.#userDataDir));
  }

  /** The batches the project last switched to held as running or queued, paused when it opened. */
  get heldOnOpen(): readonly number[] {
    return this.#heldOnOpen;
  }

  attach(hooks: ProjectHooks): void {
    this.#hooks = hooks;
  }

  /** The store, or a failure naming why there is none: for calls that cannot work without it. */
  requireStore(what: string): Store {
    if (this.#store) return this.#store;
    // `what` is singular ("A batch") or plural ("Batches"); the verb follows it.
    const needs = /s$/.test(what) ? 'need' : 'needs';
    throw new AppFailure('UNSUPPORTED', `${what} ${needs} the project store, which is not available: ${this.#unavailable ?? 'it is closed'}`);
  }

  /** What the project menu shows. */
  info(): ProjectInfo {
    const store = this.#store;
    let counts = { documents: 0, runs: 0, reviewed: 0 };
    if (store) {
      const count = (sql: string): number => (store.db.prepare(sql).pluck().get() as number) ?? 0;
      counts = {
        documents: count('SELECT COUNT(*) FROM documents WHERE replaced_by IS NULL'),
        runs: count('SELECT COUNT(*) FROM runs'),
        reviewed: count('SELECT COUNT(*) FROM reviews'),
      };
    }
    return {
      path: this.#path,
      name: this.isDefault ? 'Default store' : basename(this.#path).replace(/\.paliscope$/i, ''),
      schemaVersion: store?.schemaVersion ?? 0,
      counts,
      isDefault: this.isDefault,
      unavailable: this.#unavailable,
      migrated: store?.migrated ?? [],
    };
  }

  /**
   * Opens the store at `path` (creating it) as the app starts, closing the current one. Returns false (and keeps no
   * store) when it cannot be opened; `unavailable` says why. Switching while the app runs is `openPath` and friends.
   */
  open(path: string): boolean {
    this.close();
    this.#path = path;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      // The last project passed the probe when it was opened, but the file may have been replaced since.
      if (path !== ':memory:' && existsSync(path) && statSync(path).size > 0) this.#checkProjectFile(path, basename(path));
      this.#store = this.#openStore(path, false);
      this.#unavailable = null;
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // The usual Electron failure: the add-on in node_modules was built for Node, not for Electron.
      const hint = /NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF|Could not locate the bindings file/i.test(message)
        ? ' (the SQLite add-on was built for another runtime; set PALISCOPE_SQLITE_BINDING to a better_sqlite3.node rebuilt for this one)'
        : '';
      this.#unavailable = `${message}${hint}`;
      this.#log?.warn(`project store unavailable: ${this.#unavailable}`);
      return false;
    }
  }

  close(): void {
    this.#store?.close();
    this.#store = null;
    this.#unavailable = 'the project store is closed';
  }

  // ---- switching while the app runs ----

  /** Opens an existing project file (a dialog's pick, a recent entry). */
  openPath(path: string): Promise<ProjectInfo> {
    return this.#switchTo(path, { create: false });
  }

  /** A new project at `path` (a save dialog's pick); an existing Paliscope project there is opened, never emptied. */
  create(path: string): Promise<ProjectInfo> {
    const file = /\.paliscope$/i.test(path) ? path : `${path}.paliscope`;
    return this.#switchTo(file, { create: !(existsSync(file) && statSync(file).size > 0) });
  }

  useDefault(): Promise<ProjectInfo> {
    return this.#switchTo(defaultStorePath(this.#userDataDir), { create: true });
  }

  /**
   * A project file the person picked or dropped, as bytes: checked, copied into `<userData>/projects/` under its own
   * name (with a suffix when that name is taken: nothing is overwritten) and opened.
   */
  async openBytes(name: string, bytes: Uint8Array): Promise<ProjectInfo> {
    this.#refuseIfBusy();
    checkProjectHeader(bytes, name);
    const dir = join(this.#userDataDir, 'projects');
    mkdirSync(dir, { recursive: true });
    // Written whole and synced under a temporary name, then linked to its final name: a crash leaves no half a
    // project, and link() fails rather than replace a file that appeared meanwhile.
    const temp = join(dir, `.incoming-${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(temp, 'wx');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    let target: string;
    try {
      this.#checkProjectFile(temp, name);
      target = linkUnique(temp, dir, safeFileName(name, 'paliscope'));
    } finally {
      rmSync(temp, { force: true });
    }
    try {
      return await this.#switchTo(target, { create: false, label: name });
    } catch (err) {
      // Not opened: the copy is of no use to anyone.
      for (const f of [target, `${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
      throw err;
    }
  }

  /** A consistent snapshot of the open project (SQLite's online backup, WAL content included), to save as a file. */
  async saveCopy(): Promise<ProjectCopy> {
    const store = this.requireStore('Saving a copy');
    await this.#hooks.settle?.();
    const temp = join(this.#userDataDir, `.copy-${randomBytes(6).toString('hex')}.paliscope`);
    try {
      await store.db.backup(temp);
      const bytes = new Uint8Array(readFileSync(temp));
      const stem = this.isDefault ? `paliscope-${new Date().toISOString().slice(0, 10)}` : basename(this.#path).replace(/\.paliscope$/i, '');
      return { fileName: `${stem}.paliscope`, mime: MIME, bytes };
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** Project files opened lately, newest first; files no longer there are left out. */
  recent(): RecentProject[] {
    return this.#readState().recent
      .filter((r) => existsSync(r.path))
      .map((r) => ({ id: recentId(r.path), name: basename(r.path).replace(/\.paliscope$/i, ''), path: r.path, openedAt: r.openedAt }));
  }

  async openRecent(id: string): Promise<ProjectInfo> {
    const entry = this.recent().find((r) => r.id === id);
    if (!entry) throw new AppFailure('NOT_FOUND', 'that project is no longer in the recent list (moved or deleted?)');
    return this.openPath(entry.path);
  }

  async #switchTo(path: string, opts: { create: boolean; label?: string }): Promise<ProjectInfo> {
    const label = opts.label ?? basename(path);
    this.#refuseIfBusy();
    if (this.#store && resolve(path) === resolve(this.#path)) return this.info();
    // Runs being filed go to the project they were made in.
    await this.#hooks.settle?.();
    this.#refuseIfBusy();
    if (!opts.create) {
      if (!existsSync(path)) throw new AppFailure('NOT_FOUND', `${label} is not there any more`);
      this.#checkProjectFile(path, label);
      // Every read an open makes, in a child process with a time limit: a file that would hang is never opened.
      await probeProject(path, label, { nativeBinding: this.#nativeBinding, ...this.#probe });
      this.#refuseIfBusy();
    }
    let next: Store;
    try {
      mkdirSync(dirname(path), { recursive: true });
      next = this.#openStore(path, !opts.create);
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).replace(path, label);
      throw new AppFailure('CORRUPT_FILE', `${message}; the current project stays open`);
    }
    // A project just opened starts no work by itself: its running or queued batches wait for the person.
    this.#heldOnOpen = resolve(path) !== resolve(defaultStorePath(this.#userDataDir)) ? holdFoundBatches(next) : [];
    if (this.#heldOnOpen.length) this.#log?.warn(`${label}: batch(es) ${this.#heldOnOpen.join(', ')} paused until resumed`);
    this.#store?.close();
    this.#store = next;
    this.#path = path;
    this.#unavailable = null;
    const info = this.info();
    // Remembered (to reopen at the next start) only once it opened and answered.
    this.#remember(path);
    this.#hooks.changed?.(info);
    return info;
  }

  #refuseIfBusy(): void {
    const busy = this.#hooks.busy?.();
    if (busy) throw new AppFailure('UNSUPPORTED', `The project cannot change while ${busy}: pause or cancel it first`);
  }

  #openStore(path: string, mustExist: boolean): Store {
    return Store.open(path, { ...(mustExist ? { mustExist } : {}), ...(this.#nativeBinding ? { nativeBinding: this.#nativeBinding } : {}) });
  }

  /**
   * Refuses what is not a Paliscope project before it is opened for writing (opening migrates: a stranger's SQLite
   * database must not get Paliscope's tables). Reads through the WAL, so a store in use by the CLI reads right.
   */
  #checkProjectFile(path: string, label: string): void {
    const header = Buffer.alloc(100);
    const fd = openSync(path, 'r');
    let read: number;
    try {
      read = readSync(fd, header, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
    checkProjectHeader(header.subarray(0, read), label);
    let db: Database.Database | null = null;
    try {
      db = new Database(path, { fileMustExist: true, ...(this.#nativeBinding ? { nativeBinding: this.#nativeBinding } : {}) });
      const version = db.pragma('user_version', { simple: true }) as number;
      const tables = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().get() as number;
      if (version > SCHEMA_VERSION) throw newerVersion(label, version);
      if (version === 0 && tables > 0) throw new AppFailure('UNSUPPORTED_FORMAT', `${label} is not a Paliscope project: it is an SQLite database with other tables`);
      // Exactly Paliscope's tables and indexes: no view, trigger or virtual table runs SQL from the file.
      checkProjectSchema(db, label);
    } catch (err) {
      if (err instanceof AppFailure) throw err;
      throw new AppFailure('CORRUPT_FILE', `${label} is not a readable Paliscope project: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      db?.close();
    }
  }

  // ---- projects.json: the recent list and the project to reopen ----

  get #stateFile(): string {
    return join(this.#userDataDir, 'projects.json');
  }

  #readState(): { current: string | null; recent: { path: string; openedAt: string }[] } {
    try {
      const raw = JSON.parse(readFileSync(this.#stateFile, 'utf8')) as { current?: unknown; recent?: unknown };
      const recent = Array.isArray(raw.recent)
        ? raw.recent.filter((r): r is { path: string; openedAt: string } => typeof r?.path === 'string' && typeof r?.openedAt === 'string')
        : [];
      return { current: typeof raw.current === 'string' ? raw.current : null, recent };
    } catch {
      return { current: null, recent: [] };
    }
  }

  #remember(path: string): void {
    const state = this.#readState();
    const isDefault = this.isDefault;
    const recent = isDefault ? state.recent : [{ path, openedAt: new Date().toISOString() }, ...state.recent.filter((r) => resolve(r.path) !== resolve(path))].slice(0, RECENT_MAX);
    try {
      const temp = `${this.#stateFile}.tmp`;
      writeFileSync(temp, JSON.stringify({ current: isDefault ? null : path, recent }, null, 1));
      renameSync(temp, this.#stateFile);
    } catch (err) {
      this.#log?.warn(`the recent projects list was not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function recentId(path: string): string {
  return createHash('sha256').update(resolve(path)).digest('hex').slice(0, 16);
}

/** Links `from` as `dir/name`, or `name (2)`, `name (3)`… when taken; never replaces a file. Returns the path. */
function linkUnique(from: string, dir: string, name: string): string {
  const stem = name.replace(/\.paliscope$/i, '');
  for (let n = 1; n < 1000; n++) {
    const target = join(dir, n === 1 ? `${stem}.paliscope` : `${stem} (${n}).paliscope`);
    try {
      try {
        linkSync(from, target);
      } catch (err) {
        // File systems without hard links (FAT, some network shares): an exclusive copy, which also never replaces.
        if (!['EPERM', 'ENOTSUP', 'EXDEV', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
        copyFileSync(from, target, constants.COPYFILE_EXCL);
      }
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new AppFailure('INTERNAL', `too many projects named ${name} in ${dir}`);
}
