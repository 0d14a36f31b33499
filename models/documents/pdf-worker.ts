/**
 * Worker-thread entry: owns one PDFium instance and serves PdfRequests in
 * order. PDFium calls are synchronous CPU work, so running them here keeps the
 * Electron main thread responsive.
 */
import { parentPort } from 'node:worker_threads';
import { PdfEngine, PdfEngineError } from './pdf-engine';
import type { PdfRequest, PdfResponse, PdfResult } from './pdf-protocol';

const port = parentPort;
if (!port) throw new Error('pdf-worker must be started as a worker thread');

const engine = PdfEngine.create();

function handle(e: PdfEngine, req: PdfRequest): PdfResult {
  switch (req.op) {
    case 'open':
      return { op: 'open', ...e.open(req.bytes, req.password) };
    case 'render':
      return { op: 'render', data: e.render(req.docId, req.index, req.width, req.height) };
    case 'close':
      e.close(req.docId);
      return { op: 'close' };
  }
}

port.on('message', (req: PdfRequest) => {
  void engine.then(
    (e) => {
      let res: PdfResponse;
      try {
        const result = handle(e, req);
        res = { id: req.id, ok: true, result };
      } catch (err) {
        res =
          err instanceof PdfEngineError
            ? { id: req.id, ok: false, failure: err.failure, message: err.message }
            : { id: req.id, ok: false, failure: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
      }
      // Pixel buffers are transferred, not copied.
      const transfer = res.ok && res.result.op === 'render' ? [res.result.data.buffer as ArrayBuffer] : [];
      port.postMessage(res, transfer);
      // Anything but a PdfEngineError (e.g. a WASM abort or out-of-bounds
      // access) may leave PDFium's state broken. Exit so the client starts a
      // clean worker; other documents are reopened there.
      if (!res.ok && res.failure === 'INTERNAL') setImmediate(() => process.exit(1));
    },
    (err: unknown) => {
      port.postMessage({ id: req.id, ok: false, failure: 'INTERNAL', message: `PDFium failed to start: ${String(err)}` } satisfies PdfResponse);
    },
  );
});
