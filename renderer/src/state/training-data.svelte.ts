// Project → Export training data…: the options the person picks, one export at a time with its progress, and what
// came out (counts per task and split, what was left out and why). Main writes the files and returns them zipped;
// the zip is saved as a download.
import type { Api, StreamHandle } from '../lib/api';
import type { DatasetExportProgress, DatasetExportResult } from '../../../preload/contract';
import { saveFile } from '../lib/download';
import type { NoticesState } from './notices.svelte';

export type Resolution = 224 | 448 | 896 | null;
export type ExportSummary = Omit<DatasetExportResult, 'bytes'> & { saved: boolean };

export const STAGE_LABELS: Record<DatasetExportProgress['stage'], string> = {
  reading: 'Reading reviewed results',
  images: 'Rendering images',
  writing: 'Writing files',
  zipping: 'Packing the zip',
  done: 'Done',
};

export class TrainingDataState {
  open = $state(false);
  progress = $state<DatasetExportProgress | null>(null);
  result = $state<ExportSummary | null>(null);
  error = $state<string | null>(null);
  split = $state({ train: 80, validation: 10, test: 10 });
  accepted = $state(true);
  corrected = $state(true);
  resolution = $state<Resolution>(null);
  seed = $state(0);

  readonly #api: Api;
  readonly #notices: NoticesState;
  #handle: StreamHandle<DatasetExportResult> | null = null;

  constructor(api: Api, notices: NoticesState) {
    this.#api = api;
    this.#notices = notices;
  }

  get running(): boolean {
    return this.progress !== null;
  }

  /** Why the options cannot be exported as they are, or null. */
  get problem(): string | null {
    const { train, validation, test } = this.split;
    if (![train, validation, test].every((v) => Number.isInteger(v) && v >= 0 && v <= 100)) return 'Each split is a whole percentage from 0 to 100.';
    if (train + validation + test !== 100) return `The splits add up to ${train + validation + test} %, not 100 %.`;
    if (train < 1) return 'The train split cannot be empty.';
    if (!this.accepted && !this.corrected) return 'Choose accepted results, corrected results or both.';
    if (!Number.isInteger(this.seed) || this.seed < 0) return 'The seed is a whole number from 0.';
    return null;
  }

  show(): void {
    this.open = true;
    this.error = null;
  }

  close(): void {
    if (this.running) return;
    this.open = false;
    this.result = null;
  }

  async start(): Promise<void> {
    if (this.#handle || this.problem) return;
    this.error = null;
    this.result = null;
    this.progress = { stage: 'reading', done: 0, total: 0 };
    const only = [...(this.accepted ? ['accepted' as const] : []), ...(this.corrected ? ['corrected' as const] : [])];
    const handle = this.#api.stream('dataset.export', { split: { ...this.split }, only, resolution: this.resolution, seed: this.seed }, (chunk) => {
      this.progress = chunk;
    });
    this.#handle = handle;
    const r = await handle.result;
    this.#handle = null;
    this.progress = null;
    if (!r.ok) {
      if (r.error.code !== 'CANCELLED') this.error = r.error.message;
      return;
    }
    const { bytes, ...summary } = r.value;
    if (bytes && summary.examples > 0) saveFile(summary.fileName, summary.mime, bytes);
    this.result = { ...summary, saved: !!bytes && summary.examples > 0 };
    if (summary.examples > 0) this.#notices.info('Training data exported', `${summary.examples} examples; the files are also in ${summary.folder}`);
  }

  async cancel(): Promise<void> {
    await this.#handle?.cancel();
  }
}
