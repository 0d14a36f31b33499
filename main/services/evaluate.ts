// The Evaluate view's side in main: the project store's results scored against their reviewed truth, or against a
// folder of truth files the person chose (a folder dialog, or the headless host's folder picker, uploaded), and the
// evaluation as CSV, JSON or an HTML report. The same functions as `paliscope eval`, so both give the same numbers.
// Main only reads the store (one query); reading truth files and scoring run on a worker thread (models/eval/in-worker),
// so main's event loop stays free, and a cancel stops the worker at once.
import { randomBytes } from 'node:crypto';
import { mkdir, opendir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { EvaluateExportRequest, EvaluateProgress, EvaluateRequest, EvaluateResult, TruthFolderInfo, TruthFolderUpload } from '../../preload/contract';
import type { Store } from '../../models/store/store';
import type { EvalReport } from '../../models/eval/evaluate';
import { fromStore } from '../../models/eval/from-store';
import { evaluateInWorker, type EvalJob } from '../../models/eval/in-worker';
import { METRICS, TASK_METRICS } from '../../models/eval/metrics';
import { toCsv, toJson } from '../../models/eval/format';
import { toHtml } from '../../models/eval/report-html';
import { MAX_TRUTH_FILES, isTruthFileName } from '../../models/eval/truth-files';
import { AppFailure } from '../ipc/dispatcher';

export interface EvaluateServiceDeps {
  store: () => Store | null;
  unavailable?: () => string | null;
  /** Waits for runs still being filed in the store (ReviewService.settled). */
  settled?: () => Promise<unknown>;
  /** A folder dialog (dialog hosts only); null when cancelled. */
  pickFolder?: (title: string) => Promise<string | null>;
  /** Where uploaded truth folders are written (one at a time; the previous one is removed). */
  uploadDir?: string;
}

interface Work { signal?: AbortSignal; onProgress?: (p: EvaluateProgress) => void }

/** Plain text truth files hold the task's answers when the view shows exactly one text task (OCR otherwise). */
const TEXT_TASKS = new Set(['ocr', 'caption', 'describe', 'answer', 'report', 'vsr']);

export class EvaluateService {
  readonly #deps: EvaluateServiceDeps;
  #truth: { dir: string; info: TruthFolderInfo; uploaded: boolean } | null = null;

  constructor(deps: EvaluateServiceDeps) {
    this.#deps = deps;
  }

  async #report(req: EvaluateRequest, work: Work): Promise<{ report: EvalReport; models: { id: string; name: string }[] }> {
    await this.#deps.settled?.();
    const store = this.#deps.store();
    if (!store) throw new AppFailure('UNSUPPORTED', `evaluation needs the project store, which is not available: ${this.#deps.unavailable?.() ?? 'it is closed'}`);
    const { truths, predictions } = fromStore(store);
    const models = [...new Map(predictions.map((p) => [p.modelId, p.modelName])).entries()].map(([id, name]) => ({ id, name }));
    const only = req.tasks?.length === 1 && TEXT_TASKS.has(req.tasks[0]!) ? req.tasks[0] : undefined;
    let truth: EvalJob['truth'] = { kind: 'reviewed', truths };
    if (req.truth === 'imported') {
      if (!this.#truth) throw new AppFailure('BAD_INPUT', 'no truth folder is chosen: choose one first, or evaluate against the reviewed results');
      truth = { kind: 'folder', dir: this.#truth.dir, label: this.#truth.info.label };
    }
    const job: EvalJob = { truth, predictions, tasks: req.tasks?.length ? req.tasks : undefined, models: req.models?.length ? req.models : undefined, task: only };
    try {
      return { report: await evaluateInWorker(job, { signal: work.signal, onProgress: work.onProgress }), models };
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code === 'CANCELLED') throw new AppFailure('CANCELLED', err.message);
      if (/ran out of memory/.test(err.message)) throw new AppFailure('OUT_OF_MEMORY', err.message);
      throw new AppFailure(req.truth === 'imported' ? 'BAD_INPUT' : 'INTERNAL', `the evaluation failed: ${err.message}`);
    }
  }

  async run(req: EvaluateRequest, work: Work = {}): Promise<EvaluateResult> {
    const { report, models } = await this.#report(req, work);
    return { ...report, metrics: METRICS, taskMetrics: Object.fromEntries(Object.entries(TASK_METRICS).map(([k, v]) => [k, [...v]])), models };
  }

  async export(req: EvaluateExportRequest, work: Work = {}): Promise<{ fileName: string; mime: string; bytes: Uint8Array }> {
    const { report } = await this.#report(req, work);
    const text = req.format === 'csv' ? toCsv(report) : req.format === 'json' ? toJson(report) : toHtml(report);
    const mime = req.format === 'csv' ? 'text/csv' : req.format === 'json' ? 'application/json' : 'text/html';
    return { fileName: `paliscope-evaluation.${req.format}`, mime, bytes: new TextEncoder().encode(text) };
  }

  truthFolder(): TruthFolderInfo | null {
    return this.#truth?.info ?? null;
  }

  /** The folder dialog; a folder without any truth file is refused (the previous choice stays). */
  async chooseTruthFolder(): Promise<TruthFolderInfo | null> {
    if (!this.#deps.pickFolder) throw new AppFailure('UNSUPPORTED', 'this host has no folder dialog: pick the folder in the browser instead (its truth files are uploaded)');
    const dir = await this.#deps.pickFolder('Choose a folder of truth files');
    if (!dir) return null;
    const info = await surveyFolder(dir, dir);
    await this.#replace({ dir, info, uploaded: false });
    return info;
  }

  /**
   * Truth files uploaded from the browser: their names are checked by the contract (plain names with a truth file's
   * extension, no two alike), written to a fresh folder of their own, and read from there like a chosen folder.
   */
  async uploadTruthFolder(upload: TruthFolderUpload): Promise<TruthFolderInfo> {
    if (!this.#deps.uploadDir) throw new AppFailure('UNSUPPORTED', 'this host keeps no uploaded truth folders');
    const dir = join(this.#deps.uploadDir, randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true });
    try {
      for (const f of upload.files) {
        // The contract allows plain names only; checked again here because a path leaving `dir` must never be written.
        if (basename(f.name) !== f.name || !isTruthFileName(f.name)) throw new AppFailure('BAD_INPUT', `${f.name}: not a plain truth file name`);
        await writeFile(join(dir, f.name), f.bytes, { flag: 'wx' });
      }
      const info = await surveyFolder(dir, `${upload.folder} (uploaded)`);
      await this.#replace({ dir, info, uploaded: true });
      return info;
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  async #replace(next: { dir: string; info: TruthFolderInfo; uploaded: boolean }): Promise<void> {
    const previous = this.#truth;
    this.#truth = next;
    if (previous?.uploaded && previous.dir !== next.dir) await rm(previous.dir, { recursive: true, force: true });
  }

  /** Removes an uploaded truth folder (at shutdown). */
  async dispose(): Promise<void> {
    if (this.#truth?.uploaded) await rm(this.#truth.dir, { recursive: true, force: true });
    this.#truth = null;
  }
}

/** What a truth folder holds, counted without reading the files (bounded like the reading); refused when nothing. */
async function surveyFolder(dir: string, label: string): Promise<TruthFolderInfo> {
  const kinds: Record<string, number> = {};
  let files = 0, other = 0;
  try {
    for await (const entry of await opendir(dir)) {
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (!isTruthFileName(entry.name)) { other++; continue; }
      if (++files > MAX_TRUTH_FILES) break;
      const ext = extname(entry.name).toLowerCase();
      kinds[ext] = (kinds[ext] ?? 0) + 1;
    }
  } catch (e) {
    throw new AppFailure('BAD_INPUT', `${label}: the folder could not be read (${(e as Error).message})`);
  }
  if (!files) throw new AppFailure('BAD_INPUT', `${label}: no truth file in this folder (expected .txt, .xml, .html, .krn, .smi or COCO .json files named after the documents)`);
  const notes = [
    ...(files > MAX_TRUTH_FILES ? [`more than ${MAX_TRUTH_FILES} truth files: only ${MAX_TRUTH_FILES} are read`] : []),
    ...(other ? [`${other} other file(s) are not truth files and are ignored`] : []),
  ];
  return { label, files: Math.min(files, MAX_TRUTH_FILES), kinds, notes };
}
