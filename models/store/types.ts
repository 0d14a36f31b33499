// Public shapes of the store. JSON columns come back parsed; times are ISO-8601 UTC strings.

export type RunStatus = 'done' | 'error' | 'cancelled';
export type ReviewStatus = 'accepted' | 'corrected' | 'rejected';
export type BatchStatus = 'queued' | 'running' | 'paused' | 'cancelled' | 'done';
export type ItemStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface DocumentRecord {
  id: number;
  /** Where the file was last seen. */
  path: string;
  sha256: string;
  pageCount: number;
  size: number;
  mtimeMs: number | null;
  /** Set when the file at `path` was edited: the document holding its new content. */
  replacedBy: number | null;
  addedAt: string;
}

export interface DocumentInput {
  path: string;
  sha256: string;
  pageCount: number;
  size: number;
  mtimeMs?: number | null;
}

/**
 * What `Store.registerDocument` found: 'new' content; 'unchanged' (same path, same hash); 'moved' (content known under
 * another path that no longer holds it: the record now points here); 'duplicate' (content known under another path
 * that still exists: a copy, the record keeps its path); 'changed' (the file at a known path has new content: a new
 * record, and the old one is linked to it by `replacedBy`).
 */
export type DocumentMatch = 'new' | 'unchanged' | 'moved' | 'duplicate' | 'changed';

export interface PageRecord {
  id: number;
  documentId: number;
  index: number;
  width: number | null;
  height: number | null;
}

export interface RunInput {
  pageId: number;
  modelId: string;
  modelName: string;
  task: string;
  prompt: string;
  parameters?: Record<string, unknown>;
  provider?: string | null;
  timings?: Record<string, unknown> | null;
  raw?: string;
  parsed?: unknown;
  logprobs?: number[] | null;
  /** Each generated token's id and text, aligned with logprobs; null when the model gives none (built-in OCR). */
  tokens?: RunTokens | null;
  status: RunStatus;
  error?: string | null;
}

export interface RunTokens { ids: number[]; pieces: string[] }

export interface RunRecord extends Required<Omit<RunInput, 'parsed' | 'provider' | 'timings' | 'logprobs' | 'tokens' | 'error'>> {
  id: number;
  /** exp(mean token log-probability), or the built-in OCR's mean line confidence; null when unknown. 0…1. */
  confidence: number | null;
  parsed: unknown;
  provider: string | null;
  timings: Record<string, unknown> | null;
  logprobs: number[] | null;
  tokens: RunTokens | null;
  error: string | null;
  createdAt: string;
}

export interface ReviewState {
  status: ReviewStatus;
  /** The corrected parsed result (status 'corrected'); null otherwise. */
  value: unknown;
  note: string | null;
}

export interface ReviewRecord extends ReviewState {
  runId: number;
  updatedAt: string;
}

export interface ReviewHistoryEntry {
  id: number;
  runId: number;
  /** The state after the change; null = not reviewed. */
  state: ReviewState | null;
  previous: ReviewState | null;
  /** On an undo: the entry it reverted. */
  undoOf: number | null;
  at: string;
}

export interface BatchInput {
  task: string;
  prompt: string;
  modelId: string;
  modelName: string;
  parameters?: Record<string, unknown>;
  /** Identifies "the same batch" when a command is run again (inputs, task, prompt, model, parameters). */
  signature: string;
}

export interface BatchRecord extends Required<BatchInput> {
  id: number;
  status: BatchStatus;
  createdAt: string;
  updatedAt: string;
}

export interface BatchItemRecord {
  id: number;
  batchId: number;
  seq: number;
  pageId: number;
  documentId: number;
  documentPath: string;
  page: number;
  status: ItemStatus;
  attempts: number;
  runId: number | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BatchCounts {
  total: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

/** One run with everything an export or a results list needs. */
export interface ResultRow {
  run: RunRecord;
  document: { id: number; path: string; sha256: string };
  page: { index: number; width: number | null; height: number | null };
  review: ReviewRecord | null;
}

export interface ResultFilter {
  task?: string;
  modelId?: string;
  /** 'reviewed' = accepted or corrected; 'unreviewed' = no review yet. */
  review?: ReviewStatus | 'reviewed' | 'unreviewed';
  batchId?: number;
  runStatus?: RunStatus;
  /** Only runs at or below this confidence (runs of unknown confidence are left out). */
  maxConfidence?: number;
  /** 'document' (default): document, page, run; 'confidence': lowest first, unknown last. */
  orderBy?: 'document' | 'confidence';
  limit?: number;
  offset?: number;
}

export interface ExportRecord {
  id: number;
  format: string;
  onlyReviewed: boolean;
  path: string;
  results: number;
  at: string;
}
