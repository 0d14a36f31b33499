// What the batch queue needs from whoever runs a model: one page in, its output out. The CLI runs pages in-process
// (paligemma-runner.ts, ocr-runner.ts); the app can run them through its engine host with the same queue.

export interface PageRequest {
  /** The batch item being run (for logs; a runner never writes to the store). */
  itemId: number;
  documentPath: string;
  /** 0-based page index. */
  page: number;
  task: string;
  prompt: string;
  modelId: string;
  /** The batch's parameters (e.g. maxNewTokens), as given when it was created. */
  parameters: Record<string, unknown>;
}

export interface PageResult {
  raw: string;
  /** The task parser's result (hostile model text already turned into data); null when there is no parser. */
  parsed: unknown;
  /** Log-probability of each generated token; null when the model gives none (built-in OCR). */
  logprobs: number[] | null;
  /** Each generated token's id and text, aligned with logprobs; absent when the model gives none. */
  tokens?: { ids: number[]; pieces: string[] } | null;
  timings: Record<string, unknown> | null;
  provider: string | null;
  /** Why a finished run's output could not be parsed (the output is kept either way). */
  error?: string | null;
}

export interface Runner<Prepared = unknown> {
  /**
   * Decodes what runPage will need (page pixels, encoded image). The queue calls it for the NEXT page while the
   * current one is in runPage, so decoding overlaps inference. A throw here fails only that page, with the reason.
   */
  preparePage?(req: PageRequest, signal: AbortSignal): Promise<Prepared>;
  /** Runs the model; only one call is in flight at a time. Must reject promptly once `signal` aborts. */
  runPage(req: PageRequest & { prepared?: Prepared }, signal: AbortSignal): Promise<PageResult>;
  /** Releases resources that prepared pages hold (open documents) once the queue stops. */
  close?(): Promise<void>;
}
