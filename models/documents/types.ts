/** Public shapes of the document loader. Kept free of implementation imports so
 *  consumers (OCR CLI, main process) can depend on them cheaply. */
import type { DicomMetadata } from '../dicom/metadata';

/** 8-bit sRGB pixels, RGB interleaved, row-major, no padding. The loader may
 *  hand the same object to several callers (it is cached): treat it as read-only. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

export type DocumentFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'gif' | 'tiff' | 'pdf' | 'dicom';

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

/** Window/level for DICOM pages (modality units); ignored for other formats. */
export interface DisplayWindow {
  center: number;
  width: number;
  invert?: boolean;
}

export interface DicomDocumentInfo {
  /** The header fields of the (first) file, identifiers marked; shown in the app, de-identified on export. */
  metadata: DicomMetadata;
  transferSyntax: string;
  lossy: boolean;
  /** 1 for a file; the number of images for a DICOMDIR. */
  files: number;
}

export interface DicomPageInfo {
  file: string;
  frame: number;
  frames: number;
  photometric: string;
  monochrome: boolean;
  bitsStored: number;
  windows: { center: number; width: number; label: string }[];
  defaultWindow: DisplayWindow;
  /** Smallest and largest modality value in the frame. */
  range: { min: number; max: number };
}

export interface LoadedDocument {
  name: string;
  format: DocumentFormat;
  pages: PageInfo[];
  /** Present for DICOM documents. */
  dicom?: DicomDocumentInfo & { pageInfo(index: number): Promise<DicomPageInfo> };
  /** Full-resolution pixels, meant for inference on the Node side. DICOM pages go through `window` (default: the file's). */
  renderPage(index: number, opts?: { signal?: AbortSignal; window?: DisplayWindow }): Promise<RawImage>;
  /** Encoded, downscaled image for the UI; never larger than the page itself. */
  pagePreview(
    index: number,
    opts: { maxSide: number; format?: PreviewFormat; signal?: AbortSignal; window?: DisplayWindow },
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
