// "Import checkpoint…": one conversion at a time, its progress, and what the person is told at
// the end. Main shows the folder dialog; the renderer never sees or sends a path.
import type { Api, StreamHandle } from '../lib/api';
import type { NoticesState } from './notices.svelte';

export type ImportDtype = 'fp32' | 'fp16' | 'int8' | 'q4';

export class CheckpointImportState {
  /** 0…1 while a conversion runs, null otherwise. */
  progress = $state<number | null>(null);
  /** The graph being written, for the progress label. */
  graph = $state('');
  dtype = $state<ImportDtype>('q4');

  readonly #api: Api;
  readonly #notices: NoticesState;
  readonly #onImported: () => void;
  #handle: StreamHandle<{ imported: boolean; name?: string | undefined; location?: string | undefined }> | null = null;

  constructor(api: Api, notices: NoticesState, onImported: () => void) {
    this.#api = api;
    this.#notices = notices;
    this.#onImported = onImported;
  }

  async start(): Promise<void> {
    if (this.#handle) return;
    this.progress = 0;
    this.graph = '';
    const handle = this.#api.stream('models.importCheckpoint', { dtype: this.dtype }, (chunk) => {
      this.progress = chunk.total > 0 ? chunk.done / chunk.total : 0;
      this.graph = chunk.graph;
    });
    this.#handle = handle;
    const r = await handle.result;
    this.#handle = null;
    this.progress = null;
    if (!r.ok) {
      if (r.error.code !== 'CANCELLED') this.#notices.error('The checkpoint was not imported', r.error.message, r.error.code);
      return;
    }
    if (!r.value.imported) return; // the dialog was cancelled
    this.#notices.info(`Imported ${r.value.name ?? 'the checkpoint'}`, r.value.location ?? '');
    this.#onImported();
  }

  async cancel(): Promise<void> {
    await this.#handle?.cancel();
  }
}
