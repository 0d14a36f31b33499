// Project → Export training data…: the open project's accepted and corrected results as PaliGemma fine-tuning data
// (models/dataset). Main writes the folder under its user-data folder and returns it zipped; the renderer saves the
// zip (a download in both hosts) and never sends or receives a path it would act on.
import { z } from 'zod';
import { Bytes } from './common';
import { TASK_NAMES } from '../../models/tasks/table';

/** The tasks a training example can hold: every PaliGemma task of the task table. */
export const DATASET_TASK_NAMES = TASK_NAMES;

const Percent = z.number().int().min(0).max(100);

export const DatasetExportInput = z.object({
  /** Only these tasks; all when absent. */
  tasks: z.array(z.enum(DATASET_TASK_NAMES)).min(1).max(DATASET_TASK_NAMES.length).optional(),
  split: z.object({ train: Percent.min(1), validation: Percent, test: Percent }).strict()
    .refine((s) => s.train + s.validation + s.test === 100, 'the split percentages must add up to 100')
    .default({ train: 80, validation: 10, test: 10 }),
  only: z.array(z.enum(['accepted', 'corrected'])).min(1).max(2).default(['accepted', 'corrected']),
  resolution: z.union([z.literal(224), z.literal(448), z.literal(896)]).nullable().default(null),
  seed: z.number().int().min(0).max(999_999_999).default(0),
}).strict();
export type DatasetExportInput = z.infer<typeof DatasetExportInput>;

export const DatasetExportProgress = z.object({
  stage: z.enum(['reading', 'images', 'writing', 'zipping', 'done']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type DatasetExportProgress = z.infer<typeof DatasetExportProgress>;

const SplitCounts = z.object({ train: z.number().int().nonnegative(), validation: z.number().int().nonnegative(), test: z.number().int().nonnegative() });

export const DatasetExportResult = z.object({
  /** The zip to save; null when the export is too large to hand over (it is still in `folder`). */
  fileName: z.string(),
  mime: z.string(),
  bytes: Bytes.nullable(),
  /** Where main kept the folder (shown to the person). */
  folder: z.string(),
  examples: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
  counts: z.record(z.string(), SplitCounts),
  /** Reviewed results that could not become examples, grouped by reason (at most 50 groups). */
  skipped: z.array(z.object({ task: z.string(), reason: z.string().max(2_000), count: z.number().int().positive() })).max(50),
  skippedTotal: z.number().int().nonnegative(),
});
export type DatasetExportResult = z.infer<typeof DatasetExportResult>;
