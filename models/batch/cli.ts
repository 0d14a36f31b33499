// `paliscope batch`: documents × a task × a model, headless, kept in a project file. Running the same command again
// with the same project resumes the batch (pages already done are not run again; new files in a folder are added).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLoader } from '../documents';
import { defaultOcrModelDir } from '../ocr/model-dir';
import { ProgressBar } from '../progress-bar';
import { isEngineError } from '../runtime/errors';
import { Store } from '../store/store';
import { enqueueBatch } from './enqueue';
import { resolveModel, type ModelRef } from './model-ref';
import { createOcrRunner } from './ocr-runner';
import { PageSource } from './page-source';
import { createPaliGemmaRunner } from './paligemma-runner';
import { BatchQueue, type BatchEvent } from './queue';
import type { Runner } from './runner';
import { BATCH_TASKS, isBatchTask, promptFor, type BatchTask } from './tasks';

export const DEFAULT_PROJECT = 'paliscope.paliscope';

const USAGE = `usage: paliscope batch <files or folders...> --task TASK --model DIR|NAME|ID [options]

Runs a model on every page of the given documents (folders are searched for PNG, JPEG, WebP, BMP, GIF,
TIFF and PDF files), one page at a time, and keeps every result in a project file. Run the same command
again with the same project to resume after an interruption or a crash.

options:
  --task TASK         ${BATCH_TASKS.join(', ')} (ocr-builtin: Paliscope's own OCR, no --model)
  --model M           model folder, or the name or id of a model in the app's models folders
  --prompt TEXT       detect/segment: what to find ("cat ; dog"); answer: the question; caption: the language
  --project FILE      project file (default ./${DEFAULT_PROJECT}; created if missing)
  --max-new-tokens N  maximum new tokens per page (default 64; 256 for ocr)
  --threads N         intra-op threads (default: physical cores)
  --retry-failed      run again the pages that failed last time
  -v, --verbose       one line per finished page on stderr
  -h, --help          show this help

Unreadable inputs are reported by name and skipped; failed pages are kept with their reason.
Exit code: 0 all pages done, 1 some input or page failed, 2 bad arguments, 130 interrupted (resumable).
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface BatchCliDeps {
  /** Tests inject a runner; by default the CLI creates one in-process for the task. */
  createRunner?: (task: BatchTask, model: ModelRef | null, opts: { pages: PageSource; threads?: number }) => Promise<Runner & { dispose?(): Promise<void> }>;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

async function defaultRunner(task: BatchTask, model: ModelRef | null, opts: { pages: PageSource; threads?: number }): Promise<Runner & { dispose(): Promise<void> }> {
  if (task === 'ocr-builtin') {
    const r = await createOcrRunner({ pages: opts.pages, threads: opts.threads ?? 2, modelDir: defaultOcrModelDir({ env: process.env }) });
    return Object.assign(r, { dispose: () => r.engine.dispose() });
  }
  const r = await createPaliGemmaRunner({ modelDir: model!.dir, pages: opts.pages, prefs: { threads: opts.threads } });
  return Object.assign(r, { dispose: () => r.engine.dispose() });
}

export async function run(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }, deps: BatchCliDeps = {}): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        task: { type: 'string' }, model: { type: 'string' }, prompt: { type: 'string' }, project: { type: 'string' },
        'max-new-tokens': { type: 'string' }, threads: { type: 'string' }, 'retry-failed': { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`paliscope batch: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: a, positionals: inputs } = args;
  if (a.help) { io.stdout.write(USAGE); return 0; }
  const usageError = (m: string) => { io.stderr.write(`paliscope batch: ${m}\n\n${USAGE}`); return 2; };
  if (!inputs.length) return usageError('no input files or folders');
  if (!a.task) return usageError('--task is required');
  if (!isBatchTask(a.task)) return usageError(`--task ${a.task}: expected one of ${BATCH_TASKS.join(', ')}`);
  const task = a.task;
  let prompt: string, model: ModelRef | null = null, maxNewTokens: number, threads: number | undefined;
  try {
    prompt = promptFor(task, a.prompt);
    if (task !== 'ocr-builtin') {
      if (!a.model) throw new Error('--model is required');
      model = resolveModel(a.model);
    }
    const int = (v: string | undefined, name: string, dflt: number | undefined) => {
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${v}: expected a positive integer`);
      return n;
    };
    maxNewTokens = int(a['max-new-tokens'], 'max-new-tokens', task === 'ocr' ? 256 : 64)!;
    threads = int(a.threads, 'threads', undefined);
  } catch (e) {
    return usageError((e as Error).message);
  }
  const projectPath = resolve(a.project ?? DEFAULT_PROJECT);
  const modelRef = model ?? { id: 'builtin-ppocr', name: 'PP-OCRv4 (built-in)', dir: '' };
  const parameters = task === 'ocr-builtin' ? {} : { maxNewTokens };

  let store: Store | undefined;
  let runner: (Runner & { dispose?(): Promise<void> }) | undefined;
  const pages = new PageSource();
  let queue: BatchQueue | undefined;
  let interrupted = false;
  const onSigint = () => { interrupted = true; queue?.pause({ abandonCurrent: true }); };
  process.on('SIGINT', onSigint);
  const bar = new ProgressBar(io.stderr, 'batch');
  let failures = 0;
  try {
    store = Store.open(projectPath);
    const enq = await enqueueBatch(store, { inputs, task, prompt, modelId: modelRef.id, modelName: modelRef.name, parameters }, (p) => pages.inspect(p));
    for (const p of enq.problems) io.stderr.write(`paliscope batch: ${p.path}: ${p.reason}\n`);
    failures += enq.problems.length;
    const batchId = enq.batch.id;
    if (a['retry-failed']) store.retryItems(batchId, ['failed']);
    const before = store.batchCounts(batchId);
    if (!before.total) {
      io.stderr.write('paliscope batch: nothing to run (no readable documents)\n');
      return 1;
    }
    const pending = before.queued + before.running + before.cancelled;
    io.stderr.write(`paliscope batch: ${enq.resumed ? 'resuming' : 'starting'} batch ${batchId} in ${projectPath}: ${before.total} pages, ${pending} to run` +
      `${enq.added && enq.resumed ? ` (${enq.added} new)` : ''}\n`);
    if (interrupted) return 130;
    if (pending) runner = await (deps.createRunner ?? defaultRunner)(task, model, { pages, threads });
    const t0 = performance.now();
    // The bar names the page on the model; it is redrawn when a page starts and when one is kept.
    let current = '';
    let last: Extract<BatchEvent, { type: 'progress' }> | undefined;
    const draw = () => {
      if (!last) return;
      const eta = last.etaMs !== null && last.counts.queued ? ` · ETA ${formatDuration(last.etaMs)}` : '';
      bar.update(last.finished, last.counts.total, `${last.finished}/${last.counts.total} pages${eta}${current ? ` · ${current}` : ''}`);
    };
    const onEvent = (e: BatchEvent) => {
      if (e.type === 'start') {
        current = `${e.item.documentPath.split(/[\\/]/).pop()} p${e.item.page + 1}`;
        draw();
      } else if (e.type === 'item') {
        current = '';
        if (a.verbose) {
          bar.clear();
          const status = e.item.status === 'done' ? 'done' : `failed: ${e.item.error}`;
          io.stderr.write(`${e.item.documentPath} page ${e.item.page + 1}: ${status}\n`);
        }
      } else if (e.type === 'progress') {
        last = e;
        draw();
      }
    };
    queue = new BatchQueue(store, batchId, runner ?? { runPage: () => Promise.reject(new Error('no runner')) }, { onEvent });
    const counts = pending ? await queue.run() : store.batchCounts(batchId);
    bar.clear();
    for (const item of store.batchItems(batchId)) {
      if (item.status === 'failed') io.stderr.write(`paliscope batch: ${item.documentPath} page ${item.page + 1}: ${item.error}\n`);
    }
    failures += counts.failed;
    io.stdout.write(`batch ${batchId}: ${counts.done} of ${counts.total} pages done, ${counts.failed} failed` +
      `${counts.queued ? `, ${counts.queued} left` : ''} in ${formatDuration(performance.now() - t0)} → ${projectPath}\n`);
    if (interrupted) {
      io.stderr.write(`paliscope batch: interrupted; run the same command again to resume\n`);
      return 130;
    }
    return failures ? 1 : 0;
  } catch (e) {
    bar.clear();
    const code = isEngineError(e) ? ` [${e.code}]` : '';
    io.stderr.write(`paliscope batch${code}: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await pages.close();
    await runner?.dispose?.().catch(() => undefined);
    store?.close();
    await defaultLoader().dispose();
  }
}
