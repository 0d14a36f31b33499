export type DocumentErrorCode =
  | 'EMPTY_FILE'
  | 'UNSUPPORTED_FORMAT'
  | 'CORRUPT_FILE'
  | 'PASSWORD_REQUIRED'
  | 'WRONG_PASSWORD'
  | 'TOO_LARGE'
  | 'NOT_FOUND'
  | 'PAGE_OUT_OF_RANGE';

/** Every failure the loader reports to callers. The message always names the
 *  file so a user looking at a list of failures knows which input was bad. */
export class DocumentError extends Error {
  readonly code: DocumentErrorCode;
  readonly file: string;

  constructor(code: DocumentErrorCode, file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = 'DocumentError';
    this.code = code;
    this.file = file;
  }
}

export function isDocumentError(e: unknown): e is DocumentError {
  return e instanceof DocumentError;
}

/** Abort handling shared by every async step: rejects with the standard
 *  AbortError (signal.reason) so callers can tell cancellation from failure. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError');
  }
}
