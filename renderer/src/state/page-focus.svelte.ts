// The page in front of the person and everything drawn on it or beside it: its recognised text and
// search hits, the model run shown for it, the object or region hovered (marked on the page and in
// the run view alike), and the overlay shapes that result. The viewer, the text panel and the model
// panel all read this one place, so they agree on what is selected and hovered.
import type { PageRegion } from '../../../preload/contract';
import type { DebugRect } from '../lib/debug-overlay';
import { rectPoints, type OverlayShape } from '../lib/overlay-shapes';
import { runShapes } from '../lib/run-overlay';
import { lineBounds, lineShapeId, nextHit, ocrShapes, searchOcr, type HitPage } from '../lib/ocr-overlay';
import { boundsOf } from '../lib/viewport-math';
import type { DocumentsState } from './documents.svelte';
import type { OcrState } from './ocr.svelte';
import type { RunsState } from './runs.svelte';
import type { ViewportState } from './viewport.svelte';

/** The overlay id of the region the shown run read (hovering it marks the run's result too). */
export const RUN_REGION_ID = 'run-region';
const NEXT_REGION_ID = 'next-region';

function regionShape(id: string, r: PageRegion, label: string): OverlayShape {
  return { id, tone: 'region', points: rectPoints(r.x, r.y, r.width, r.height), label: `${label}\n${r.width}×${r.height} px`, interactive: id === RUN_REGION_ID };
}

// The fields below are `$derived.by(() => …)` rather than `$derived(…)` only so that TypeScript sees the
// constructor's dependencies read lazily (Svelte evaluates both lazily).
export class PageFocus {
  /** The parsed object hovered on the page or in the run view, so both mark it. */
  hoveredObject = $state<number | null>(null);
  /** The shown run's region hovered on the page, or its result hovered in the run view: both are marked. */
  hoveredSource = $state(false);

  readonly #documents: DocumentsState;
  readonly #ocr: OcrState;
  readonly #runs: RunsState;
  readonly #viewport: ViewportState;
  readonly #debugRect: DebugRect | null;

  constructor(documents: DocumentsState, ocr: OcrState, runs: RunsState, viewport: ViewportState, debugRect: DebugRect | null) {
    this.#documents = documents;
    this.#ocr = ocr;
    this.#runs = runs;
    this.#viewport = viewport;
    this.#debugRect = debugRect;
  }

