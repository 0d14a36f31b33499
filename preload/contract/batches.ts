// Batch runs: a task × a model over every page of some open documents, kept in the project store page by page, so a
// batch survives a crash of the app and resumes on the next start. Ids here are the store's row ids (numbers).
import { z } from 'zod';
import { Id } from './common';
import { MAX_NEW_TOKENS } from './limits';
import { BATCH_TASKS, BUILTIN_OCR, promptProblem } from '../../models/tasks/table';

/** Every task of the table, plus Paliscope's built-in OCR (PP-OCR, no model to pick). */
export const BatchTask = z.enum(BATCH_TASKS);
export type BatchTask = z.infer<typeof BatchTask>;
export const BatchId = z.number().int().positive();

export const BatchStatus = z.enum(['queued', 'running', 'paused', 'cancelled', 'done']);
export type BatchStatus = z.infer<typeof BatchStatus>;

export const BatchStartInput = z
  .object({
    /** Open documents (DocumentSummary ids); every page of each is queued. */
    documentIds: z.array(Id).min(1).max(200),
    task: BatchTask,
    /** The prompt's argument as in runs (a language, a question, objects; a transfer task's whole prompt). */
    prompt: z.string().max(2000).default(''),
    /** The model (ModelInfo id); not used by 'ocr-builtin'. */
    modelId: Id.optional(),
    maxNewTokens: z.number().int().min(1).max(MAX_NEW_TOKENS).default(64),
  })
  .strict()
  .refine((b) => b.task === BUILTIN_OCR.task || b.modelId !== undefined, { message: 'choose a model for this task', path: ['modelId'] })
  .superRefine((b, ctx) => {
    const problem = b.task === BUILTIN_OCR.task ? null : promptProblem(b.task, b.prompt);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['prompt'] });
  });
export type BatchStartInput = z.input<typeof BatchStartInput>;
/** The input as main receives it, defaults filled in. */
export type BatchStartRequest = z.output<typeof BatchStartInput>;

export const BatchCounts = z.object({
  total: z.number().int().nonnegative(),
  /** Pages with a result (the model answered). */
  done: z.number().int().nonnegative(),
  /** Pages that failed (could not be decoded, or the model failed on them), each with its reason in batches.items. */
  failed: z.number().int().nonnegative(),
  /** Pages still to run, the one on the model included. */
  queued: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
});
export type BatchCounts = z.infer<typeof BatchCounts>;

export const BatchSummary = z.object({
  id: BatchId,
  task: z.string(),
  /** The prompt the model read (empty for the built-in OCR). */
  prompt: z.string(),
  model: z.object({ id: z.string(), name: z.string() }),
  status: BatchStatus,
  counts: BatchCounts,
  /** Remaining pages × the median time of recent pages; null until a page has finished in this session. */
  etaMs: z.number().nonnegative().nullable(),
  /** The page on the model now. */
  current: z.object({ document: z.string(), page: z.number().int().nonnegative() }).nullable(),
  /** Document names, in queue order. */
  documents: z.array(z.string()),
  /** Why the batch stopped on its own (its model is gone, …); null otherwise. */
  problem: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BatchSummary = z.infer<typeof BatchSummary>;

export const BatchStartResult = z.object({
  batch: BatchSummary,
  /** Pages this start added to the queue (0 when the same batch existed and had them all). */
  added: z.number().int().nonnegative(),
  /** True when the same request (documents × task × prompt × model) found its earlier batch. */
  resumed: z.boolean(),
  /** Documents that could not be queued, with the reason. */
  problems: z.array(z.object({ document: z.string(), reason: z.string() })),
});
export type BatchStartResult = z.infer<typeof BatchStartResult>;

export const BatchItemStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export const BatchItem = z.object({
  id: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  document: z.string(),
  page: z.number().int().nonnegative(),
  status: BatchItemStatus,
  attempts: z.number().int().nonnegative(),
  /** The store's run of this page (also for a page the model failed on); null when none was kept. */
  runId: z.number().int().positive().nullable(),
  error: z.string().nullable(),
});
export type BatchItem = z.infer<typeof BatchItem>;

export const BatchRef = z.object({ batchId: BatchId }).strict();
