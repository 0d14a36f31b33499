// Typed engine errors. Codes map one-to-one onto the app contract's error codes (architecture §5), so the engine host
// can forward them without string matching.

export type EngineErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'INPUT_MISMATCH'
  | 'PROVIDER_UNAVAILABLE'
  | 'CANCELLED'
  | 'OUT_OF_MEMORY'
  | 'BAD_INPUT';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(readonly code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isEngineError(e: unknown, code?: EngineErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}

/** Throws CANCELLED when the signal has fired; called between steps so cancellation lands within one step. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new EngineError('CANCELLED', `${what} cancelled`, { cause: signal.reason });
}

/**
 * onnxruntime reports allocation failures as plain Errors; recognise them so callers get OUT_OF_MEMORY rather than
 * an opaque failure. Anything else is returned unchanged.
 */
export function classifyRuntimeError(e: unknown, what: string): unknown {
  if (e instanceof EngineError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/bad_alloc|out of memory|failed to allocate|Failed to allocate memory|std::bad_alloc/i.test(msg)) {
    return new EngineError('OUT_OF_MEMORY', `${what}: out of memory (${msg})`, { cause: e });
  }
  return e;
}
