// The Evaluate view: the project's results scored against reviewed truth (models/eval), and its exports. The report
// carries the metric table (labels, which way is better), so the renderer never restates it.
import { z } from 'zod';
import { Bytes } from './common';
import { MAX_UPLOAD_BYTES, MAX_TRUTH_UPLOAD_FILES, TRUTH_FILE_EXTENSIONS } from './limits';

const Name = z.string().min(1).max(512);
export const EvaluateRequest = z
  .object({
    /** Only these tasks / model ids; all when absent or empty. */
    tasks: z.array(z.string().min(1).max(40)).max(20).optional(),
    models: z.array(Name).max(200).optional(),
    /** The project's reviewed results (the default), or the truth folder chosen last (evaluate.chooseTruthFolder / uploadTruthFolder). */
    truth: z.enum(['reviewed', 'imported']).optional(),
  })
  .strict();
export type EvaluateRequest = z.infer<typeof EvaluateRequest>;

/** How far an evaluation is: truth files read, pages scored, models summarised (bootstrap intervals, AP). */
export const EvaluateProgress = z.object({ stage: z.enum(['truth', 'scoring', 'summarising']), done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type EvaluateProgress = z.infer<typeof EvaluateProgress>;

/** The truth folder chosen for evaluation: what it is called and how many truth files of each kind it holds. */
export const TruthFolderInfo = z.object({
  label: z.string(),
  files: z.number().int().nonnegative(),
  /** Files per extension (".txt": 12, …). */
  kinds: z.record(z.string(), z.number().int().nonnegative()),
  /** Files left out (not a truth file's extension, over the bounds), said in a line each. */
  notes: z.array(z.string()),
});
export type TruthFolderInfo = z.infer<typeof TruthFolderInfo>;

/** A plain file name with a truth file's extension: no folders, no hidden files. */
const TruthFileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\\p{Cc}.][^/\\\p{Cc}]*$/u, 'a plain file name (no folders, not hidden)')
  .refine((n) => TRUTH_FILE_EXTENSIONS.some((e) => n.toLowerCase().endsWith(e)), `a truth file (${TRUTH_FILE_EXTENSIONS.join(', ')})`);

/** The headless host's folder picker: the truth files of a folder the person chose in the browser, as bytes. */
export const TruthFolderUpload = z
  .object({
    folder: z.string().trim().min(1).max(255),
    files: z
      .array(z.object({ name: TruthFileName, bytes: Bytes }).strict())
      .min(1, 'the folder has no truth file')
      .max(MAX_TRUTH_UPLOAD_FILES)
      .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, 'two files have the same name')
      .refine((fs) => fs.reduce((n, f) => n + f.bytes.byteLength, 0) <= MAX_UPLOAD_BYTES, `at most ${MAX_UPLOAD_BYTES} bytes in all`),
  })
  .strict();
export type TruthFolderUpload = z.infer<typeof TruthFolderUpload>;

const Num = z.number().nullable();
export const EvalPage = z.object({
  documentId: z.number().int().nullable(),
  documentPath: z.string(),
  /** 0-based. */
  page: z.number().int().nonnegative(),
  task: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  runId: z.number().int().nullable(),
  truthRunId: z.number().int().nullable(),
  truthFile: z.string().nullable(),
  scores: z.record(z.string(), Num),
  notes: z.array(z.string()),
  confidence: Num,
  totalMs: Num,
});
export type EvalPage = z.infer<typeof EvalPage>;

export const EvalModelSummary = z.object({
  modelId: z.string(),
  modelName: z.string(),
  pages: z.number().int().nonnegative(),
  metrics: z.array(z.object({ metric: z.string(), n: z.number().int().nonnegative(), mean: Num, median: Num, ci: z.tuple([z.number(), z.number()]).nullable() })),
  confidenceRho: Num,
  confidencePairs: z.number().int().nonnegative(),
  medianMs: Num,
});
export type EvalModelSummary = z.infer<typeof EvalModelSummary>;

export const EvalMetricInfo = z.object({
  id: z.string(),
  label: z.string(),
  better: z.enum(['lower', 'higher']),
  unit: z.enum(['rate', 'score', 'count']),
  corpus: z.boolean().optional(),
  indicative: z.boolean().optional(),
});
export type EvalMetricInfo = z.infer<typeof EvalMetricInfo>;

export const EvaluateResult = z.object({
  truth: z.string(),
  tasks: z.array(z.object({ task: z.string(), headline: z.string(), models: z.array(EvalModelSummary) })),
  pages: z.array(EvalPage),
  notes: z.array(z.string()),
  metrics: z.record(z.string(), EvalMetricInfo),
  taskMetrics: z.record(z.string(), z.array(z.string())),
  /** Every model with a finished run of an evaluated task, for the model filter. */
  models: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type EvaluateResult = z.infer<typeof EvaluateResult>;

export const EVAL_EXPORT_FORMATS = ['csv', 'json', 'html'] as const;
export const EvaluateExportRequest = EvaluateRequest.extend({ format: z.enum(EVAL_EXPORT_FORMATS) }).strict();
export type EvaluateExportRequest = z.infer<typeof EvaluateExportRequest>;
export const EvaluateExport = z.object({ fileName: z.string(), mime: z.string(), bytes: Bytes });
