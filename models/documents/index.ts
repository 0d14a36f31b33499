/**
 * Document loading: images (PNG, JPEG, WebP, BMP, GIF, TIFF) and PDF, opened
 * lazily, returned as 8-bit sRGB pixels for inference and encoded previews for
 * the UI. Pure Node; safe to use from the Electron main process and the CLI.
 */
import { DocumentLoader } from './loader';
import type { DocumentSource, LoadedDocument, OpenOptions } from './types';

export type { RawImage, DocumentFormat, PageInfo, LoadedDocument, PagePreview, PreviewFormat, DocumentSource, OpenOptions, DisplayWindow, DicomDocumentInfo, DicomPageInfo } from './types';
export { DocumentError, isDocumentError, type DocumentErrorCode } from './errors';
export { DocumentLoader, DEFAULT_PDF_DPI, type DocumentLoaderOptions } from './loader';
export { sniffFormat } from './sniff';

let shared: DocumentLoader | null = null;

/** The process-wide loader behind openDocument(). Apps that need a custom
 *  worker location should create their own DocumentLoader instead. */
export function defaultLoader(): DocumentLoader {
  shared ??= new DocumentLoader();
  return shared;
}

export function openDocument(source: DocumentSource, opts?: OpenOptions): Promise<LoadedDocument> {
  return defaultLoader().openDocument(source, opts);
}
