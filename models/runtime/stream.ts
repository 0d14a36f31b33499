// Adapts a callback-streaming call (onToken) to an async iterator, for callers that prefer `for await`. Tokens are
// buffered, so a slow consumer never blocks the decode loop; the iterator ends when the call settles and rethrows
// its error (e.g. CANCELLED).

export interface TokenStream<T, R> extends AsyncIterable<T> {
  /** Settles with the call's result (or error) independently of iteration. */
  result: Promise<R>;
}

export function streamCallback<T, R>(start: (onItem: (item: T) => void) => Promise<R>): TokenStream<T, R> {
  const buffer: T[] = [];
  let done = false;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const notify = () => { const w = wake; wake = null; w?.(); };
  const result = start((item) => { buffer.push(item); notify(); });
  result.then(() => { done = true; notify(); }, (error: unknown) => { failure = { error }; done = true; notify(); });
  // The iterator reports the error; keep an unobserved `result` from raising an unhandled rejection.
  result.catch(() => undefined);
  return {
    result,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (buffer.length > 0) yield buffer.shift()!;
        if (done) {
          if (failure) throw (failure as { error: unknown }).error;
          return;
        }
        await new Promise<void>((r) => { wake = r; });
      }
    },
  };
}
