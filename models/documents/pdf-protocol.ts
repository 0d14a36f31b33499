/** Messages between the loader (pdf-client.ts) and the PDF worker (pdf-worker.ts). */
import type { PdfFailure, PdfPageSize } from './pdf-engine';

export type PdfRequest =
  | { id: number; op: 'open'; bytes: Uint8Array; password?: string }
  | { id: number; op: 'render'; docId: number; index: number; width: number; height: number }
  | { id: number; op: 'close'; docId: number };

export type PdfResult =
  | { op: 'open'; docId: number; pages: PdfPageSize[] }
  | { op: 'render'; data: Uint8Array }
  | { op: 'close' };

export type PdfResponse =
  | { id: number; ok: true; result: PdfResult }
  | { id: number; ok: false; failure: PdfFailure | 'INTERNAL'; message: string };
