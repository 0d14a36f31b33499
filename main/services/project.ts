// The project: the one durable store (models/store) the app keeps its batches, runs and reviews in.
//
// Today it is always the app's own store, `<userData>/paliscope.sqlite`. A `.paliscope` project file the person
// chooses is the same format (models/store/README.md); opening one later is `ProjectService.open(path)` — the seam is
// here, so services that read `project.store` keep working when the file changes.
//
// better-sqlite3 is not an N-API add-on: the copy in node_modules is built for Node (headless host, CLI, tests).
// Electron's main process needs a copy rebuilt for Electron's ABI, given as `nativeBinding` (an option, or
// PALISCOPE_SQLITE_BINDING). When the store cannot be opened — wrong add-on build, a file that is not a store, a store
// from a newer Paliscope — the app keeps working without it: `store` is null and `unavailable` says why, in words
// the person can act on. Nothing here throws at start-up.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Store } from '../../models/store/store';
import { AppFailure } from '../ipc/dispatcher';

export interface ProjectOptions {
  userDataDir: string;
  /** Path of a better_sqlite3.node built for this runtime (Electron); default PALISCOPE_SQLITE_BINDING. */
  nativeBinding?: string | undefined;
  /** The store's file; default `<userData>/paliscope.sqlite`. Tests use ':memory:'. */
  path?: string;
  log?: { warn(message: string): void };
}

export function defaultStorePath(userDataDir: string): string {
  return join(userDataDir, 'paliscope.sqlite');
}

export class ProjectService {
  #store: Store | null = null;
  #unavailable: string | null = null;
  readonly #nativeBinding: string | undefined;
  readonly #log: ProjectOptions['log'];

  constructor(opts: ProjectOptions) {
    this.#nativeBinding = opts.nativeBinding ?? (process.env.PALISCOPE_SQLITE_BINDING || undefined);
    this.#log = opts.log;
    this.open(opts.path ?? defaultStorePath(opts.userDataDir));
  }

  /** The open store, or null when it could not be opened (see `unavailable`). */
  get store(): Store | null {
    return this.#store;
  }

  /** Why there is no store (null when there is one). */
  get unavailable(): string | null {
    return this.#unavailable;
  }

  /** The store, or a failure naming why there is none: for calls that cannot work without it. */
  requireStore(what: string): Store {
    if (this.#store) return this.#store;
    // `what` is singular ("A batch") or plural ("Batches"); the verb follows it.
    const needs = /s$/.test(what) ? 'need' : 'needs';
    throw new AppFailure('UNSUPPORTED', `${what} ${needs} the project store, which is not available: ${this.#unavailable ?? 'it is closed'}`);
  }

  /**
   * Switches to the store at `path` (creating it), closing the current one. Returns false (and keeps no store) when it
   * cannot be opened; `unavailable` says why. The seam for `.paliscope` project files chosen by the person.
   */
  open(path: string): boolean {
    this.close();
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.#store = Store.open(path, this.#nativeBinding ? { nativeBinding: this.#nativeBinding } : {});
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
}