  readonly doc = $derived.by(() => this.#documents.active);
  readonly page = $derived.by(() => this.#documents.activePage);
  /** Document id and page index of the page shown, or null with no document open. */
  readonly at = $derived(this.doc && this.page ? { documentId: this.doc.summary.id, page: this.page.index } : null);

  readonly ocrResult = $derived.by(() => this.at ? this.#ocr.resultFor(this.at.documentId, this.at.page) : null);
  readonly ocrState = $derived.by(() => this.at ? this.#ocr.stateFor(this.at.documentId, this.at.page) : 'idle');
  readonly selectedLine = $derived.by(() => this.at ? this.#ocr.selectedLine(this.at.documentId, this.at.page) : null);
  readonly hits = $derived.by(() => this.ocrResult && this.page ? searchOcr(this.ocrResult, this.page, this.#ocr.query) : { lines: [], shapes: [] });

  /** Pages of the active document whose recognised text contains the query, with line counts. */
  readonly hitPages = $derived.by((): HitPage[] => {
    const doc = this.doc;
    if (!doc || !this.#ocr.query.trim()) return [];
    const out: HitPage[] = [];
    for (const p of doc.summary.pages) {
      const r = this.#ocr.resultFor(doc.summary.id, p.index);
      const lines = r ? searchOcr(r, p, this.#ocr.query).lines : [];
      if (lines.length > 0) out.push({ page: p.index, lines });
    }
    return out;
  });
  readonly otherPageHits = $derived(this.hitPages.filter((h) => h.page !== this.page?.index).reduce((n, h) => n + h.lines.length, 0));
  /** Some page of the document has recognised text (exports cover every such page). */
  readonly canExportText = $derived.by(() => !!this.doc && this.doc.summary.pages.some((p) => this.#ocr.resultFor(this.doc!.summary.id, p.index) !== null));

  /** The model run in flight on this page (null when none, or when it runs on another page). */
  readonly activeRun = $derived.by(() => this.#runs.active && this.at && this.#runs.active.documentId === this.at.documentId && this.#runs.active.page === this.at.page ? this.#runs.active : null);
  /** The run picked (or the newest) in this page's history, whether or not one is in flight. */
  readonly pickedRun = $derived.by(() => this.at ? this.#runs.shownRun(this.at.documentId, this.at.page) : null);
  /** The run whose parsed objects go on the page: none while one is in flight here. */
  readonly shownRun = $derived(this.activeRun ? null : this.pickedRun);
  readonly runHistory = $derived.by(() => this.at ? this.#runs.historyFor(this.at.documentId, this.at.page) : []);
  readonly runRefusal = $derived.by(() => this.at ? this.#runs.refusalFor(this.at.documentId, this.at.page) : null);
  /** The part of this page the next run is for; null for the whole page. */
  readonly nextRegion = $derived.by(() => this.at ? this.#runs.regionFor(this.at.documentId, this.at.page) : null);

  readonly shapes = $derived.by((): OverlayShape[] => {
    const page = this.page;
    const out: OverlayShape[] = this.ocrResult && page ? [...ocrShapes(this.ocrResult, page), ...this.hits.shapes] : [];
    if (this.shownRun && page) out.push(...runShapes(this.shownRun.parsed, page));
    // The part of the page the shown run was on, and the part the next run will be on.
    if (this.shownRun?.region) out.push(regionShape(RUN_REGION_ID, this.shownRun.region, 'the region this run read'));
    if (this.nextRegion) out.push(regionShape(NEXT_REGION_ID, this.nextRegion, 'the next run reads this region'));
    const debug = this.#debugRect;
    if (debug) out.push({ id: 'debug-rect', tone: 'debug', points: rectPoints(debug.x, debug.y, debug.width, debug.height) });
    return out;
  });

  /** The decoded masks of a segment run shown on this page, drawn under its boxes. */
  readonly shownMasks = $derived.by(() => {
    const parsed = this.shownRun?.parsed;
    if (parsed?.kind !== 'boxes' || !parsed.objects.some((o) => o.mask)) return null;
    return { list: parsed.objects.map((o) => o.mask ?? null), width: parsed.width, height: parsed.height, highlighted: this.hoveredObject };
  });

  selectLine(line: number | null, reveal: boolean): void {
    if (!this.at) return;
    this.#ocr.select(this.at.documentId, this.at.page, line);
    const box = line !== null ? this.shapes.find((s) => s.id === lineShapeId(line)) : undefined;
    if (reveal && box) this.#viewport.reveal(boundsOf(box.points));
  }

  /** Selects the next (or previous) search hit, moving on to other pages and wrapping around. */
  goToHit(step: 1 | -1): void {
    const doc = this.doc;
    const page = this.page;
    if (!doc || !page) return;
    const target = nextHit(this.hitPages, doc.summary.pages.length, { page: page.index, line: this.selectedLine }, step);
    if (!target) return;
    if (target.page === page.index) return this.selectLine(target.line, true);
    const result = this.#ocr.resultFor(doc.summary.id, target.page);
    const info = doc.summary.pages[target.page];
    const bounds = result && info ? lineBounds(result, info, target.line) : null;
    if (bounds) this.#viewport.revealOnNextPage(bounds);
    this.#ocr.select(doc.summary.id, target.page, target.line);
    this.#documents.goToPage(target.page);
  }

  stepLine(step: 1 | -1): void {
    const count = this.ocrResult?.lines.length ?? 0;
    if (count === 0) return;
    const line = this.selectedLine;
    const next = line === null ? (step === 1 ? 0 : count - 1) : Math.max(0, Math.min(count - 1, line + step));
    this.selectLine(next, true);
  }
}
