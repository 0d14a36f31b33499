// The engine host: a separate process (Electron utilityProcess, or a Node child process for the
// headless host) that owns the onnxruntime sessions. onnxruntime-node's session.run() holds its
// thread for the whole forward pass, so it must never run on Electron's main thread.
import { EngineRequest, engineProtocol, isEngineMethod, protocolProblem, type EngineMethod, type EngineParams, type EngineReply, type EngineResult, type RunOutcomeMessage } from './protocol';
import type { OcrEngine } from '../../models/ocr/types';
import type { PaliGemmaEngine } from '../../models/paligemma/engine';
import type { EnginePrefs } from './protocol';

interface Port {
  send(message: EngineReply): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Electron's utilityProcess gives `process.parentPort`; a Node child process gives `process.send`. */
function connectToParent(): Port {
  const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (e: { data: unknown }) => void): void } }).parentPort;
  if (parentPort) {
    return {
      send: (m) => parentPort.postMessage(m),
      onMessage: (l) => parentPort.on('message', (e) => l(e.data)),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    return { send: (m) => void send(m), onMessage: (l) => process.on('message', (m) => l(m)) };
  }
  throw new Error('engine host: started without a parent to talk to (no parentPort, no IPC channel)');
}

class CancelledError extends Error {
  readonly code = 'CANCELLED';
}

const started = performance.now();
const running = new Map<number, AbortController>();
let ocr: { threads: number | undefined; recognizer: string | null; engine: Promise<OcrEngine> } | null = null;
let ocrBusy = 0;
const ocrIdle: Array<() => void> = [];

/** Threads asked for: the Settings value sent with the request, else PALISCOPE_THREADS, else the engine's default. */
function threadsFor(prefs: EnginePrefs | undefined): number | undefined {
  return prefs?.threads ?? (process.env.PALISCOPE_THREADS ? Number(process.env.PALISCOPE_THREADS) : undefined);
}

/** The engine options for a recognizer folder the person chose: its files are read and checked here, once per load. */
async function recognizerOption(dir: string | null): Promise<{ recognizer?: import('../../models/ocr/recognizer-folder').CheckedRecognizer }> {
  if (dir === null) return {};
  const { readRecognizerFolder } = await import('../../models/ocr/recognizer-folder');
  return { recognizer: await readRecognizerFolder(dir) };
}

