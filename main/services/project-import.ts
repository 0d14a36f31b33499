// Project → Import results…: project files from elsewhere (the shards of a cluster batch, a colleague's project)
// merged into the open project (models/store/merge.ts), with progress. The files arrive as bytes and are hostile:
// each is checked (SQLite header, a Paliscope schema this app reads, every row's shape) before ANY is merged, so a bad
// one refuses the import by name and the project is unchanged. Merging is idempotent, so importing a file twice adds
// nothing, and an import cut short (cancelled, the app closed) is completed by importing again.
//
// Refused while a batch runs: merged items of that batch would join its queue under it.
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mergeInto, openMergeSource } from '../../models/store/merge';
import type { ProjectImportInput, ProjectImportProgress, ProjectImportResult } from '../../preload/contract';
import { AppFailure, type StreamContext } from '../ipc/dispatcher';
import { checkProjectHeader, type ProjectService } from './project';

export interface ResultsImportDeps {
  project: ProjectService;
  /** What keeps the project from changing now ("batch 3 is running"), or null. */
  busy: () => string | null;
  /** Where the received files are written while they are merged (removed after). */
  workDir: string;
  /** better_sqlite3.node built for this runtime (Electron), as the project store uses. */
  nativeBinding?: string | undefined;
}

export class ResultsImporter {
  readonly #deps: ResultsImportDeps;
  #running = false;

  constructor(deps: ResultsImportDeps) {
    this.#deps = deps;
  }

  async import(input: ProjectImportInput, ctx: StreamContext<ProjectImportProgress>): Promise<ProjectImportResult> {
    const { project } = this.#deps;
    const store = project.requireStore('Importing results');
    const busy = this.#deps.busy();
    if (busy) throw new AppFailure('UNSUPPORTED', `Results cannot be imported while ${busy}: pause or cancel it first`);
    if (this.#running) throw new AppFailure('UNSUPPORTED', 'An import is already in progress');
    this.#running = true;
    const names = input.files.map((f) => f.name);
    const temps: string[] = [];
    try {
      for (const f of input.files) checkProjectHeader(f.bytes, f.name);
      mkdirSync(this.#deps.workDir, { recursive: true });
      for (const f of input.files) temps.push(writeTemp(this.#deps.workDir, f.bytes));
      // Every file is checked before any is merged.
      for (const [i, path] of temps.entries()) {
        try {
          openMergeSource(path, { nativeBinding: this.#deps.nativeBinding }).close();
        } catch (err) {
          throw new AppFailure('UNSUPPORTED_FORMAT', relabel(err, names[i]!));
        }
      }
      const files: ProjectImportResult['files'] = [];
      for (const [index, path] of temps.entries()) {
        const file = names[index]!;
        let last = '';
        try {
          const counts = await mergeInto(store, path, {
            signal: ctx.signal,
            nativeBinding: this.#deps.nativeBinding,
            onProgress: (p) => {
              // One message per percent of each phase at most.
              const step = `${p.phase} ${p.total ? Math.floor((100 * p.done) / p.total) : 100}`;
              if (step === last) return;
              last = step;
              ctx.send({ file, index, files: temps.length, phase: p.phase, done: p.done, total: p.total });
            },
          });
          files.push({ name: file, ...counts });
        } catch (err) {
          if (ctx.signal.aborted) throw new AppFailure('CANCELLED', `Import cancelled during ${file}: what was merged is kept; importing again completes it`);
          throw new AppFailure('CORRUPT_FILE', relabel(err, file));
        }
      }
      return { files, project: project.info() };
    } finally {
      this.#running = false;
      for (const t of temps) for (const f of [t, `${t}-wal`, `${t}-shm`]) rmSync(f, { force: true });
    }
  }
}

/** Written whole and synced under a fresh name that no one else uses. */
function writeTemp(dir: string, bytes: Uint8Array): string {
  const path = join(dir, `.import-${randomBytes(6).toString('hex')}.paliscope`);
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Merge messages start with the temporary file's name: the person knows the file by the name they picked. */
function relabel(err: unknown, name: string): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^\.import-[0-9a-f]+\.paliscope/, name);
}
