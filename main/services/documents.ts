// Open documents, owned by main: the loader's documents keyed by ids the renderer can use.
// Failures become AppFailures with the loader's code and a message naming the file.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { DicomPage, DocumentSummary } from '../../preload/contract';
import type { ErrorCode } from '../../preload/contract/define';
import { DocumentError, type DisplayWindow, type DocumentSource, type LoadedDocument, type OpenOptions, type PagePreview } from '../../models/documents';
import { AppFailure } from '../ipc/dispatcher';
import type { RecentFiles } from './recent-files';

export type OpenDocument = (source: DocumentSource, opts?: OpenOptions) => Promise<LoadedDocument>;

function toFailure(err: unknown, name: string): AppFailure {
  if (err instanceof AppFailure) return err;
  if (err instanceof DocumentError) return new AppFailure(err.code as ErrorCode, err.message);
  return new AppFailure('CORRUPT_FILE', `${name}: could not be opened (${err instanceof Error ? err.message : String(err)})`);
}

function dicomSummary(d: NonNullable<LoadedDocument['dicom']>): NonNullable<DocumentSummary['dicom']> {
  return { fields: d.metadata.fields, burnedInAnnotation: d.metadata.burnedInAnnotation, transferSyntax: d.transferSyntax, lossy: d.lossy, files: d.files };
}

export class DocumentService {
  readonly #open: OpenDocument;
  readonly #recent: RecentFiles;
  /** The DPI PDFs opened from now on are rendered at (Settings); documents already open keep theirs. */
  pdfDpi: number;
  readonly #docs = new Map<string, { summary: DocumentSummary; doc: LoadedDocument; source: DocumentSource }>();

  constructor(deps: { open: OpenDocument; recent: RecentFiles; pdfDpi?: number }) {
    this.#open = deps.open;
    this.#recent = deps.recent;
    this.pdfDpi = deps.pdfDpi ?? 150;
  }

  async openPath(path: string, password?: string): Promise<DocumentSummary> {
    const summary = await this.#add({ path }, basename(path), password);
    await this.#recent.add(path);
    return summary;
  }

  openBytes(name: string, bytes: Uint8Array, password?: string): Promise<DocumentSummary> {
    return this.#add({ name, bytes }, name, password);
  }

  /** Adds a path the user chose to the recent list without opening it; returns its id. */
  remember(path: string): Promise<string> {
    return this.#recent.add(path);
  }

  async openRecent(recentId: string, password?: string): Promise<DocumentSummary> {
    const path = await this.#recent.pathOf(recentId);
    if (!path) throw new AppFailure('NOT_FOUND', 'that file is no longer in the recent list');
    return this.openPath(path, password);
  }

  recentFiles(): ReturnType<RecentFiles['list']> {
    return this.#recent.list();
  }

  /** Every path the person opened in this app: the documents open now and the recent-files list. */
  async openedPaths(): Promise<string[]> {
    const open = [...this.#docs.values()].flatMap((d) => ('path' in d.source ? [d.source.path] : []));
    return [...open, ...(await this.#recent.paths())];
  }

  list(): DocumentSummary[] {
    return [...this.#docs.values()].map((d) => d.summary);
  }

  get(documentId: string): LoadedDocument {
    const entry = this.#docs.get(documentId);
    if (!entry) throw new AppFailure('NOT_FOUND', `no open document with id ${documentId}`);
    return entry.doc;
  }

  /** Where an open document came from: its path, or (opened from bytes) its name and bytes. Batches reopen it. */
  source(documentId: string): DocumentSource {
    const entry = this.#docs.get(documentId);
    if (!entry) throw new AppFailure('NOT_FOUND', `no open document with id ${documentId}`);
    return entry.source;
  }

  async preview(documentId: string, index: number, maxSide: number, window?: DisplayWindow): Promise<PagePreview> {
    const doc = this.get(documentId);
    if (index >= doc.pages.length) throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; page ${index + 1} was asked for`);
    try {
      return await doc.pagePreview(index, { maxSide, format: 'webp', ...(window && doc.dicom ? { window } : {}) });
    } catch (err) {
      throw toFailure(err, doc.name);
    }
  }

  /** A DICOM page's windows and value range. */
  async dicomPage(documentId: string, index: number): Promise<DicomPage> {
    const doc = this.get(documentId);
    if (!doc.dicom) throw new AppFailure('UNSUPPORTED', `${doc.name} is not a DICOM document`);
    if (index >= doc.pages.length) throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; page ${index + 1} was asked for`);
    try {
      return await doc.dicom.pageInfo(index);
    } catch (err) {
      throw toFailure(err, doc.name);
    }
  }

  async close(documentId: string): Promise<boolean> {
    const entry = this.#docs.get(documentId);
    if (!entry) return false;
    this.#docs.delete(documentId);
    await entry.doc.close();
    return true;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#docs.keys()].map((id) => this.close(id)));
  }

  async #add(source: DocumentSource, name: string, password: string | undefined): Promise<DocumentSummary> {
    let doc: LoadedDocument;
    try {
      doc = await this.#open(source, { pdfDpi: this.pdfDpi, ...(password !== undefined ? { password } : {}) });
    } catch (err) {
      throw toFailure(err, name);
    }
    const id = randomUUID().replaceAll('-', '').slice(0, 20);
    const summary: DocumentSummary = { id, name: doc.name, format: doc.format, pages: doc.pages, ...(doc.dicom ? { dicom: dicomSummary(doc.dicom) } : {}) };
    this.#docs.set(id, { summary, doc, source });
    return summary;
  }
}
