// The onnxruntime session options of every OCR session, in this thread (sessions.ts) and in the recognizer workers
// (rec-worker.ts). A module of its own so a worker loads only onnxruntime, not the graph tools.
import type * as ort from 'onnxruntime-node';

export function ocrSessionOptions(threads: number, spin: boolean): ort.InferenceSession.SessionOptions {
  return {
    // Spinning worker threads burn CPU while waiting; on a shared 2-core machine turning it off
    // measured 4.4–5.1 CPU s/page instead of 6.5–7.8 (wall 4.3–5.2 s instead of 7.2–12.7 s).
    ...(spin ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}
