// An evaluation: predictions scored page by page against the truth, summarised per task and model (mean, median,
// bootstrap interval over pages; AP over all pages), with quality against confidence and against time. Pure: the
// caller collects truth and predictions (store.ts from a project, truth-files.ts from a folder).
import { cocoApOfHits, pageHits, type EvalBox } from './boxes';
import { addFingerprints } from './molecules';
import { METRICS, TASK_METRICS, headlineOf } from './metrics';
import { scorePage, type Scores } from './score';
import { bootstrapCis, mean, meanCi, median, spearman } from './stats';
import type { EvalValue } from './values';

export interface PageRef { documentId: number | null; documentPath: string; page: number }

export interface TruthItem extends PageRef {
  task: string;
  /** Detect, segment and answer truths hold for one prompt ('' = any prompt: an imported truth). */
  prompt: string;
  value: EvalValue;
  /** Where the truth came from: a reviewed run, or a file. */
  source: { runId: number; status: 'accepted' | 'corrected' } | { file: string };
}

export interface Prediction extends PageRef {
  runId: number | null;
  modelId: string;
  modelName: string;
  task: string;
  prompt: string;
  value: EvalValue;
  /** 0…1, or null when unknown. */
  confidence: number | null;
  /** Time the run took (ms), or null when not recorded. */
  totalMs: number | null;
}

export interface PageResult extends PageRef {
  task: string;
  modelId: string;
  modelName: string;
  runId: number | null;
  truthRunId: number | null;
  truthFile: string | null;
  scores: Scores;
  notes: string[];
  confidence: number | null;
  totalMs: number | null;
}

export interface MetricSummary {
  metric: string;
  /** Pages with a value for this metric. */
  n: number;
  mean: number | null;
  median: number | null;
  /** 95 % bootstrap interval over pages (of the mean; of the value itself for AP). */
  ci: [number, number] | null;
}

export interface ModelSummary {
  modelId: string;
  modelName: string;
  pages: number;
  metrics: MetricSummary[];
  /** Spearman's ρ between confidence and quality (the headline metric, signed so higher is better). */
  confidenceRho: number | null;
  confidencePairs: number;
  /** Median time per page (ms) from the stored timings. */
  medianMs: number | null;
}

export interface TaskReport { task: string; headline: string; models: ModelSummary[] }

export interface EvalReport {
  truth: string;
  tasks: TaskReport[];
  /** Every scored page, worst first within each task by its headline metric. */
  pages: PageResult[];
  /** Truth without any prediction, predictions without truth, and the like. */
  notes: string[];
}

/** Detect, segment and answer: the prompt says what to find or ask, so a truth holds only for its prompt. */
export const PROMPT_BOUND = new Set(['detect', 'segment', 'answer']);

export function promptKey(task: string, prompt: string): string {
  if (!PROMPT_BOUND.has(task)) return '';
  const p = prompt.normalize('NFC').trim().toLowerCase().replace(/\s+/gu, ' ');
  return p.startsWith(`${task} `) ? p.slice(task.length + 1) : p;
}

/** Pages are matched by document (store id, or file stem for imported truth) and 0-based page index. */
export type PageKey = (p: PageRef) => string;
export const byDocumentId: PageKey = (p) => `${p.documentId}:${p.page}`;

export interface EvaluateOptions {
  truthLabel: string;
  pageKey?: PageKey;
  /** Only these tasks / models (all when absent). */
  tasks?: readonly string[];
  models?: readonly string[];
  resamples?: number;
  /** Pages scored, then models summarised (bootstrap intervals and AP): how many of how many. */
  onProgress?: (p: EvalProgress) => void;
}

export interface EvalProgress { stage: 'truth' | 'scoring' | 'summarising'; done: number; total: number }

