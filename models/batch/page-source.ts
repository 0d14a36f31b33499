// Opens documents and renders their pages for in-process runners. Keeps the two most recent documents open: the one
// being run and the one being prefetched (a batch walks documents in order, so more would only hold memory).
import { openDocument, type LoadedDocument, type RawImage } from '../documents';

export interface RenderedPage {
  image: RawImage;
}

export class PageSource {
  readonly #open = new Map<string, Promise<LoadedDocument>>();
  readonly #keep: number;

  constructor(opts: { keepOpen?: number } = {}) {
    this.#keep = opts.keepOpen ?? 2;
  }

  /** The document's pages (index and size), for enqueueing. The document stays open for the batch. */
  async inspect(path: string): Promise<{ pages: { index: number; width: number; height: number }[] }> {
    const doc = await this.#get(path);
    return { pages: doc.pages.map((p) => ({ index: p.index, width: p.width, height: p.height })) };
  }

  async render(path: string, page: number, signal?: AbortSignal): Promise<RawImage> {
    const doc = await this.#get(path);
    if (page >= doc.pages.length) throw new Error(`${path}: has ${doc.pages.length} pages, page ${page + 1} was asked for (the file changed since it was queued?)`);
    return doc.renderPage(page, { signal });
  }

  async close(): Promise<void> {
    const docs = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(docs.map((d) => d.then((x) => x.close()).catch(() => undefined)));
  }

  #get(path: string): Promise<LoadedDocument> {
    let doc = this.#open.get(path);
    if (doc) {
      // Most recently used last.
      this.#open.delete(path);
      this.#open.set(path, doc);
      return doc;
    }
    doc = openDocument({ path });
    doc.catch(() => this.#open.delete(path));
    this.#open.set(path, doc);
    while (this.#open.size > this.#keep) {
      const [oldest, d] = this.#open.entries().next().value as [string, Promise<LoadedDocument>];
      this.#open.delete(oldest);
      void d.then((x) => x.close()).catch(() => undefined);
    }
    return doc;
  }
}
