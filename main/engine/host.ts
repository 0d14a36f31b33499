// The engine host: a separate process (Electron utilityProcess, or a Node child process for the
// headless host) that owns the onnxruntime sessions. onnxruntime-node's session.run() holds its
// thread for the whole forward pass, so it must never run on Electron's main thread.
import type { EngineMethod, EngineMethods, EngineReply, EngineRequest } from './protocol';
import type { OcrEngine } from '../../models/ocr/types';

interface Port {
  send(message: EngineReply): void;
  onMessage(listener: (message: EngineRequest) => void): void;
}

/** Electron's utilityProcess gives `process.parentPort`; a Node child process gives `process.send`. */
function connectToParent(): Port {
  const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (e: { data: unknown }) => void): void } }).parentPort;
  if (parentPort) {
    return {
      send: (m) => parentPort.postMessage(m),
      onMessage: (l) => parentPort.on('message', (e) => l(e.data as EngineRequest)),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    return { send: (m) => void send(m), onMessage: (l) => process.on('message', (m) => l(m as EngineRequest)) };
  }
  throw new Error('engine host: started without a parent to talk to (no parentPort, no IPC channel)');
}

class CancelledError extends Error {
  readonly code = 'CANCELLED';
}

const started = performance.now();
const running = new Map<number, AbortController>();
let ocr: Promise<OcrEngine> | null = null;

function ocrEngine(): Promise<OcrEngine> {
  // Sessions are created once, on first use, and reused for every page.
  ocr ??= import('../../models/ocr').then((m) =>
    m.createOcrEngine({
      ...(process.env.PALISCOPE_OCR_MODELS ? { modelDir: process.env.PALISCOPE_OCR_MODELS } : {}),
      ...(process.env.PALISCOPE_THREADS ? { threads: Number(process.env.PALISCOPE_THREADS) } : {}),
    }),
  );
  return ocr;
}

type Impl = { [M in EngineMethod]: (params: EngineMethods[M]['params'], signal: AbortSignal, progress: (p: unknown) => void) => Promise<EngineMethods[M]['result']> };

const methods: Impl = {
  async ping() {
    return { pid: process.pid, uptimeMs: performance.now() - started, rssBytes: process.memoryUsage.rss() };
  },
  async 'ocr.recognize'({ image }, signal, progress) {
    const engine = await ocrEngine();
    if (signal.aborted) throw new CancelledError('cancelled');
    return engine.recognize(image, { signal, onProgress: progress });
  },
};

function errorCode(err: unknown): string {
  if (err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError')) return 'CANCELLED';
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'INTERNAL';
}

const port = connectToParent();
port.onMessage((message) => {
  if (message.kind === 'cancel') return running.get(message.id)?.abort();
  const { id, method, params } = message;
  const impl = methods[method] as ((p: unknown, s: AbortSignal, pr: (p: unknown) => void) => Promise<unknown>) | undefined;
  if (!impl) return port.send({ kind: 'error', id, code: 'NOT_FOUND', message: `engine host: no method "${String(method)}"` });
  const controller = new AbortController();
  running.set(id, controller);
  impl(params, controller.signal, (progress) => port.send({ kind: 'progress', id, progress }))
    .then(
      (value) => port.send({ kind: 'result', id, value }),
      (err: unknown) =>
        port.send({ kind: 'error', id, code: errorCode(err) as never, message: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => running.delete(id));
});
port.send({ kind: 'ready', pid: process.pid });
