// Batches in a project file someone else made are inert. A project just opened never starts work by itself: the
// batches it holds as running or queued are paused when it opens, and run only when the person resumes them. And a
// batch only reads a document the person opened in this app (or the app kept for them), or one whose content is
// what the project's document row says: a project naming `~/.ssh/id_ed25519` with a queued OCR batch must not pull
// that key's text into the project, ready to be sent back. UNC and device paths are never read (on Windows a UNC
// path would make the app connect out over SMB just to look at it).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Store } from '../../models/store/store';
import { AppFailure } from '../ipc/dispatcher';

/** Pauses every batch `store` holds as running or queued (a project just opened); returns their ids. */
export function holdFoundBatches(store: Store): number[] {
  const held = store.batches().filter((b) => b.status === 'running' || b.status === 'queued').map((b) => b.id);
  for (const id of held) store.setBatchStatus(id, 'paused');
  return held;
}

export const HELD_REASON = 'found in this project when it was opened: it runs only when you resume it';

/**
 * Why `path` may never be read, or null: not absolute, a UNC path (`\\server\share`, `//server/share`), a Win32
 * device or namespace path (`\\.\`, `\\?\`, `COM1`, `NUL`…), or under /dev, /proc or /sys.
 */
export function unreadablePathReason(path: string): string | null {
  if (/^[\\/]{2}[.?][\\/]/.test(path)) return 'it is a device or namespace path';
  if (/^[\\/]{2}[^\\/]/.test(path)) return 'it is a network (UNC) path';
  if (/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i.test(basename(path.replaceAll('\\', '/')))) return 'it names a device';
  if (!isAbsolute(path) && !/^[a-z]:[\\/]/i.test(path)) return 'it is not an absolute path';
  if (/^\/(dev|proc|sys)(\/|$)/.test(path)) return 'it is a device or system path';
  return null;
}

export interface SourceGuardDeps {
  /** Paths the person opened in this app: open documents and the recent-files list. */
  openedPaths: () => Promise<Iterable<string>>;
  /** Where the app keeps documents opened from bytes (`<userData>/documents`): the app wrote every file there. */
  documentsDir: string;
  /** Largest file hashed to match a document row (default 4 GiB): the hash reads the whole file. */
  maxHashBytes?: number;
}

/** Refuses reading a batch's document that the person did not give this app, naming it and the reason. */
export class BatchSourceGuard {
  readonly #deps: SourceGuardDeps;

  constructor(deps: SourceGuardDeps) {
    this.#deps = deps;
  }

  async check(store: Store, path: string): Promise<void> {
    const refuse = (reason: string): never => {
      throw new AppFailure('FORBIDDEN', `${path} was not read: ${reason}`);
    };
    const bad = unreadablePathReason(path);
    if (bad) refuse(bad);
    const full = resolve(path);
    const kept = relative(resolve(this.#deps.documentsDir), full);
    if (kept && !kept.startsWith(`..${sep}`) && kept !== '..' && !isAbsolute(kept)) return;
    for (const opened of await this.#deps.openedPaths()) if (resolve(opened) === full) return;
    // Not opened here: read only if its bytes are the ones the project recorded (then nothing new is learnt).
    const row = store.db.prepare('SELECT sha256 FROM documents WHERE path = ? AND replaced_by IS NULL ORDER BY id DESC LIMIT 1').pluck().get(path) as string | undefined;
    if (!row) refuse('the project has no record of it');
    const info = await stat(full).catch(() => null);
    if (!info?.isFile()) refuse('it is not a file');
    if (info!.size > (this.#deps.maxHashBytes ?? 4 * 2 ** 30)) refuse('it was not opened in this app and is too large to compare with the project\'s record');
    if ((await sha256Of(full)) !== row) refuse('it was not opened in this app and its content is not what the project recorded; open it yourself to run this batch on it');
  }
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolveHash(hash.digest('hex')));
  });
}
