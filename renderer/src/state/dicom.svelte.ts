// The DICOM view: each page's header windows and value range (asked of main once), the window the person set, and
// the window whose image is on screen. A new window's image is fetched in the background and shown once it has
// loaded, so a drag never blanks the page; while the pointer moves, a smaller image keeps the feedback quick.
import type { DicomPage, DisplayWindow } from '../../../preload/contract';
import { PREVIEW_MAX_SIDE } from '../../../preload/contract/page-image';
import type { Api } from '../lib/api';
import { emitAppEvent } from '../lib/app-events';
import { sameWindow } from '../lib/window-level';

const DRAG_MAX_SIDE = 1024;
const key = (documentId: string, page: number): string => `${documentId}:${page}`;

export class DicomViewState {
  readonly #api: Api;
  /** Page info by "documentId:page". */
  pages = $state<Record<string, DicomPage>>({});
  /** The window the person chose (drag, preset, invert), by page; the default window when absent. */
  windows = $state<Record<string, DisplayWindow>>({});
  /** The window and size of the image on screen, by page. */
  shown = $state<Record<string, { window: DisplayWindow; maxSide: number }>>({});
  /** Exports keep patient identifiers (a persisted setting, off by default). */
  keepIdentifiers = $state(false);
  // Bookkeeping of requests in flight, never shown: a plain Map on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #loading = new Map<string, { window: DisplayWindow; maxSide: number }>();

  constructor(api: Api) {
    this.#api = api;
  }

  info(documentId: string, page: number): DicomPage | null {
    return this.pages[key(documentId, page)] ?? null;
  }

  /** The window in force for a page: the chosen one, else the page's default. */
  window(documentId: string, page: number): DisplayWindow | null {
    const k = key(documentId, page);
    return this.windows[k] ?? this.pages[k]?.defaultWindow ?? null;
  }

  /** The image a page-image URL should show: the window on screen (and its size while dragging). */
  shownImage(documentId: string, page: number): { window: DisplayWindow; maxSide: number } | null {
    return this.shown[key(documentId, page)] ?? null;
  }

  async load(documentId: string, page: number): Promise<void> {
    const k = key(documentId, page);
    if (this.pages[k]) return;
    const r = await this.#api.call('documents.dicomPage', { documentId, page });
    if (!r.ok) {
      emitAppEvent('paliscope:error', { source: 'documents.dicomPage', code: r.error.code, message: r.error.message });
      return;
    }
    this.pages = { ...this.pages, [k]: r.value };
  }

  async loadSettings(): Promise<void> {
    const r = await this.#api.call('privacy.settings', {});
    if (r.ok) this.keepIdentifiers = r.value.keepIdentifiers;
  }

  async setKeepIdentifiers(keep: boolean): Promise<void> {
    const r = await this.#api.call('privacy.set', { keepIdentifiers: keep });
    if (r.ok) this.keepIdentifiers = r.value.keepIdentifiers;
    else emitAppEvent('paliscope:error', { source: 'privacy.set', code: r.error.code, message: r.error.message });
  }

  /** Set a page's window; `dragging` fetches a smaller image first and the full one when the drag ends. */
  setWindow(documentId: string, page: number, window: DisplayWindow, dragging = false): void {
    const k = key(documentId, page);
    this.windows = { ...this.windows, [k]: window };
    this.#fetch(documentId, page, dragging ? DRAG_MAX_SIDE : PREVIEW_MAX_SIDE);
  }

  reset(documentId: string, page: number): void {
    const k = key(documentId, page);
    const { [k]: _dropped, ...rest } = this.windows;
    this.windows = rest;
    const def = this.pages[k]?.defaultWindow;
    if (def) this.#fetch(documentId, page, PREVIEW_MAX_SIDE);
  }

  /** Load the image for the page's current window, then show it; one request in flight per page, the latest wins. */
  #fetch(documentId: string, page: number, maxSide: number): void {
    const k = key(documentId, page);
    if (this.#loading.has(k)) {
      // A request is out: remember the latest wish, it is fetched when the current one lands.
      this.#loading.set(k, { window: this.window(documentId, page)!, maxSide });
      return;
    }
    const want = { window: this.window(documentId, page)!, maxSide };
    this.#loading.set(k, want);
    const img = new Image();
    const done = (): void => {
      const latest = this.#loading.get(k)!;
      this.#loading.delete(k);
      this.shown = { ...this.shown, [k]: want };
      if (!sameWindow(latest.window, want.window) || latest.maxSide !== want.maxSide) this.#fetch(documentId, page, latest.maxSide);
    };
    img.onload = done;
    img.onerror = () => {
      this.#loading.delete(k);
      emitAppEvent('paliscope:error', { source: 'window/level', code: 'INTERNAL', message: 'the page image for the new window did not load' });
    };
    img.src = this.#api.pageUrl({ documentId, index: page, maxSide, window: want.window });
  }
}
