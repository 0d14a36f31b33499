// The reviewed value of a stored result, read defensively: a project file may come from someone else, so every value is
// checked against the shape its task needs (zod) and bounded before any of it is used. Values written by the app carry
// a `kind`; older values written by the command line do not, so the task of the run decides the shape.
import { z } from 'zod';
import type { ResultRow } from '../store/types';
import { TASK_NAMES, type TaskName } from '../tasks/table';

const MAX_TEXT = 200_000;
const MAX_OBJECTS = 10_000;
const finite = z.number().finite();

const Rle = z.object({ size: z.tuple([z.number().int().positive(), z.number().int().positive()]), counts: z.array(z.number().int().nonnegative()).max(50_000_000) });

export const BoxesValue = z.object({
  width: z.number().positive().optional(),
  height: z.number().positive().optional(),
  objects: z.array(z.object({
    label: z.string().max(10_000),
    box: z.tuple([finite, finite, finite, finite]),
    seg: z.array(z.number().int()).optional(),
    mask: z.object({ rle: Rle, area: z.number() }).nullable().optional(),
  })).max(MAX_OBJECTS),
});
export type BoxesValue = z.infer<typeof BoxesValue>;

export const TextValue = z.object({ text: z.string().max(MAX_TEXT) });
export const VerdictValue = z.object({ text: z.string().max(MAX_TEXT).optional(), answer: z.boolean().nullable() });

export const TableValue = z.object({
  table: z.object({
    rows: z.number().int().nonnegative(),
    cols: z.number().int().nonnegative(),
    cells: z.array(z.object({
      row: z.number().int().nonnegative(), col: z.number().int().nonnegative(),
      rowspan: z.number().int().positive(), colspan: z.number().int().positive(),
      header: z.boolean(), text: z.string().max(MAX_TEXT), html: z.string().max(6 * MAX_TEXT),
    })).max(20_000),
    warnings: z.array(z.string()).optional(),
  }),
});
export type TableValue = z.infer<typeof TableValue>;

export const MoleculeValue = z.object({
  molecule: z.object({ input: z.string().max(MAX_TEXT), valid: z.boolean(), canonical: z.string().max(MAX_TEXT).nullable(), error: z.string().nullable().optional() }),
});
export const MusicValue = z.object({ music: z.object({ kern: z.string().max(MAX_TEXT), valid: z.boolean() }) });

/** The tasks a dataset can hold: every PaliGemma task of the task table. Each one's value shape follows. */
export const DATASET_TASKS = TASK_NAMES;
export type DatasetTask = TaskName;

export const isDatasetTask = (t: string): t is DatasetTask => (DATASET_TASKS as readonly string[]).includes(t);

export type TaskValue =
  | { task: 'caption' | 'describe' | 'answer' | 'ocr' | 'report'; text: string }
  | { task: 'vsr'; answer: boolean | null }
  | { task: 'detect' | 'ocr-boxes' | 'segment'; boxes: BoxesValue }
  | { task: 'table'; table: TableValue['table'] }
  | { task: 'molecule'; molecule: z.infer<typeof MoleculeValue>['molecule'] }
  | { task: 'music'; music: z.infer<typeof MusicValue>['music'] };

/** The value in force: the correction when corrected, the model's parsed result when accepted. */
export function valueInForce(row: ResultRow): unknown {
  return row.review?.status === 'corrected' ? row.review.value : row.run.parsed;
}

export class ValueError extends Error {
  override name = 'ValueError';
}

function check<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ValueError(`its value is not ${what}${issue ? ` (${issue.path.join('.') || 'value'}: ${issue.message})` : ''}`);
  }
  return r.data;
}

/** The reviewed value of `row` as its task's shape; throws ValueError saying what is wrong. */
export function taskValue(task: DatasetTask, v: unknown): TaskValue {
  switch (task) {
    case 'caption': case 'describe': case 'answer': case 'ocr': case 'report':
      return { task, text: check(TextValue, v, 'a text').text };
    case 'vsr':
      return { task, answer: check(VerdictValue, v, 'a true/false verdict').answer };
    case 'detect': case 'ocr-boxes': case 'segment':
      return { task, boxes: check(BoxesValue, v, 'a list of boxes') };
    case 'table':
      return { task, table: check(TableValue, v, 'a table').table };
    case 'molecule':
      return { task, molecule: check(MoleculeValue, v, 'a molecule').molecule };
    case 'music':
      return { task, music: check(MusicValue, v, 'a score').music };
  }
}
