// `paliscope batch`: documents × a task × a model, headless, kept in a project file. Running the same command again
// with the same project resumes the batch (pages already done are not run again; new files in a folder are added).
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLoader } from '../documents';
import { defaultOcrModelDir } from '../ocr/model-dir';
import { readRecognizerFolder, type CheckedRecognizer } from '../ocr/recognizer-folder';
import { ProgressBar } from '../progress-bar';
import { isEngineError } from '../runtime/errors';
import { Store } from '../store/store';
import { enqueueBatch } from './enqueue';
import { EXIT, isTransient } from './exit-codes';
import { StopSignals } from './stop-signals';
import { readInputList } from './manifest';
import { resolveModel, type ModelRef } from './model-ref';
import { createOcrRunner } from './ocr-runner';
import { PageSource } from './page-source';
import { createPaliGemmaRunner } from './paligemma-runner';
import { BatchQueue, type BatchEvent } from './queue';
import type { Runner } from './runner';
import { chooseShard, pageInShard, projectPathFor, type ShardChoice } from './shard';
import { BATCH_TASKS, BUILTIN_OCR, builtinOcrModelName, isBatchTask, promptProblem, promptText, TASKS, type BatchTaskName as BatchTask } from '../tasks/table';
import { findVae } from '../paligemma/tasks/mask/segment';

export const DEFAULT_PROJECT = 'paliscope.paliscope';

