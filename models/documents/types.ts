/** Public shapes of the document loader. Kept free of implementation imports so
 *  consumers (OCR CLI, main process) can depend on them cheaply. */

/** 8-bit sRGB pixels, RGB interleaved, row-major, no padding. The loader may
 *  hand the same object to several callers (it is cached): treat it as read-only. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

export type DocumentFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'gif' | 'tiff' | 'pdf';

/** Size of a page in pixels; for PDF, at the DPI the document was opened with. */
export interface PageInfo {
  index: number;
  width: number;
  height: number;
}

export type PreviewFormat = 'webp' | 'jpeg' | 'png';

export interface PagePreview {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
}

export interface LoadedDocument {
  name: string;
  format: DocumentFormat;
  pages: PageInfo[];
  /** Full-resolution pixels, meant for inference on the Node side. */
  renderPage(index: number, opts?: { signal?: AbortSignal }): Promise<RawImage>;
  /** Encoded, downscaled image for the UI; never larger than the page itself. */
  pagePreview(
    index: number,
    opts: { maxSide: number; format?: PreviewFormat; signal?: AbortSignal },
  ): Promise<PagePreview>;
  close(): Promise<void>;
}

export type DocumentSource = { path: string } | { name: string; bytes: Uint8Array };

export interface OpenOptions {
  /** Render resolution for PDF pages; default 150. */
  pdfDpi?: number;
  password?: string;
  signal?: AbortSignal;
}
