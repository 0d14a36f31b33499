// The Document view's state: each page's regions as the person edits them (type, reading order, review, corrected
// text), the whole document assembled as Markdown from them (as the export will write it), and the export. Regions
// are asked of main once per page; edits stay here until the export, which sends them back whole.
import { SvelteMap } from 'svelte/reactivity';
import type { Api } from '../lib/api';
import type { DocumentPageRegions, DocumentRegion, DocumentRegionType } from '../../../preload/contract';

export type DocumentExportFormat = 'md' | 'html' | 'docx' | 'json';
export type RegionReview = DocumentRegion['review'];

const NOT_READ: ReadonlySet<DocumentRegionType> = new Set(['header', 'footer']);

/** Regions in reading order, then those that are not read (headers, footers). */
export function orderedRegions(page: DocumentPageRegions): { read: DocumentRegion[]; unread: DocumentRegion[] } {
  const read = page.regions.filter((r) => r.order !== null).sort((a, b) => a.order! - b.order!);
  return { read, unread: page.regions.filter((r) => r.order === null) };
}

/** The page with its read regions numbered 1… in the order given. */
function renumber(page: DocumentPageRegions, read: DocumentRegion[]): DocumentPageRegions {
  const orderOf = new Map(read.map((r, i) => [r.id, i + 1]));
  return { ...page, regions: page.regions.map((r) => ({ ...r, order: orderOf.get(r.id) ?? null })) };
}

export class DocumentViewState {
  readonly pages = new SvelteMap<number, DocumentPageRegions>();
  notes = new SvelteMap<number, string | null>();
  documentId: string | null = $state(null);
  loading = $state(false);
  error: string | null = $state(null);
  markdown = $state('');
  onlyReviewed = $state(false);
  exporting = $state(false);
  readonly #api: Api;
  #assembleTimer: ReturnType<typeof setTimeout> | null = null;
  #assembleSeq = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Shows a document: its regions are asked for page by page as pages are shown. */
  open(documentId: string | null): void {
    if (documentId === this.documentId) return;
    this.documentId = documentId;
    this.pages.clear();
    this.notes.clear();
    this.markdown = '';
    this.error = null;
  }

  async load(page: number, again = false): Promise<void> {
    const documentId = this.documentId;
    if (!documentId || (this.pages.has(page) && !again)) return;
    this.loading = true;
    const r = await this.#api.call('document.regions', { documentId, page });
    this.loading = false;
    if (documentId !== this.documentId) return;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    const { note, ...regions } = r.value;
    this.error = null;
    this.pages.set(page, regions);
    this.notes.set(page, note);
    this.scheduleAssemble();
  }

  #update(page: number, change: (p: DocumentPageRegions) => DocumentPageRegions): void {
    const p = this.pages.get(page);
    if (!p) return;
    this.pages.set(page, change(p));
    this.scheduleAssemble();
  }

  /** Moves a read region from one place in the order to another (0-based places). */
  move(page: number, from: number, to: number): void {
    this.#update(page, (p) => {
      const { read } = orderedRegions(p);
      if (from < 0 || from >= read.length || to < 0 || to >= read.length || from === to) return p;
      const [moved] = read.splice(from, 1);
      read.splice(to, 0, moved!);
      return renumber(p, read);
    });
  }

  setType(page: number, id: string, type: DocumentRegionType): void {
    this.#update(page, (p) => {
      const { read } = orderedRegions(p);
      const region = p.regions.find((r) => r.id === id);
      if (!region) return p;
      const next = { ...p, regions: p.regions.map((r) => (r.id === id ? { ...r, type } : r)) };
      // A header or footer leaves the reading order; anything else read joins it at the end.
      const kept = read.filter((r) => r.id !== id);
      if (!NOT_READ.has(type)) kept.splice(region.order !== null ? region.order - 1 : kept.length, 0, region);
      return renumber(next, kept);
    });
  }

  setReview(page: number, id: string, review: RegionReview): void {
    this.#update(page, (p) => ({ ...p, regions: p.regions.map((r) => (r.id === id ? { ...r, review } : r)) }));
  }

  /** A corrected text: the region's result becomes it, and its review 'corrected'. */
  correct(page: number, id: string, text: string): void {
    this.#update(page, (p) => ({
      ...p,
      regions: p.regions.map((r) => (r.id === id && r.result?.kind === 'text' ? { ...r, result: { kind: 'text', text }, review: 'corrected' } : r)),
    }));
  }

  scheduleAssemble(): void {
    if (this.#assembleTimer) clearTimeout(this.#assembleTimer);
    this.#assembleTimer = setTimeout(() => void this.assemble(), 150);
  }

  async assemble(): Promise<void> {
    const documentId = this.documentId;
    if (!documentId || !this.pages.size) return;
    const seq = ++this.#assembleSeq;
    const r = await this.#api.call('document.assemble', { documentId, content: this.onlyReviewed ? 'reviewed' : 'all', pages: [...this.pages.values()] });
    if (seq !== this.#assembleSeq || documentId !== this.documentId) return;
    if (r.ok) this.markdown = r.value.markdown;
    else this.error = r.error.message;
  }

  /** The whole document: pages not shown yet are read as found, then the file comes back to be saved. */
  async export(format: DocumentExportFormat, pageCount: number): Promise<{ fileName: string; mime: string; bytes: Uint8Array } | null> {
    const documentId = this.documentId;
    if (!documentId) return null;
    this.exporting = true;
    try {
      for (let i = 0; i < pageCount; i++) await this.load(i);
      const r = await this.#api.call('document.export', { documentId, format, content: this.onlyReviewed ? 'reviewed' : 'all', pages: [...this.pages.values()] });
      if (!r.ok) {
        this.error = r.error.message;
        return null;
      }
      return r.value;
    } finally {
      this.exporting = false;
    }
  }
}