function ocrEngine(prefs: Pick<EnginePrefs, 'threads'> | undefined, recognizer: string | null = null): Promise<OcrEngine> {
  // Sessions are created once, on first use, and reused for every page — until the threads or the recognizer setting changes.
  const threads = threadsFor(prefs);
  if (ocr && (ocr.threads !== threads || ocr.recognizer !== recognizer)) {
    // Released once the pages still being read on it are done.
    const previous = ocr.engine;
    const release = (): void => void previous.then((e) => e.dispose(), () => undefined);
    ocr = null;
    if (ocrBusy === 0) release();
    else ocrIdle.push(release);
  }
  if (ocr) return ocr.engine;
  const engine = Promise.all([import('../../models/ocr'), recognizerOption(recognizer)]).then(([m, chosen]) =>
    m.createOcrEngine({
      ...(process.env.PALISCOPE_OCR_MODELS ? { modelDir: process.env.PALISCOPE_OCR_MODELS } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...chosen,
      // A slower fallback (lines read on one thread when the worker threads cannot start) goes to the host's log.
      logger: { warn: (m: string) => console.warn(`[engine host] ${m}`) },
    }),
  );
  const slot = { threads, recognizer, engine };
  ocr = slot;
  // A recognizer that failed to load is tried afresh next time (the person may have fixed the folder).
  engine.catch(() => {
    if (ocr === slot) ocr = null;
  });
  return engine;
}

/** Settles with `p`, or rejects as cancelled as soon as `signal` fires (`p` carries on regardless). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError(`${what} cancelled`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CancelledError(`${what} cancelled`));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

// One PaliGemma model is kept loaded (its sessions are the expensive part); asking for another folder
// releases it first, since two models' weights may not fit in memory together. Generations run one at
// a time through `paligemmaQueue`, so a model is never released under a running generation.
let paligemma: { key: string; engine: Promise<PaliGemmaEngine> } | null = null;
let paligemmaQueue: Promise<unknown> = Promise.resolve();

/** The engine preferences for a folder: a preferred dtype applies only to the parts that have a file of it. */
async function planPrefs(modelDir: string, prefs: EnginePrefs | undefined): Promise<import('../../models/runtime/plan').EnginePrefs> {
  const threads = threadsFor(prefs);
  let dtype: Record<string, string> | undefined;
  if (prefs?.dtype) {
    const { scanModelDir } = await import('../../models/paligemma/layout');
    const variants = scanModelDir(modelDir).variants;
    dtype = Object.fromEntries(Object.entries(variants).filter(([, v]) => v.some((x) => x.dtype === prefs.dtype)).map(([name]) => [name, prefs.dtype!]));
  }
  return {
    ...(threads !== undefined ? { threads } : {}),
    ...(prefs?.providers ? { providers: prefs.providers } : {}),
    ...(dtype && Object.keys(dtype).length > 0 ? { dtype: dtype as never } : {}),
  };
}

async function paligemmaFor(modelDir: string, prefs: EnginePrefs | undefined): Promise<{ engine: Promise<PaliGemmaEngine>; loading: boolean }> {
  // A model is reloaded when its folder or the person's engine settings changed since it was loaded.
  const key = JSON.stringify([modelDir, prefs ?? {}, process.env.PALISCOPE_THREADS ?? '']);
  if (paligemma && paligemma.key !== key) {
    const previous = paligemma.engine;
    paligemma = null;
    await previous.then((e) => e.dispose(), () => undefined);
  }
  if (paligemma) return { engine: paligemma.engine, loading: false };
  const engine = Promise.all([import('../../models/paligemma/engine'), planPrefs(modelDir, prefs)]).then(([m, planned]) =>
    m.createPaliGemma({
      modelDir,
      prefs: planned,
      ...(prefs?.imageCacheBytes !== undefined ? { imageCacheBytes: prefs.imageCacheBytes } : {}),
      logger: { info: (m) => console.log(`[engine host] ${m}`), warn: (m) => console.warn(`[engine host] ${m}`) },
    }),
  );
  const slot = { key, engine };
  paligemma = slot;
  // A folder that failed to load is tried afresh next time (the person may have fixed it).
  engine.catch(() => {
    if (paligemma === slot) paligemma = null;
  });
  return { engine, loading: true };
}

/**
 * One page through the run pipeline (models/runs/pipeline.ts) on the model kept loaded for `modelDir`. Never throws: a
 * model that does not load, or a run cancelled before it started, is a run record with its status and reason.
 */
async function runNow(p: EngineParams<'runs.run'>, signal: AbortSignal, progress: (p: unknown) => void): Promise<RunOutcomeMessage> {
  const { runPage, unfinishedRun } = await import('../../models/runs/pipeline');
  if (signal.aborted) return unfinishedRun({ code: 'CANCELLED', message: 'the run was cancelled before it started' });
  const t0 = performance.now();
  let engine: PaliGemmaEngine;
  let modelLoaded = false;
  try {
    const slot = await paligemmaFor(p.modelDir, p.prefs);
    modelLoaded = slot.loading;
    if (modelLoaded) progress({ type: 'stage', stage: 'load' });
    engine = await untilAborted(slot.engine, signal, 'loading the model');
  } catch (err) {
    return unfinishedRun({ code: errorCode(err), message: err instanceof Error ? err.message : String(err) });
  }
  const { modelDir: _dir, prefs: _prefs, ...run } = p;
  const outcome = await runPage(engine, run, { signal, onProgress: progress, load: { ms: performance.now() - t0, loaded: modelLoaded } });
  return { ...outcome, threads: engine.plan.threads.intraOp };
}

type Impl = { [M in EngineMethod]: (params: EngineParams<M>, signal: AbortSignal, progress: (p: unknown) => void) => Promise<EngineResult<M>> };

const methods: Impl = {
  async ping() {
    return { pid: process.pid, uptimeMs: performance.now() - started, rssBytes: process.memoryUsage.rss() };
  },
  async 'ocr.recognize'({ image, prefs, recognizer }, signal, progress) {
    ocrBusy++;
    try {
      let engine: OcrEngine;
      let recognizerProblem: string | undefined;
      try {
        engine = await ocrEngine(prefs, recognizer ?? null);
      } catch (err) {
        if (!recognizer) throw err;
        // The chosen folder no longer passes its checks: the page is still read, with the built-in recognizer.
        recognizerProblem = err instanceof Error ? err.message : String(err);
        console.warn(`[engine host] OCR recognizer ${recognizer} not used: ${recognizerProblem}`);
        engine = await ocrEngine(prefs, null);
      }
      if (signal.aborted) throw new CancelledError('cancelled');
      const page = await engine.recognize(image, { signal, onProgress: progress });
      return recognizerProblem === undefined ? page : { ...page, recognizerProblem };
    } finally {
      if (--ocrBusy === 0) for (const release of ocrIdle.splice(0)) release();
    }
  },
  async 'checkpoint.convert'({ checkpointDir, outDir, dtype, graphs }, signal, progress) {
    const { convertCheckpoint } = await import('../../models/onnx/convert/convert');
    const result = await convertCheckpoint({ checkpointDir, outDir, dtype, layout: 'paliscope', graphs, signal, onProgress: progress });
    return { files: result.files };
  },
  async 'ocr.checkRecognizer'({ dir }) {
    const [{ readRecognizerFolder, RecognizerFolderError }, { createOcrEngine }] = await Promise.all([import('../../models/ocr/recognizer-folder'), import('../../models/ocr')]);
    try {
      const checked = await readRecognizerFolder(dir);
      // The engine's own start-up check: the model loads and its class count matches the dictionary.
      const engine = await createOcrEngine({ ...(process.env.PALISCOPE_OCR_MODELS ? { modelDir: process.env.PALISCOPE_OCR_MODELS } : {}), threads: 1, recognizer: checked });
      await engine.dispose();
      return { model: checked.model, dictionary: checked.dictionary, entries: checked.entries };
    } catch (err) {
      if (err instanceof RecognizerFolderError) throw err;
      throw Object.assign(new Error(err instanceof Error ? err.message : String(err)), { code: 'CORRUPT_FILE' });
    }
  },
  async 'models.validate'({ dir }) {
    const { validateModelFolder } = await import('../../models/hub/local-import');
    return validateModelFolder(dir);
  },
  async 'tasks.export'({ parsed, from, format }) {
    const { exportParsed } = await import('../files/run-export');
    return exportParsed(parsed, from, format);
  },
  async 'tasks.analyze'({ task, raw, options }) {
    const { analyzeOutput } = await import('../../models/paligemma/tasks/analyze');
    return analyzeOutput(task, raw, options);
  },
  async 'mask.importDecoder'({ name, bytes, modelsDir }) {
    const { importVaeBytes } = await import('../../models/paligemma/tasks/mask/segment');
    try {
      return { location: importVaeBytes(bytes, name, modelsDir) };
    } catch (e) {
      throw Object.assign(new Error((e as Error).message), { code: 'CORRUPT_FILE' });
    }
  },
  async 'runs.analyze'(input) {
    const { analyzeRun } = await import('../../models/runs/analyze');
    return (await analyzeRun(input)) ?? null;
  },
  async 'runs.run'(params, signal, progress) {
    // Runs one at a time, so a model is never released under a running generation.
    const run = paligemmaQueue.then(() => runNow(params, signal, progress));
    paligemmaQueue = run.catch(() => undefined);
    return run;
  },
};

function errorCode(err: unknown): string {
  if (err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError')) return 'CANCELLED';
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'INTERNAL';
}

const port = connectToParent();
port.onMessage((raw) => {
  const parsed = EngineRequest.safeParse(raw);
  if (!parsed.success) return console.warn(`[engine host] a message from main does not fit the protocol: ${parsed.error.issues[0]?.message ?? ''}`);
  const message = parsed.data;
  if (message.kind === 'cancel') return running.get(message.id)?.abort();
  const { id, method } = message;
  if (!isEngineMethod(method)) return port.send({ kind: 'error', id, code: 'NOT_FOUND', message: `engine host: no method "${method}"` });
  // Nothing runs on params the protocol does not have.
  const params = engineProtocol[method].params.safeParse(message.params);
  if (!params.success) return port.send({ kind: 'error', id, code: 'BAD_INPUT', message: protocolProblem(method, 'params', params.error) });
  const impl = methods[method] as (p: unknown, s: AbortSignal, pr: (p: unknown) => void) => Promise<unknown>;
  const controller = new AbortController();
  running.set(id, controller);
  impl(params.data, controller.signal, (progress) => port.send({ kind: 'progress', id, progress }))
    .then(
      (value) => port.send({ kind: 'result', id, value }),
      (err: unknown) =>
        port.send({ kind: 'error', id, code: errorCode(err) as never, message: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => running.delete(id));
});
port.send({ kind: 'ready', pid: process.pid });
