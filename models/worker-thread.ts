// Starting a worker thread from the engine's own modules, the same way from a build and from source: a build emits the
// worker as a sibling `.js` entry (electron.vite.config.ts), tests and tsx run the `.ts` beside its client, which Node
// cannot execute by itself, so it is booted through tsx (a dev dependency, present whenever sources run).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The worker script `name` (without extension) next to the module at `base` (its import.meta.url): built, or source. */
export function siblingWorkerUrl(base: string, name: string): URL | null {
  for (const file of [`./${name}.js`, `./${name}.mjs`, `./${name}.ts`]) {
    const url = new URL(file, base);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** Path of tsx's ESM API. require.resolve would pick the CommonJS build, whose dynamic import of the ESM half fails
 *  from an eval'd worker, so the "import" condition is read from tsx's package.json exports instead. */
function resolveTsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports?.['./esm/api']?.import?.default;
  if (!rel) throw new Error(`tsx at ${pkgPath} has no ESM API export`);
  return join(dirname(pkgPath), rel);
}

/** A worker running the script at `url` (a `.ts` one through tsx). */
export function startWorker(url: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsxApi = pathToFileURL(resolveTsxEsmApi()).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}))`;
  return new Worker(boot, { ...options, eval: true });
}