export async function evaluate(truths: readonly TruthItem[], predictions: readonly Prediction[], opts: EvaluateOptions): Promise<EvalReport> {
  const key = opts.pageKey ?? byDocumentId;
  const notes: string[] = [];
  const wantTask = (t: string) => !opts.tasks?.length || opts.tasks.includes(t);
  const truthBy = new Map<string, TruthItem>();
  for (const t of truths) {
    if (!wantTask(t.task)) continue;
    const k = `${key(t)}|${t.task}|${promptKey(t.task, t.prompt)}`;
    const had = truthBy.get(k);
    if (had) notes.push(`${describe(t)}: more than one truth for ${t.task}${t.prompt ? ` "${t.prompt}"` : ''}; the last reviewed is used`);
    truthBy.set(k, t);
  }
  const truthFor = (p: Prediction): TruthItem | undefined =>
    truthBy.get(`${key(p)}|${p.task}|${promptKey(p.task, p.prompt)}`) ?? truthBy.get(`${key(p)}|${p.task}|`);

  // The latest run of each model on each page and task (an older run of the same model would weigh the page twice).
  const latest = new Map<string, Prediction>();
  let older = 0, noTruth = 0;
  for (const p of predictions) {
    if (!wantTask(p.task) || (opts.models?.length && !opts.models.includes(p.modelId))) continue;
    if (!truthFor(p)) { noTruth++; continue; }
    const k = `${key(p)}|${p.task}|${promptKey(p.task, p.prompt)}|${p.modelId}`;
    const had = latest.get(k);
    if (had) older++;
    if (!had || (p.runId ?? 0) >= (had.runId ?? 0)) latest.set(k, p);
  }
  if (older) notes.push(`${older} older run(s) of a model on a page it ran again were left out (the latest run counts)`);
  if (noTruth) notes.push(`${noTruth} result(s) have no truth for their page and task, so they are not scored`);

  const chosen = [...latest.values()];
  const molecules = [...chosen.map((p) => p.value), ...[...truthBy.values()].map((t) => t.value)].flatMap((v) => (v.kind === 'molecule' ? [v.molecule] : []));
  await addFingerprints(molecules);

  const progress = throttled(opts.onProgress);
  const pages: PageResult[] = chosen.map((p, i) => {
    progress('scoring', i, chosen.length);
    const t = truthFor(p)!;
    const { scores, notes: n } = scorePage(p.task, t.value, p.value);
    return {
      documentId: p.documentId, documentPath: p.documentPath, page: p.page, task: p.task, modelId: p.modelId, modelName: p.modelName, runId: p.runId,
      truthRunId: 'runId' in t.source ? t.source.runId : null, truthFile: 'file' in t.source ? t.source.file : null,
      scores, notes: n, confidence: p.confidence, totalMs: p.totalMs,
    };
  });

  progress('scoring', chosen.length, chosen.length, true);
  const tasks: TaskReport[] = [];
  const groups = new Set(pages.map((p) => `${p.task}\u0000${p.modelId}`)).size;
  let summarised = 0;
  for (const task of Object.keys(TASK_METRICS)) {
    const ofTask = pages.filter((p) => p.task === task);
    if (!ofTask.length) continue;
    const models = [...new Map(ofTask.map((p) => [p.modelId, p.modelName])).entries()].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
    tasks.push({
      task, headline: headlineOf(task).id,
      models: models.map(([modelId, modelName]) => {
        progress('summarising', summarised++, groups, true);
        return summarize(task, modelId, modelName, ofTask.filter((p) => p.modelId === modelId), chosen, truthFor, opts.resamples);
      }),
    });
    const withheld = [...truthBy.values()].filter((t) => t.task === task).length;
    const scoredTruths = new Set(ofTask.map((p) => `${p.documentId}:${p.documentPath}:${p.page}`)).size;
    if (withheld > scoredTruths) notes.push(`${task}: ${withheld - scoredTruths} page(s) with truth have no other result to score`);
  }
  pages.sort(worstFirst);
  return { truth: opts.truthLabel, tasks, pages, notes };
}

/** Progress at most every 100 ms (and whenever `always`), so a fast evaluation does not spend its time reporting. */
function throttled(report: EvaluateOptions['onProgress']): (stage: EvalProgress['stage'], done: number, total: number, always?: boolean) => void {
  let last = 0;
  return (stage, done, total, always = false) => {
    if (!report) return;
    const now = performance.now();
    if (!always && now - last < 100) return;
    last = now;
    report({ stage, done, total });
  };
}

function describe(p: PageRef): string {
  return `${p.documentPath} page ${p.page + 1}`;
}

/** Headline quality signed so that higher is better. */
export function quality(task: string, s: Scores): number | null {
  const h = headlineOf(task);
  const v = s[h.id];
  if (v === null || v === undefined) return null;
  return h.better === 'lower' ? -v : v;
}

function worstFirst(a: PageResult, b: PageResult): number {
  if (a.task !== b.task) return Object.keys(TASK_METRICS).indexOf(a.task) - Object.keys(TASK_METRICS).indexOf(b.task);
  const qa = quality(a.task, a.scores), qb = quality(b.task, b.scores);
  if (qa === null || qb === null) return qa === null ? (qb === null ? 0 : -1) : 1;
  return qa - qb || a.documentPath.localeCompare(b.documentPath) || a.page - b.page || a.modelName.localeCompare(b.modelName);
}

function summarize(
  task: string, modelId: string, modelName: string, pages: PageResult[], chosen: Prediction[],
  truthFor: (p: Prediction) => TruthItem | undefined, resamples?: number,
): ModelSummary {
  const metrics: MetricSummary[] = [];
  for (const id of TASK_METRICS[task]!) {
    if (METRICS[id]!.corpus) continue;
    const xs = pages.map((p) => p.scores[id]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    metrics.push({ metric: id, n: xs.length, mean: mean(xs), median: median(xs), ci: meanCi(xs, { resamples }) });
  }
  if (TASK_METRICS[task]!.includes('ap')) {
    // AP over all pages of this model; its interval by resampling pages (fewer resamples: each one re-ranks every box).
    const preds = chosen.filter((p) => p.task === task && p.modelId === modelId);
    const items = preds.map((p) => pageHits(boxesOf(truthFor(p)!.value), boxesOf(p.value)));
    const all = cocoApOfHits(items);
    const n = items.length;
    const [ci50, ci] = bootstrapCis(items, (s) => { const r = cocoApOfHits(s); return [r.ap50, r.ap]; }, { resamples: Math.min(resamples ?? 200, 200) });
    metrics.push({ metric: 'ap50', n, mean: all.ap50, median: null, ci: ci50 ?? null });
    metrics.push({ metric: 'ap', n, mean: all.ap, median: null, ci: ci ?? null });
  }
  const conf: number[] = [], qual: number[] = [];
  for (const p of pages) {
    const q = quality(task, p.scores);
    if (p.confidence !== null && q !== null) { conf.push(p.confidence); qual.push(q); }
  }
  const ms = pages.map((p) => p.totalMs).filter((v): v is number => v !== null);
  return { modelId, modelName, pages: pages.length, metrics, confidenceRho: spearman(conf, qual), confidencePairs: conf.length, medianMs: median(ms) };
}

const boxesOf = (v: EvalValue): EvalBox[] => (v.kind === 'boxes' ? v.objects : []);