const USAGE = `usage: paliscope batch <files or folders...> | --inputs-from LIST --task TASK --model DIR|NAME|ID [options]

Runs a model on every page of the given documents (folders are searched for PNG, JPEG, WebP, BMP, GIF,
TIFF and PDF files), one page at a time, and keeps every result in a project file. Run the same command
again with the same project to resume after an interruption or a crash.

options:
  --task TASK         one of the tasks below
  --model M           model folder, or the name or id of a model in the app's models folders
  --prompt TEXT       the text after the task's name, or the whole prompt (see below)
  --vae FILE          segment: the mask decoder (vae-oid.npz); default: vae-oid.npz beside the model folder
  --recognizer DIR    ocr-builtin: read with the PP-OCR recognizer in DIR (one .onnx and its .txt dictionary),
                      as the app's Settings choose it; the same documents with another recognizer are another batch
  --project FILE      project file (default ./${DEFAULT_PROJECT}; created if missing)
  --max-new-tokens N  maximum new tokens per page (default 64; 256 for ocr)
  --threads N         intra-op threads (default: physical cores)
  --retry-failed      run again the pages that failed last time
  --inputs-from LIST  the inputs as a file, one path per line (relative to the list's folder; # comments)
  --shard K/N         run only shard K of N (K from 0 to N-1): the pages whose document hash and page index
                      fall in it, the same on every machine; one project file per shard, then paliscope merge
  --shards N          the shard count when the index comes from the scheduler: SLURM_ARRAY_TASK_ID (counted by
                      SLURM_ARRAY_TASK_COUNT when set) or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
                      ({shard} in --project becomes the shard index)
  -v, --verbose       one line per finished page on stderr
  -h, --help          show this help

tasks (the prompt the model reads; --prompt gives what follows the task's name, or the whole prompt):
${BATCH_TASKS.map((t) => `  ${t.padEnd(12)}${t === BUILTIN_OCR.task ? `${BUILTIN_OCR.modelName}: Paliscope's own OCR, no --model` : `${TASKS[t].label}: ${TASKS[t].prefix ? `"${t} …", --prompt ${TASKS[t].needsText ? '' : 'optional, '}${TASKS[t].placeholder}` : `--prompt ${TASKS[t].placeholder}`}`}`).join('\n')}

Unreadable inputs are reported by name and skipped; failed pages are kept with their reason.
Exit code: 0 all pages done, 1 some input or page failed, 2 bad arguments, 75 transient failure (storage busy or
failing, or stopped by SIGTERM: run it again, or let the scheduler requeue it), 130 interrupted (resumable).
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface BatchCliDeps {
  /** Tests inject a runner; by default the CLI creates one in-process for the task. */
  createRunner?: (task: BatchTask, model: ModelRef | null, opts: RunnerOptions) => Promise<Runner & { dispose?(): Promise<void> }>;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface RunnerOptions { pages: PageSource; threads?: number; vaePath?: string | null; recognizer?: CheckedRecognizer | null }

async function defaultRunner(task: BatchTask, model: ModelRef | null, opts: RunnerOptions): Promise<Runner & { dispose(): Promise<void> }> {
  if (task === BUILTIN_OCR.task) {
    const r = await createOcrRunner({
      pages: opts.pages, threads: opts.threads ?? 2, modelDir: defaultOcrModelDir({ env: process.env }),
      ...(opts.recognizer ? { recognizer: opts.recognizer } : {}),
    });
    return Object.assign(r, { dispose: () => r.engine.dispose() });
  }
  const r = await createPaliGemmaRunner({ modelDir: model!.dir, pages: opts.pages, prefs: { threads: opts.threads }, vaePath: opts.vaePath ?? null });
  return Object.assign(r, { dispose: () => r.engine.dispose() });
}

export async function run(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }, deps: BatchCliDeps = {}, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        task: { type: 'string' }, model: { type: 'string' }, prompt: { type: 'string' }, project: { type: 'string' }, vae: { type: 'string' },
        recognizer: { type: 'string' },
        'max-new-tokens': { type: 'string' }, threads: { type: 'string' }, 'retry-failed': { type: 'boolean' },
        'inputs-from': { type: 'string' }, shard: { type: 'string' }, shards: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`paliscope batch: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: a, positionals } = args;
  if (a.help) { io.stdout.write(USAGE); return 0; }
  const usageError = (m: string) => { io.stderr.write(`paliscope batch: ${m}\n\n${USAGE}`); return EXIT.usage; };
  const inputs = [...positionals];
  if (a['inputs-from'] !== undefined) {
    try {
      inputs.push(...await readInputList(a['inputs-from']));
    } catch (e) {
      return usageError((e as Error).message);
    }
  }
  if (!inputs.length) return usageError('no input files or folders');
  if (!a.task) return usageError('--task is required');
  if (!isBatchTask(a.task)) return usageError(`--task ${a.task}: expected one of ${BATCH_TASKS.join(', ')}`);
  const task = a.task;
  let prompt = '', model: ModelRef | null = null, maxNewTokens: number, threads: number | undefined, vaePath: string | null = null;
  let recognizer: CheckedRecognizer | null = null;
  try {
    if (task !== BUILTIN_OCR.task) {
      const problem = promptProblem(task, a.prompt ?? '');
      if (problem) throw new Error(`--task ${task}: ${problem} (--prompt)`);
      prompt = promptText(task, a.prompt ?? '');
      if (!a.model) throw new Error('--model is required');
      model = resolveModel(a.model);
      // The app keeps the mask decoder in the models folder, next to the model folders.
      if (task === 'segment') vaePath = a.vae ? resolve(a.vae) : findVae(dirname(model.dir));
    } else if (a.prompt) {
      throw new Error(`--task ${task} takes no --prompt`);
    }
    if (a.vae && task !== 'segment') throw new Error('--vae is for --task segment');
    if (a.recognizer !== undefined && task !== BUILTIN_OCR.task) throw new Error(`--recognizer is for --task ${BUILTIN_OCR.task}`);
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
  const recognizerDir = a.recognizer === undefined ? null : resolve(a.recognizer);
  if (recognizerDir) {
    // Checked before anything is queued: a folder that fails names the file and the reason, and nothing is started.
    try {
      recognizer = await readRecognizerFolder(recognizerDir);
    } catch (e) {
      io.stderr.write(`paliscope batch: --recognizer: ${(e as Error).message}\n`);
      return EXIT.failed;
    }
  }
  let sharding: ShardChoice, projectPath: string;
  try {
    sharding = chooseShard({ shard: a.shard, shards: a.shards }, env);
    projectPath = resolve(projectPathFor(a.project ?? DEFAULT_PROJECT, sharding.shard));
  } catch (e) {
    return usageError((e as Error).message);
  }
  const shard = sharding.shard;
  if (shard) io.stderr.write(`paliscope batch: shard ${shard.index}/${shard.count} ${sharding.reason}\n`);
  const modelRef = model ?? { id: BUILTIN_OCR.modelId, name: builtinOcrModelName(recognizerDir), dir: '' };
  // The same parameters as the app's built-in OCR batch, so a project made here resumes there and the other way round.
  const parameters = task === BUILTIN_OCR.task ? (recognizerDir ? { recognizer: recognizerDir } : {}) : { maxNewTokens };

  let store: Store | undefined;
  let runner: (Runner & { dispose?(): Promise<void> }) | undefined;
  const pages = new PageSource();
  let queue: BatchQueue | undefined;
  const stop = new StopSignals(() => queue?.pause({ abandonCurrent: true }));
  const bar = new ProgressBar(io.stderr, 'batch');
  let failures = 0;
  try {
    store = Store.open(projectPath);
    const keepPage = shard ? (sha256: string, page: number) => pageInShard(shard, sha256, page) : undefined;
    const enq = await enqueueBatch(store, { inputs, task, prompt, modelId: modelRef.id, modelName: modelRef.name, parameters }, (p) => pages.inspect(p), { keepPage });
    for (const p of enq.problems) io.stderr.write(`paliscope batch: ${p.path}: ${p.reason}\n`);
    failures += enq.problems.length;
    const batchId = enq.batch.id;
    if (a['retry-failed']) store.retryItems(batchId, ['failed']);
    const before = store.batchCounts(batchId);
    if (!before.total) {
      if (shard && !enq.problems.length) {
        // A small batch split many ways can leave a shard empty: that shard is done.
        io.stdout.write(`batch ${batchId}: no pages fall in shard ${shard.index}/${shard.count} → ${projectPath}\n`);
        return EXIT.ok;
      }
      io.stderr.write('paliscope batch: nothing to run (no readable documents)\n');
      return EXIT.failed;
    }
    const pending = before.queued + before.running + before.cancelled;
    io.stderr.write(`paliscope batch: ${enq.resumed ? 'resuming' : 'starting'} batch ${batchId} in ${projectPath}: ${before.total} pages, ${pending} to run` +
      `${enq.added && enq.resumed ? ` (${enq.added} new)` : ''}\n`);
    if (stop.received) {
      io.stderr.write(stop.message('batch'));
      return stop.exitCode;
    }
    if (pending) runner = await (deps.createRunner ?? defaultRunner)(task, model, { pages, threads, vaePath, recognizer });
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
    // A signal while the model loaded has no queue to pause yet: then nothing more runs.
    const counts = pending && !stop.received ? await queue.run() : store.batchCounts(batchId);
    bar.clear();
    for (const item of store.batchItems(batchId)) {
      if (item.status === 'failed') io.stderr.write(`paliscope batch: ${item.documentPath} page ${item.page + 1}: ${item.error}\n`);
    }
    failures += counts.failed;
    io.stdout.write(`batch ${batchId}: ${counts.done} of ${counts.total} pages done, ${counts.failed} failed` +
      `${counts.queued ? `, ${counts.queued} left` : ''} in ${formatDuration(performance.now() - t0)} → ${projectPath}\n`);
    if (stop.received) {
      io.stderr.write(stop.message('batch'));
      return stop.exitCode;
    }
    return failures ? EXIT.failed : EXIT.ok;
  } catch (e) {
    bar.clear();
    const code = isEngineError(e) ? ` [${e.code}]` : '';
    const transient = isTransient(e);
    io.stderr.write(`paliscope batch${code}: ${(e as Error).message}${transient ? ' (transient: exit 75, run it again)' : ''}\n`);
    return transient ? EXIT.transient : EXIT.failed;
  } finally {
    stop.dispose();
    await pages.close();
    await runner?.dispose?.().catch(() => undefined);
    store?.close();
    await defaultLoader().dispose();
  }
}
