// Zoom and pan of the current page. `view` maps image pixels to viewer pixels; a fit mode is
// re-applied when the window or the page changes, a custom zoom is kept across pages.
import {
  clampView,
  fitPage,
  fitWidth,
  revealRect,
  zoomAround,
  clampScale,
  FIT_MARGIN,
  type Rect,
  type Size,
  type View,
} from '../lib/viewport-math';

export type ZoomMode = 'fit-page' | 'fit-width' | 'custom';

/** One keyboard or button zoom step. */
const ZOOM_STEP = 1.25;
/** Arrow-key pan, as a share of the viewer height. */
const PAN_STEP = 0.15;

export class ViewportState {
  page = $state<Size | null>(null);
  box = $state<Size>({ width: 0, height: 0 });
  view = $state<View>({ scale: 1, x: 0, y: 0 });
  mode = $state<ZoomMode>('fit-page');
  /** The image pixel under the pointer, or null when the pointer is off the page. */
  cursor = $state<{ x: number; y: number } | null>(null);

  /** Where each document other than the shown one was left (plain fields: nothing renders them). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read only when a tab is switched; nothing renders it
  readonly #saved = new Map<string, { pageIndex: number; view: View; mode: ZoomMode }>();
  #shown: { documentId: string; pageIndex: number } | null = null;
  /** A rectangle to bring into view once the next page is shown (search jumping across pages). */
  #pendingReveal: Rect | null = null;

  zoomPercent = $derived(Math.round(this.view.scale * 1000) / 10);

  setBox(box: Size): void {
    this.box = box;
    this.#apply(this.view);
  }

  /**
   * A page comes into view. Switching back to a document restores the zoom and position it was
   * left at (when it still shows the same page), so comparing two documents costs no re-zooming.
   */
  showPage(page: Size, at?: { documentId: string; pageIndex: number }): void {
    if (at && at.documentId !== this.#shown?.documentId) {
      if (this.#shown) this.#saved.set(this.#shown.documentId, { pageIndex: this.#shown.pageIndex, view: this.view, mode: this.mode });
      const saved = this.#saved.get(at.documentId);
      this.#shown = { ...at };
      if (saved && saved.pageIndex === at.pageIndex) {
        this.page = page;
        this.mode = saved.mode;
        this.#apply(saved.view);
        return;
      }
    } else if (at && this.#shown) {
      this.#shown.pageIndex = at.pageIndex;
    }
    const same = this.page && this.page.width === page.width && this.page.height === page.height;
    this.page = page;
    if (this.mode === 'custom' && !same) {
      // Keep the zoom a person chose; start at the top of the new page.
      this.view = clampView({ scale: this.view.scale, x: FIT_MARGIN, y: FIT_MARGIN }, page, this.box);
    } else if (this.mode === 'custom') {
      this.view = clampView({ ...this.view, y: FIT_MARGIN }, page, this.box);
    } else {
      this.#apply(this.view);
    }
    if (this.#pendingReveal) {
      this.view = revealRect(this.view, this.#pendingReveal, page, this.box);
      this.#pendingReveal = null;
    }
  }

  /** Reveal a rectangle of the page about to be shown (call just before changing page). */
  /** Forgets a closed document's saved view. */
  forget(documentId: string): void {
    this.#saved.delete(documentId);
    if (this.#shown?.documentId === documentId) this.#shown = null;
  }

  revealOnNextPage(rect: Rect): void {
    this.#pendingReveal = rect;
  }

  fitPage(): void {
    this.mode = 'fit-page';
    this.#apply(this.view);
  }

  fitWidth(): void {
    this.mode = 'fit-width';
    this.#apply(this.view);
  }

  /** Sets an absolute scale (1 = one image pixel per CSS pixel), around the viewer centre. */
  zoomTo(scale: number): void {
    this.zoomBy(clampScale(scale) / this.view.scale);
  }

  zoomIn(): void {
    this.zoomBy(ZOOM_STEP);
  }

  zoomOut(): void {
    this.zoomBy(1 / ZOOM_STEP);
  }

  /** Zooms by a factor around a viewer point (the centre when none is given). */
  zoomBy(factor: number, at?: { x: number; y: number }): void {
    if (!this.page) return;
    const p = at ?? { x: this.box.width / 2, y: this.box.height / 2 };
    this.mode = 'custom';
    this.view = zoomAround(this.view, factor, p.x, p.y, this.page, this.box);
  }

  panBy(dx: number, dy: number): void {
    if (!this.page) return;
    this.view = clampView({ scale: this.view.scale, x: this.view.x + dx, y: this.view.y + dy }, this.page, this.box);
  }

  panStep(direction: 1 | -1): void {
    this.panBy(0, -direction * this.box.height * PAN_STEP);
  }

  reveal(rect: Rect): void {
    if (this.page) this.view = revealRect(this.view, rect, this.page, this.box);
  }

  #apply(current: View): void {
    const page = this.page;
    if (!page || this.box.width <= 0 || this.box.height <= 0) return;
    if (this.mode === 'fit-page') this.view = fitPage(page, this.box);
    else if (this.mode === 'fit-width') this.view = fitWidth(page, this.box);
    else this.view = clampView(current, page, this.box);
  }
}
