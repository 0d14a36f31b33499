/** Messages between the loader (pdf-client.ts) and the PDF worker (pdf-worker.ts).
 *  The worker also runs the BMP decoder, the other pure-CPU decode step. */
import type { PdfFailure, PdfPageSize } from './pdf-engine';

export type PdfRequest =
  | { id: number; op: 'open'; bytes: Uint8Array; password?: string }
  | { id: number; op: 'render'; docId: number; index: number; width: number; height: number }
  | { id: number; op: 'close'; docId: number }
  | { id: number; op: 'bmp'; bytes: Uint8Array };

export type PdfResult =
  | { op: 'open'; docId: number; pages: PdfPageSize[] }
  | { op: 'render'; data: Uint8Array }
  | { op: 'close' }
  | { op: 'bmp'; data: Uint8Array; width: number; height: number };

export type PdfResponse =
  | { id: number; ok: true; result: PdfResult }
  | { id: number; ok: false; failure: PdfFailure | 'INTERNAL' | 'BAD_BMP'; message: string };
