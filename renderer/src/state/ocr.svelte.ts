// OCR results per document page, the one run in flight (the engine works on one job at a time),
// the selected line and the text search. Results are stored as they arrive, page by page, so a
// cancelled run keeps what it finished.
import { SvelteMap } from 'svelte/reactivity';
import type { Api, StreamHandle } from '../lib/api';
import type { OcrChunk, OcrPage } from '../../../preload/contract';
import type { NoticesState } from './notices.svelte';
import { announcer } from './announcer.svelte';
import { emitAppEvent } from '../lib/app-events';

export type OcrPanelState = 'idle' | 'running' | 'done' | 'error';

export interface OcrRun {
  documentId: string;
  pages: number[];
  finished: number;
  /** The current page's stage and its own progress, e.g. "recognise" 12 of 40. */
  page: number | null;
  stage: string;
  stageDone: number;
  stageTotal: number;
}

const key = (documentId: string, page: number): string => `${documentId}:${page}`;

export class OcrState {
  readonly results = new SvelteMap<string, OcrPage>();
  /** The last failure per document, cleared by the next run. */
  readonly failures = new SvelteMap<string, string>();
  run = $state<OcrRun | null>(null);
  /** The selected line, tied to its page so it does not follow a person onto another page. */
  selection = $state<{ key: string; line: number } | null>(null);
  query = $state('');

  progress = $derived.by(() => {
    const r = this.run;
    if (!r || r.pages.length === 0) return 0;
    const within = r.stageTotal > 0 ? r.stageDone / r.stageTotal : 0;
    return Math.min(1, (r.finished + within) / r.pages.length);
  });

  readonly #api: Api;
  readonly #notices: NoticesState;
  #handle: StreamHandle<{ pages: number }> | null = null;

  constructor(api: Api, notices: NoticesState) {
    this.#api = api;
    this.#notices = notices;
  }

  selectedLine(documentId: string, page: number): number | null {
    return this.selection?.key === key(documentId, page) ? this.selection.line : null;
  }

  select(documentId: string, page: number, line: number | null): void {
    this.selection = line === null ? null : { key: key(documentId, page), line };
  }

  resultFor(documentId: string, page: number): OcrPage | null {
    return this.results.get(key(documentId, page)) ?? null;
  }

  stateFor(documentId: string, page: number): OcrPanelState {
    if (this.run?.documentId === documentId) return 'running';
    if (this.failures.has(documentId)) return 'error';
    return this.results.has(key(documentId, page)) ? 'done' : 'idle';
  }

  /** Runs OCR on the given pages of a document (all pages when `pages` is omitted). */
  async start(documentId: string, pageCount: number, pages?: number[]): Promise<void> {
    if (this.run) return;
    const targets = pages ?? Array.from({ length: pageCount }, (_, i) => i);
    this.failures.delete(documentId);
    this.run = { documentId, pages: targets, finished: 0, page: null, stage: 'starting', stageDone: 0, stageTotal: 0 };
    const handle = this.#api.stream('ocr.run', pages ? { documentId, pages } : { documentId }, (c) => this.#onChunk(documentId, c));
    this.#handle = handle;
    announcer.say(targets.length === 1 ? `Recognising text on page ${targets[0]! + 1}.` : `Recognising text on ${targets.length} pages.`);
    const r = await handle.result;
    this.#handle = null;
    this.run = null;
    if (r.ok) {
      const lines = targets.reduce((n, p) => n + (this.results.get(key(documentId, p))?.lines.length ?? 0), 0);
      announcer.say(`Text recognised: ${lines} ${lines === 1 ? 'line' : 'lines'} on ${targets.length} ${targets.length === 1 ? 'page' : 'pages'}.`);
      emitAppEvent('paliscope:ocr-done', { documentId, pages: targets });
    } else if (r.error.code === 'CANCELLED') {
      this.#notices.info('OCR cancelled', 'Pages already finished keep their results.');
    } else {
      this.failures.set(documentId, r.error.message);
      this.#notices.error('OCR failed', r.error.message, r.error.code);
      emitAppEvent('paliscope:error', { source: 'ocr.run', code: r.error.code, message: r.error.message });
    }
  }

  async cancel(): Promise<void> {
    await this.#handle?.cancel();
  }

  forget(documentId: string): void {
    for (const k of [...this.results.keys()]) if (k.startsWith(`${documentId}:`)) this.results.delete(k);
    this.failures.delete(documentId);
  }

  failureFor(documentId: string): string | null {
    return this.failures.get(documentId) ?? null;
  }

  #onChunk(documentId: string, chunk: OcrChunk): void {
    const run = this.run;
    if (chunk.type === 'page') {
      this.results.set(key(documentId, chunk.page), chunk.result);
      if (run) {
        run.finished++;
        // A long run says how far it got, page by page (the last page is announced as the run's end).
        if (run.pages.length > 1 && run.finished < run.pages.length) announcer.say(`Page ${chunk.page + 1} read: ${run.finished} of ${run.pages.length} pages done.`);
        run.stageDone = 0;
        run.stageTotal = 0;
      }
      return;
    }
    if (chunk.type === 'recognizer-fallback') {
      this.#notices.error('OCR recognizer not used', chunk.message, 'CORRUPT_FILE');
      return;
    }
    if (run) {
      run.page = chunk.page;
      run.stage = chunk.stage;
      run.stageDone = chunk.done;
      run.stageTotal = chunk.total;
    }
  }
}
