// Named DOM events on `window` that end-to-end tests (and nothing else) wait on, so tests never
// sleep. Each name marks a moment a person would notice: a document appeared, a page is visible,
// OCR finished, an error was shown.
export interface AppEventMap {
  'paliscope:ready': { host: string; version: string };
  'paliscope:document-opened': { documentId: string; name: string; pages: number };
  'paliscope:page-loaded': { documentId: string; index: number };
  'paliscope:ocr-done': { documentId: string; pages: number[] };
  'paliscope:error': { source: string; code: string; message: string };
  'paliscope:models-listed': { count: number; usable: number };
  /** The streamed output of a model run grew on screen: `length` is what the page shows (after each render). */
  'paliscope:run-output': { documentId: string; page: number; tokens: number; length: number };
  /** A model run ended; `runId` is the history entry (null when it was refused before it started). */
  'paliscope:run-done': { documentId: string; page: number; status: 'done' | 'cancelled' | 'error'; runId: string | null; code: string | null };
  'paliscope:ocr-exported': { documentId: string; format: string; fileName: string; bytes: number };
  'paliscope:region': { documentId: string; page: number; region: { x: number; y: number; width: number; height: number } | null };
  'paliscope:run-exported': { runId: string; format: string; fileName: string; bytes: number };
}

export function emitAppEvent<K extends keyof AppEventMap>(name: K, detail: AppEventMap[K]): void {
  window.dispatchEvent(new CustomEvent(name, { detail }));
}
