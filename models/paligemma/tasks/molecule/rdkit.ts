// Lazy, once-per-process loading of RDKit's MinimalLib (the official WebAssembly build, npm `@rdkit/rdkit`) in Node.
//
// The package is a CommonJS/UMD Emscripten module. We load it with a `require` made from this module's own URL rather
// than a static import, for two reasons:
//  - after `npm run build`, electron-vite bundles main (and the CLI) into out/main/*.js with node_modules left external;
//    `createRequire(import.meta.url)` then resolves `@rdkit/rdkit` from out/main/ up to the project's node_modules,
//    exactly as it does from this source file under tsx/vitest;
//  - we read the .wasm ourselves (resolved through the package's own `exports` entry) and instantiate it, so nothing
//    depends on Emscripten guessing its script directory (`__dirname`), which a bundler or an asar archive can change.
//
// One instance serves the whole process. It is created on first use (≈ 0.4 s on this machine, see README.md) and kept.
// A WebAssembly trap (RDKit recursing past its fixed stack on a very long chain, say) can leave the instance's heap
// inconsistent, so callers that catch one call `discardRdkit()` and the next `loadRdkit()` starts a fresh instance.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Log, MainModule } from '@rdkit/rdkit';

export type RDKitModule = MainModule;
export type { Log as RDKitLog, Mol as RDKitMol } from '@rdkit/rdkit';

export interface RdkitInstance {
  rdkit: RDKitModule;
  /** RDKit's log (errors and warnings of every `rdApp.*` channel) captured in memory instead of printed to stderr. */
  log: Log;
  /** RDKit's own version string, e.g. "2026.09.1". */
  version: string;
  /** Milliseconds the load took (read + compile + initialise). */
  loadMs: number;
  /**
   * Current size of RDKit's WebAssembly heap in bytes. It only ever grows, so a leak of molecules (a missing
   * `mol.delete()`) shows up here directly; tests watch it.
   */
  heapBytes(): number;
}

type Factory = (options?: {
  instantiateWasm?: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void) => void;
  print?: (s: string) => void;
  printErr?: (s: string) => void;
}) => Promise<MainModule>;

const requireHere = createRequire(import.meta.url);

let pending: Promise<RdkitInstance> | null = null;
let loads = 0;

/** Absolute path of RDKit_minimal.wasm inside the installed package. */
export function rdkitWasmPath(): string {
  return requireHere.resolve('@rdkit/rdkit/RDKit_minimal.wasm');
}

async function instantiate(): Promise<RdkitInstance> {
  const started = performance.now();
  const wasmPath = rdkitWasmPath();
  let wasmBinary: Uint8Array<ArrayBuffer>;
  try {
    wasmBinary = new Uint8Array(readFileSync(wasmPath));
  } catch (err) {
    throw new Error(`RDKit could not be loaded: cannot read ${wasmPath}: ${(err as Error).message}`);
  }
  const mod = requireHere('@rdkit/rdkit') as Factory | { default: Factory };
  const factory: Factory = typeof mod === 'function' ? mod : mod.default;
  // We instantiate the module ourselves (Emscripten's `instantiateWasm` hook) to keep a handle on its memory. Emscripten
  // waits for `receive`, so a compile failure must reject on its own or the load would hang.
  let memory: WebAssembly.Memory | null = null;
  let failCompile: (err: unknown) => void = () => {};
  const compileFailed = new Promise<never>((_resolve, reject) => {
    failCompile = reject;
  });
  const rdkit = await Promise.race([
    factory({
      instantiateWasm: (imports, receive) => {
        WebAssembly.instantiate(wasmBinary, imports).then(({ instance }) => {
          memory = Object.values(instance.exports).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory) ?? null;
          receive(instance);
        }, (err: unknown) => failCompile(new Error(`RDKit could not be loaded: ${wasmPath} did not compile: ${(err as Error)?.message ?? String(err)}`)));
      },
      // Emscripten's default print/printErr write to the console; RDKit's log goes to the capture below, and anything
      // else it prints would be noise in the CLI's JSON on stdout, so it is dropped.
      print: () => {},
      printErr: () => {},
    }),
    compileFailed,
  ]);
  const log = rdkit.set_log_capture('rdApp.*');
  if (!log) throw new Error('RDKit could not be loaded: its log capture (set_log_capture) is unavailable');
  loads += 1;
  const heap = memory as WebAssembly.Memory | null;
  return { rdkit, log, version: rdkit.version(), loadMs: performance.now() - started, heapBytes: () => heap?.buffer.byteLength ?? 0 };
}

/** The process's RDKit instance, created on the first call; concurrent first calls share one load. */
export function loadRdkit(): Promise<RdkitInstance> {
  if (!pending) {
    pending = instantiate();
    // A failed load is not cached: the next call tries again (and reports the same reason if it persists).
    pending.catch(() => {
      pending = null;
    });
  }
  return pending;
}

/** Forget the current instance (after a WebAssembly trap); the next `loadRdkit()` creates a new one. */
export function discardRdkit(): void {
  pending = null;
}

/** How many instances this process has created (1 in normal operation; tests use it to see a discard happen). */
export function rdkitLoadCount(): number {
  return loads;
}
