// The Evaluate view's side in main: the project store's results scored against their reviewed truth (models/eval),
// and the evaluation as CSV, JSON or an HTML report. The same functions as `paliscope eval`, so both give the same
// numbers. It runs in main, on the store main already holds; with molecules to compare, RDKit's WebAssembly is loaded
// here once for their fingerprints (the only part that needs it).
import type { EvaluateExportRequest, EvaluateRequest, EvaluateResult } from '../../preload/contract';
import type { Store } from '../../models/store/store';
import { evaluate, type EvalReport } from '../../models/eval/evaluate';
import { fromStore } from '../../models/eval/from-store';
import { METRICS, TASK_METRICS } from '../../models/eval/metrics';
import { toCsv, toJson } from '../../models/eval/format';
import { toHtml } from '../../models/eval/report-html';
import { AppFailure } from '../ipc/dispatcher';

export interface EvaluateServiceDeps {
  store: () => Store | null;
  unavailable?: () => string | null;
  /** Waits for runs still being filed in the store (ReviewService.settled). */
  settled?: () => Promise<unknown>;
}

export class EvaluateService {
  readonly #deps: EvaluateServiceDeps;
  constructor(deps: EvaluateServiceDeps) {
    this.#deps = deps;
  }

  async #report(req: EvaluateRequest): Promise<{ report: EvalReport; models: { id: string; name: string }[] }> {
    await this.#deps.settled?.();
    const store = this.#deps.store();
    if (!store) throw new AppFailure('UNSUPPORTED', `evaluation needs the project store, which is not available: ${this.#deps.unavailable?.() ?? 'it is closed'}`);
    const { truths, predictions } = fromStore(store);
    const models = [...new Map(predictions.map((p) => [p.modelId, p.modelName])).entries()].map(([id, name]) => ({ id, name }));
    const report = await evaluate(truths, predictions, { truthLabel: 'reviewed results', tasks: req.tasks?.length ? req.tasks : undefined, models: req.models?.length ? req.models : undefined });
    return { report, models };
  }

  async run(req: EvaluateRequest): Promise<EvaluateResult> {
    const { report, models } = await this.#report(req);
    return { ...report, metrics: METRICS, taskMetrics: Object.fromEntries(Object.entries(TASK_METRICS).map(([k, v]) => [k, [...v]])), models };
  }

  async export(req: EvaluateExportRequest): Promise<{ fileName: string; mime: string; bytes: Uint8Array }> {
    const { report } = await this.#report(req);
    const text = req.format === 'csv' ? toCsv(report) : req.format === 'json' ? toJson(report) : toHtml(report);
    const mime = req.format === 'csv' ? 'text/csv' : req.format === 'json' ? 'application/json' : 'text/html';
    return { fileName: `paliscope-evaluation.${req.format}`, mime, bytes: new TextEncoder().encode(text) };
  }
}
