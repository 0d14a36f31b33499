/**
 * Worker-thread entry: owns one PDFium instance and serves requests in order.
 * PDFium calls are synchronous CPU work, as is the JavaScript BMP decoder, so
 * running them here keeps the Electron main thread responsive.
 */
import { parentPort } from 'node:worker_threads';
import { BmpError, decodeBmp } from './bmp';
import { PdfEngine, PdfEngineError } from './pdf-engine';
import type { PdfRequest, PdfResponse, PdfResult } from './pdf-protocol';

const port = parentPort;
if (!port) throw new Error('pdf-worker must be started as a worker thread');

/** Started at once so the first PDF does not wait for WASM compilation. */
const engine = PdfEngine.create();
// Reported per request below; this only stops an unhandled-rejection crash.
engine.catch(() => {});

async function handle(req: PdfRequest): Promise<PdfResult> {
  if (req.op === 'bmp') return { op: 'bmp', ...decodeBmp(req.bytes) };
  let e: PdfEngine;
  try {
    e = await engine;
  } catch (err) {
    throw new Error(`PDFium failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
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

function toResponse(id: number, err: unknown): PdfResponse {
  if (err instanceof PdfEngineError) return { id, ok: false, failure: err.failure, message: err.message };
  if (err instanceof BmpError) return { id, ok: false, failure: 'BAD_BMP', message: err.message };
  return { id, ok: false, failure: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

// Requests are handled strictly one after another: PDFium is not re-entrant.
let queue: Promise<void> = Promise.resolve();

port.on('message', (req: PdfRequest) => {
  queue = queue.then(async () => {
    let res: PdfResponse;
    try {
      res = { id: req.id, ok: true, result: await handle(req) };
    } catch (err) {
      res = toResponse(req.id, err);
    }
    // Pixel buffers are transferred, not copied.
    const transfer = res.ok && (res.result.op === 'render' || res.result.op === 'bmp') ? [res.result.data.buffer as ArrayBuffer] : [];
    port.postMessage(res, transfer);
    // Anything unexpected (e.g. a WASM abort or out-of-bounds access) may leave
    // PDFium's state broken. Exit so the client starts a clean worker; other
    // documents are reopened there.
    if (!res.ok && res.failure === 'INTERNAL') setImmediate(() => process.exit(1));
  });
});
