// A parsed table-structure output (models/paligemma/tasks/table/parse-table.ts, TableResult) as it crosses to the
// renderer. Bounded everywhere: the parser never produces more than these, and nothing larger is accepted.
import { z } from 'zod';

/** Must equal MAX_CELLS, MAX_CELL_TEXT, MAX_CELL_HTML, MAX_WARNINGS, MAX_WARNING_LENGTH in parse-table.ts (table.test.ts checks). */
export const TABLE_MAX_CELLS = 20_000;
export const TABLE_MAX_CELL_TEXT = 10_000;
export const TABLE_MAX_CELL_HTML = 60_000;
export const TABLE_MAX_WARNINGS = 100;
export const TABLE_MAX_WARNING_LENGTH = 2_000;

const GridIndex = z.number().int().nonnegative().max(TABLE_MAX_CELLS);
const Span = z.number().int().min(1).max(TABLE_MAX_CELLS);

export const TableCell = z.object({
  row: GridIndex,
  col: GridIndex,
  rowspan: Span,
  colspan: Span,
  header: z.boolean(),
  text: z.string().max(TABLE_MAX_CELL_TEXT),
  /** Inline HTML (b, i, sup, sub, u, br; no attributes). Still sanitised again before display. */
  html: z.string().max(TABLE_MAX_CELL_HTML),
});
export type TableCell = z.infer<typeof TableCell>;

export const TableParsed = z.object({
  rows: GridIndex,
  cols: GridIndex,
  cells: z.array(TableCell).max(TABLE_MAX_CELLS),
  warnings: z.array(z.string().max(TABLE_MAX_WARNING_LENGTH)).max(TABLE_MAX_WARNINGS),
});
export type TableParsed = z.infer<typeof TableParsed>;
