// One Verovio toolkit per process, built on first use (the Humdrum-enabled WebAssembly module is 12 MB of JavaScript
// and takes about half a second to instantiate, so nothing loads it until a music result needs it).
//
// `verovio/wasm-hum` is the build with the Humdrum (**kern) importer; `verovio/esm` is the toolkit class that wraps
// either module. Verovio's Humdrum reader reports problems only by writing to the module's stdout / stderr, which this
// build binds to console.log / console.error when the module is created (it ignores the usual Emscripten
// `print` / `printErr` overrides). So while the module is being created we install forwarding functions in their place;
// the module binds those, and `captureVerovioOutput` can then collect what a call prints instead of letting it reach the
// process's stderr. Outside a capture the functions forward to the real console unchanged.

import createVerovioModule from 'verovio/wasm-hum';
import { VerovioToolkit } from 'verovio/esm';

let sink: string[] | null = null;
let toolkitPromise: Promise<VerovioToolkit> | null = null;
let moduleInstance: unknown = null;
let loadMs = 0;

export async function getVerovio(): Promise<VerovioToolkit> {
  toolkitPromise ??= createToolkit();
  try {
    return await toolkitPromise;
  } catch (error) {
    toolkitPromise = null; // let a later call retry
    throw error;
  }
}

/** Milliseconds the first load took (0 before it). */
export function verovioLoadMs(): number {
  return loadMs;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs fn with the shared toolkit, one caller at a time. The toolkit holds one loaded score, and loading, rendering and
 * exporting are separate calls: without the queue, a second analysis starting while the first awaited would swap the
 * score under it.
 */
export function withVerovio<T>(fn: (toolkit: VerovioToolkit) => T | Promise<T>): Promise<T> {
  const run = queue.then(async () => fn(await getVerovio()));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Replaces the shared toolkit with a fresh one on the already-loaded module. A Humdrum import that aborts with a
 * WebAssembly exception can leave the toolkit's document half-built, so callers replace it after one.
 */
export function resetVerovio(): void {
  if (moduleInstance === null) return;
  const fresh = new VerovioToolkit(moduleInstance as ConstructorParameters<typeof VerovioToolkit>[0]);
  toolkitPromise = Promise.resolve(fresh);
}

/**
 * Runs fn, collecting into `lines` what Verovio prints meanwhile (it does not reach the console). The lines are there
 * also when fn throws, which is when they matter most.
 */
export function captureVerovioOutput<T>(fn: () => T, lines: string[]): T {
  const previous = sink;
  sink = lines;
  try {
    return fn();
  } finally {
    sink = previous;
  }
}

async function createToolkit(): Promise<VerovioToolkit> {
  const started = performance.now();
  const realLog = console.log;
  const realError = console.error;
  const forward =
    (real: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      if (sink) sink.push(args.map(String).join(' '));
      else real.apply(console, args);
    };
  console.log = forward(realLog);
  console.error = forward(realError);
  try {
    moduleInstance = await createVerovioModule();
  } finally {
    console.log = realLog;
    console.error = realError;
  }
  const toolkit = new VerovioToolkit(moduleInstance as ConstructorParameters<typeof VerovioToolkit>[0]);
  loadMs = performance.now() - started;
  return toolkit;
}
