// Runs of a local PaliGemma model on a page: the prompt, the streamed tokens, the record the history
// keeps, and the result main parsed from the output (models/paligemma/tasks), per task.
import { z } from 'zod';
import { AppErrorSchema } from './define';
import { MAX_NEW_TOKENS } from './limits';
import { Id, PixelBox } from './common';
import { EXPORT_FORMATS, TASK_NAMES, TASKS, promptProblem, type BoxTask, type ExportFormat, type TaskName, type TextTask } from '../../models/tasks/table';
import { SegmentMask } from './tasks/mask';
import { DisplayWindow } from './dicom';
import { TableParsed } from './tasks/table';
import { MoleculeParsed } from './tasks/molecule';
import { MusicParsed } from './tasks/music';

/** What a run is for: it picks the prompt rule and how main parses the output (the task table, models/tasks/table.ts). */
export const RunTask = z.enum(TASK_NAMES);
export type RunTask = z.infer<typeof RunTask>;
/** A prompt as a record keeps it: pasted outputs may not say what prompt they answered. */
const RunPromptFields = z.object({ task: RunTask, text: z.string().max(2000) });
export const RunPrompt = z
  .object({ task: RunTask, text: z.string().max(2000) })
  .strict()
  .superRefine((p, ctx) => {
    const problem = promptProblem(p.task, p.text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['text'] });
  });
export type RunPrompt = z.infer<typeof RunPrompt>;
export const RunStrategy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('greedy') }).strict(),
  z
    .object({
      kind: z.literal('sample'),
      temperature: z.number().positive().max(10),
      topK: z.number().int().min(0).max(10_000),
      topP: z.number().gt(0).max(1),
      seed: z.number().int().min(0).max(2 ** 32 - 1),
    })
    .strict(),
  z.object({ kind: z.literal('beam'), numBeams: z.number().int().min(2).max(8), lengthPenalty: z.number().min(0).max(5) }).strict(),
]);
export type RunStrategy = z.infer<typeof RunStrategy>;
/** A rectangle of the page in its pixels (as the page renders at full size); a run on it sees only that crop. */
export const PageRegion = z
  .object({ x: z.number().int().nonnegative(), y: z.number().int().nonnegative(), width: z.number().int().min(8), height: z.number().int().min(8) })
  .strict();
export type PageRegion = z.infer<typeof PageRegion>;

export const RunInput = z
  .object({
    documentId: Id,
    page: z.number().int().nonnegative(),
    modelId: Id,
    prompt: RunPrompt,
    maxNewTokens: z.number().int().min(1).max(MAX_NEW_TOKENS),
    strategy: RunStrategy,
    /** Run on this part of the page only (a table, a molecule, one system of a score); the whole page when absent. */
    region: PageRegion.optional(),
    /** DICOM pages: the window/level the model sees the page through (the file's own window when absent). */
    window: DisplayWindow.optional(),
  })
  .strict();
export type RunInput = z.infer<typeof RunInput>;

export const RunToken = z.object({ id: z.number().int(), text: z.string(), logprob: z.number(), index: z.number().int().nonnegative() });
export type RunToken = z.infer<typeof RunToken>;
export const RunChunk = z.discriminatedUnion('type', [
  // 'generate' names the execution provider each part of the model runs on, once it is loaded.
  z.object({ type: z.literal('stage'), stage: z.enum(['render', 'load', 'generate']), providers: z.record(z.string(), z.string()).optional() }),
  z.object({ type: z.literal('token'), token: RunToken }),
]);
export type RunChunk = z.infer<typeof RunChunk>;
export const RunTimings = z.object({
  renderMs: z.number().nonnegative(),
  loadMs: z.number().nonnegative(),
  /** The model was loaded for this run rather than reused from an earlier one. */
  modelLoaded: z.boolean(),
  preprocessMs: z.number().nonnegative(),
  visionMs: z.number().nonnegative(),
  visionCached: z.boolean(),
  prefillMs: z.number().nonnegative(),
  timeToFirstTokenMs: z.number().nonnegative(),
  decodeMs: z.number().nonnegative(),
  decodeTokensPerSecond: z.number().nonnegative().nullable(),
  totalMs: z.number().nonnegative(),
  peakRssBytes: z.number().nonnegative(),
});
export type RunTimings = z.infer<typeof RunTimings>;
const Warnings = z.array(z.string().max(2000)).max(500);

/** The tasks of the table whose results are of one kind, as a tuple for z.enum. */
function tasksOfKind<T extends TaskName>(kind: (typeof TASKS)[TaskName]['kind']): [T, ...T[]] {
  return TASK_NAMES.filter((t) => TASKS[t].kind === kind) as [T, ...T[]];
}

/** An object with a box (detect / segment) or a word with its box (ocr-boxes), in pixels of the image the model saw. */
export const ParsedObject = z.object({
  /** The label, or the word's text for ocr-boxes; model text, only ever shown as text. */
  label: z.string().max(2000),
  box: PixelBox,
  /** segment: the 16 VQ-VAE codebook indices. */
  seg: z.array(z.number().int()).max(16).optional(),
  /** segment: the decoded mask over the whole page; null when its codes could not be decoded. */
  mask: SegmentMask.nullable().optional(),
});

