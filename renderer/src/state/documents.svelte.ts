// The open documents (tabs), which one is active and which page each one shows. Pure state: the
// calls that open and close documents live in FileOpener.
import type { DocumentSummary } from '../../../preload/contract';

export interface OpenDocument {
  summary: DocumentSummary;
  pageIndex: number;
}

export class DocumentsState {
  items = $state<OpenDocument[]>([]);
  activeId = $state<string | null>(null);

  active = $derived(this.items.find((d) => d.summary.id === this.activeId) ?? null);
  activePage = $derived(this.active ? (this.active.summary.pages[this.active.pageIndex] ?? null) : null);

  /** Adds a document and shows it; one already open (same id) is just brought forward. */
  add(summary: DocumentSummary): void {
    if (!this.items.some((d) => d.summary.id === summary.id)) {
      this.items = [...this.items, { summary, pageIndex: 0 }];
    }
    this.activeId = summary.id;
  }

  remove(id: string): void {
    const at = this.items.findIndex((d) => d.summary.id === id);
    if (at < 0) return;
    this.items = this.items.filter((d) => d.summary.id !== id);
    if (this.activeId === id) {
      const neighbour = this.items[Math.min(at, this.items.length - 1)];
      this.activeId = neighbour?.summary.id ?? null;
    }
  }

  activate(id: string): void {
    if (this.items.some((d) => d.summary.id === id)) this.activeId = id;
  }

  /** Moves to the neighbouring tab, wrapping around. */
  cycle(step: 1 | -1): void {
    const n = this.items.length;
    if (n === 0) return;
    const at = this.items.findIndex((d) => d.summary.id === this.activeId);
    this.activeId = this.items[(at + step + n) % n]?.summary.id ?? null;
  }

  goToPage(index: number): void {
    const doc = this.active;
    if (!doc) return;
    const last = doc.summary.pages.length - 1;
    doc.pageIndex = Math.max(0, Math.min(last, Math.round(index)));
  }

  stepPage(step: number): void {
    if (this.active) this.goToPage(this.active.pageIndex + step);
  }
}
