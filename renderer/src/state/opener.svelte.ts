// Every way a document gets opened: the host's dialog (Electron), files picked or dropped in the
// page (sent as bytes), and the recent list. Password-protected files come back here with a
// prompt; failures become notices that name the file and the reason.
import type { Api } from '../lib/api';
import type { AppError, DocumentSummary, RecentFile, Result } from '../../../preload/contract';
import type { DocumentsState } from './documents.svelte';
import type { NoticesState } from './notices.svelte';
import { emitAppEvent } from '../lib/app-events';

export interface PasswordPrompt {
  name: string;
  /** True when the previous attempt used a wrong password. */
  wrong: boolean;
  submit(password: string): void;
  cancel(): void;
}

export class FileOpener {
  canShowDialogs = $state(false);
  recent = $state<RecentFile[]>([]);
  recentError = $state<string | null>(null);
  prompt = $state<PasswordPrompt | null>(null);
  /** Files still being read or sent; the toolbar shows a spinner while this is above zero. */
  pending = $state(0);

  readonly #api: Api;
  readonly #documents: DocumentsState;
  readonly #notices: NoticesState;
  #promptQueue: Promise<void> = Promise.resolve();

  constructor(api: Api, documents: DocumentsState, notices: NoticesState) {
    this.#api = api;
    this.#documents = documents;
    this.#notices = notices;
  }

  /** Documents the host already holds (a reload of the page must not lose them). */
  async restore(): Promise<void> {
    const r = await this.#api.call('documents.list', {});
    if (r.ok) for (const d of r.value) this.#documents.add(d);
  }

  async openFiles(files: readonly File[]): Promise<void> {
    for (const file of files) {
      this.pending++;
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        await this.#attempt(file.name, (password) =>
          this.#api.call('documents.openBytes', password === undefined ? { name: file.name, bytes } : { name: file.name, bytes, password }),
        );
      } catch (err) {
        this.#fail(file.name, { code: 'BAD_INPUT', message: `the browser could not read the file (${String(err)})` });
      } finally {
        this.pending--;
      }
    }
  }

  async openDialog(): Promise<void> {
    this.pending++;
    try {
      const r = await this.#api.call('documents.openDialog', {});
      if (!r.ok) return this.#fail('the file dialog', r.error);
      for (const d of r.value.opened) this.#opened(d);
      for (const f of r.value.failed) {
        if (f.code === 'PASSWORD_REQUIRED' || f.code === 'WRONG_PASSWORD') {
          // The dialog's result carries no handle to retry with; the recent list does.
          await this.loadRecent();
          const entry = this.recent.find((e) => e.name === f.name);
          if (entry) {
            void this.openRecent(entry);
            continue;
          }
        }
        this.#fail(f.name, { code: f.code as AppError['code'], message: f.message });
      }
    } finally {
      this.pending--;
    }
  }

  async openRecent(entry: RecentFile): Promise<void> {
    this.pending++;
    try {
      await this.#attempt(entry.name, (password) =>
        this.#api.call('documents.openRecent', password === undefined ? { recentId: entry.id } : { recentId: entry.id, password }),
      );
    } finally {
      this.pending--;
    }
  }

  async loadRecent(): Promise<void> {
    const r = await this.#api.call('documents.recent', {});
    if (r.ok) {
      this.recent = r.value;
      this.recentError = null;
    } else {
      this.recentError = r.error.message;
    }
  }

  async close(documentId: string): Promise<void> {
    const r = await this.#api.call('documents.close', { documentId });
    // NOT_FOUND means the host already forgot it: the tab should go either way.
    if (!r.ok && r.error.code !== 'NOT_FOUND') {
      this.#notices.error('Could not close the document', r.error.message, r.error.code);
    }
    this.#documents.remove(documentId);
  }

  /** Opens, asking for a password (and trying again) for as long as the host wants one. */
  async #attempt(name: string, open: (password?: string) => Promise<Result<DocumentSummary>>): Promise<void> {
    let password: string | undefined;
    for (;;) {
      const r = await open(password);
      if (r.ok) return this.#opened(r.value);
      if (r.error.code !== 'PASSWORD_REQUIRED' && r.error.code !== 'WRONG_PASSWORD') return this.#fail(name, r.error);
      const answer = await this.#askPassword(name, r.error.code === 'WRONG_PASSWORD');
      if (answer === null) {
        this.#notices.info(`“${name}” was not opened`, 'No password was given.');
        return;
      }
      password = answer;
    }
  }

  /** One prompt at a time: a second protected file (say, dropped meanwhile) waits its turn. */
  #askPassword(name: string, wrong: boolean): Promise<string | null> {
    const asked = this.#promptQueue.then(
      () =>
        new Promise<string | null>((resolve) => {
          const settle = (answer: string | null): void => {
            this.prompt = null;
            resolve(answer);
          };
          this.prompt = { name, wrong, submit: (pw) => settle(pw), cancel: () => settle(null) };
        }),
    );
    this.#promptQueue = asked.then(() => undefined);
    return asked;
  }

  #opened(summary: DocumentSummary): void {
    this.#documents.add(summary);
    emitAppEvent('paliscope:document-opened', { documentId: summary.id, name: summary.name, pages: summary.pages.length });
  }

  #fail(name: string, error: AppError): void {
    this.#notices.error(`Could not open “${name}”`, error.message, error.code);
    emitAppEvent('paliscope:error', { source: name, code: error.code, message: error.message });
  }
}
