// The shape every row of a project file must have before `merge` copies it: a project file from another machine is
// hostile input. SQLite's CHECK constraints hold only in files Paliscope wrote; a file written by anything else can
// hold any type in any column, so each row is checked here (types, enums, hashes, JSON that parses) and the first bad
// row refuses the whole file, by name, before anything of it is written. Columns a later schema adds pass through
// unchecked, to be checked by the target's own constraints.
import { z } from 'zod';

const id = z.number().int().nonnegative();
const optId = id.nullable();
const text = z.string();
const optText = z.string().nullable();
const isJson = (s: string) => { try { JSON.parse(s); return true; } catch { return false; } };
const jsonText = z.string().refine(isJson, 'is not JSON');
const optJson = jsonText.nullable();
const time = z.string().min(1);
const optTime = time.nullable();
const reviewStatus = z.enum(['accepted', 'corrected', 'rejected']);

export const ROW_SCHEMAS = {
  documents: z.looseObject({
    id, path: text, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'is not a SHA-256'), page_count: id, size: z.number().nonnegative(),
    added_at: time, mtime_ms: z.number().nullable(), replaced_by: optId,
  }),
  pages: z.looseObject({ id, document_id: id, page_index: id, width: id.nullable(), height: id.nullable() }),
  runs: z.looseObject({
    id, page_id: id, model_id: text, model_name: text, task: text, prompt: text, parameters: jsonText, provider: optText, timings: optJson,
    raw: text, parsed: optJson, status: z.enum(['done', 'error', 'cancelled']), error: optText, created_at: time, logprobs: optJson,
    confidence: z.number().nullable(),
  }),
  reviews: z.looseObject({ run_id: id, status: reviewStatus, value: optJson, note: optText, updated_at: time }),
  review_history: z.looseObject({
    id, run_id: id, status: reviewStatus.nullable(), value: optJson, note: optText, prev_status: reviewStatus.nullable(), prev_value: optJson,
    prev_note: optText, undo_of: optId, at: time,
  }),
  batches: z.looseObject({
    id, signature: text, task: text, prompt: text, model_id: text, model_name: text, parameters: jsonText,
    status: z.enum(['queued', 'running', 'paused', 'cancelled', 'done']), created_at: time, updated_at: time,
  }),
  batch_items: z.looseObject({
    id, batch_id: id, seq: z.number().int(), page_id: id, status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']), attempts: id,
    run_id: optId, error: optText, started_at: optTime, finished_at: optTime,
  }),
} as const;

export type MergedTable = keyof typeof ROW_SCHEMAS;
export const MERGED_TABLES = Object.keys(ROW_SCHEMAS) as MergedTable[];

/** Throws `table row N: column: reason` for the first problem of a row. */
export function checkRow(table: MergedTable, row: unknown, rowNumber: number): void {
  const r = ROW_SCHEMAS[table].safeParse(row);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${table} row ${rowNumber}: ${issue.path.join('.') || 'row'}: ${issue.message}`);
  }
}