/**
 * What main parsed from a run's raw output, by kind of result. Boxes are [x0, y0, x1, y1] in pixels of the page image
 * the model was given (width × height), so the renderer scales them to its page like OCR boxes and never parses model
 * text itself.
 */
export const RunParsed = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('boxes'),
    task: z.enum(tasksOfKind<BoxTask>('boxes')),
    width: z.number().positive(),
    height: z.number().positive(),
    objects: z.array(ParsedObject).max(5000),
    warnings: Warnings,
  }),
  z.object({ kind: z.literal('text'), task: z.enum(tasksOfKind<TextTask>('text')), text: z.string(), warnings: Warnings }),
  /** A radiography report: its sections (FINDINGS, IMPRESSION, …) as written; heading null for text before the first. */
  z.object({
    kind: z.literal('report'),
    text: z.string(),
    sections: z.array(z.object({ heading: z.string().max(200).nullable(), text: z.string() })).max(100),
    warnings: Warnings,
  }),
  /** VSR: the statement is true / false, or null when the model answered neither. */
  z.object({ kind: z.literal('verdict'), text: z.string(), answer: z.boolean().nullable(), warnings: Warnings }),
  /** Table structure: a grid of cells with spans; cell html is rebuilt from an inline allowlist in main. */
  z.object({ kind: z.literal('table'), table: TableParsed, warnings: Warnings }),
  /** A SMILES checked by RDKit: canonical form, formula, InChI, a 2D depiction (SVG shown as an image only). */
  z.object({ kind: z.literal('molecule'), molecule: MoleculeParsed, warnings: Warnings }),
  /** A **kern score checked and engraved by Verovio (SVG pages shown as images only), with the notes to play. */
  z.object({ kind: z.literal('music'), music: MusicParsed, warnings: Warnings }),
]);
export type RunParsed = z.infer<typeof RunParsed>;

/** One run as kept in the history: what was asked, of which model, and what came back, raw. */
export const RunRecord = z.object({
  id: Id,
  documentId: Id,
  page: z.number().int().nonnegative(),
  model: z.object({ id: Id, name: z.string(), location: z.string() }),
  prompt: RunPromptFields,
  /** The exact prompt string the model read. */
  promptText: z.string(),
  maxNewTokens: z.number().int(),
  strategy: RunStrategy,
  startedAt: z.string(),
  status: z.enum(['done', 'cancelled', 'error']),
  /** The decoded output as the model produced it (loc/seg tokens kept); partial when cancelled. */
  text: z.string(),
  ids: z.array(z.number().int()),
  logprobs: z.array(z.number()),
  /** Each generated token's text, aligned with ids and logprobs (the confidence shading of the output). */
  pieces: z.array(z.string()),
  finishReason: z.enum(['eos', 'length']).nullable(),
  timings: RunTimings.nullable(),
  /** The execution provider each part of the model ran on, e.g. {decoder: "cpu"}. */
  providers: z.record(z.string(), z.string()),
  /** Weight dtype per part of the model, from the session plan. */
  dtypes: z.record(z.string(), z.string()),
  /** onnxruntime's intra-op threads the run used (absent for records from the store made before it was kept). */
  threads: z.number().int().positive().nullable().optional(),
  error: AppErrorSchema.nullable(),
  /** The part of the page the model saw, when the run was on a region; parsed boxes are in page pixels either way. */
  region: PageRegion.nullable(),
  /** DICOM pages: the window/level the page was mapped through for the model, so the run can be repeated. */
  window: DisplayWindow.nullable().optional(),
  /** Output produced by a local model, or pasted in from another runtime (runs.paste). */
  source: z.enum(['model', 'pasted']),
  /** The parsed result of any output (also of a cancelled run's partial output); absent when there was none. */
  parsed: RunParsed.optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;

/** Output from another PaliGemma runtime (or an earlier session), pasted in to be parsed and shown over the page. */
export const RunPaste = z
  .object({
    documentId: Id,
    page: z.number().int().nonnegative(),
    task: RunTask,
    /** The prompt it answered, when known. */
    promptText: z.string().max(2000).default(''),
    /**
     * What produced it, as the person calls it ("PaliGemma 2 896 in JAX"): pasted outputs with the same name count as
     * one model in Evaluate. Without one, every pasted output is the one model "Pasted output".
     */
    model: z.string().trim().max(120).regex(/^[^\p{Cc}]*$/u, 'a model name without control characters').optional(),
    /** The region of the page the output was made from, when it was a crop. */
    region: PageRegion.optional(),
    text: z.string().min(1, 'the pasted output is empty').max(256 * 1024),
  })
  .strict();
export type RunPaste = z.infer<typeof RunPaste>;

export type RunExportFormat = ExportFormat;
export const RunExportRequest = z.object({ documentId: Id, runId: Id, format: z.enum(EXPORT_FORMATS) }).strict();
export type RunExportRequest = z.infer<typeof RunExportRequest>;
