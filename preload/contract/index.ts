// The single declaration of everything that crosses between the renderer and main.
// The preload bridge, main's IPC registration, the headless host's routes and the renderer's API
// type are all derived from `contract` below (see contract.test.ts, which proves they agree).
import { z } from 'zod';
import { invoke, stream, event, StreamStarted, AppErrorSchema, type ContractShape } from './define';
import { MAX_UPLOAD_BYTES, MAX_NEW_TOKENS } from './limits';

export * from './define';

const Empty = z.object({}).strict();
/** Raw bytes (a file's content); Electron's IPC clones them, the headless host base64-encodes them. */
const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes (a Uint8Array)' });
const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id of letters, digits, _ and -');

export const DocumentFormat = z.enum(['png', 'jpeg', 'webp', 'bmp', 'gif', 'tiff', 'pdf']);
export const PageInfo = z.object({ index: z.number().int().nonnegative(), width: z.number().int().positive(), height: z.number().int().positive() });
export const DocumentSummary = z.object({
  id: Id,
  name: z.string(),
  format: DocumentFormat,
  pages: z.array(PageInfo),
});
export type DocumentSummary = z.infer<typeof DocumentSummary>;

/** A file the dialog returned that did not open; `recentId` lets the UI retry it (with a password, say). */
export const FileFailure = z.object({ name: z.string(), code: z.string(), message: z.string(), recentId: Id.optional() });
export const OpenResult = z.object({ opened: z.array(DocumentSummary), failed: z.array(FileFailure) });
export type OpenResult = z.infer<typeof OpenResult>;

export const RecentFile = z.object({ id: Id, name: z.string(), location: z.string(), openedAt: z.string() });
export type RecentFile = z.infer<typeof RecentFile>;

export const EngineState = z.enum(['starting', 'ready', 'crashed', 'restarting', 'stopped']);
export const EngineStatus = z.object({
  state: EngineState,
  pid: z.number().int().nullable(),
  restarts: z.number().int().nonnegative(),
  message: z.string().optional(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;
export const EngineHealth = EngineStatus.extend({ uptimeMs: z.number().nonnegative(), rssBytes: z.number().nonnegative() });

const Point = z.tuple([z.number(), z.number()]);
export const Quad = z.tuple([Point, Point, Point, Point]);
export const OcrWord = z.object({ text: z.string(), confidence: z.number(), box: Quad });
export const OcrLine = z.object({ text: z.string(), confidence: z.number(), box: Quad, words: z.array(OcrWord), block: z.number().int() });
export const OcrPage = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  lines: z.array(OcrLine),
  rotationHint: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
  timings: z.record(z.string(), z.number()),
});
export type OcrPage = z.infer<typeof OcrPage>;
export const OcrChunk = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), page: z.number().int(), stage: z.string(), done: z.number(), total: z.number() }),
  z.object({ type: z.literal('page'), page: z.number().int(), result: OcrPage }),
]);
export type OcrChunk = z.infer<typeof OcrChunk>;

// Local models (PaliGemma family) the app can run: folders found under the models folders.
export const ModelInfo = z.object({
  id: Id,
  /** The model folder's name. */
  name: z.string(),
  /** The model folder, so messages and the UI can say where it is. */
  location: z.string(),
  layout: z.enum(['paliscope', 'onnx-community']).nullable(),
  /** Weight dtypes present (the decoder's variants), e.g. ["fp32"] or ["fp16", "q4"]. */
  dtypes: z.array(z.string()),
  /** Square input size in pixels (224, 448, 896). */
  resolution: z.number().int().positive().nullable(),
  /** Why the folder cannot be used as it is (null when it looks complete). */
  problem: z.string().nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;
export const ModelList = z.object({
  /** Where the app looks: each folder's subfolders are models. */
  folders: z.array(z.string()),
  models: z.array(ModelInfo),
});
export type ModelList = z.infer<typeof ModelList>;

/** PaliGemma's task prefixes (the full task views are their own issue). */
export const RunTask = z.enum(['caption', 'describe', 'answer', 'ocr', 'detect', 'segment']);
export type RunTask = z.infer<typeof RunTask>;
export const RunPrompt = z
  .object({ task: RunTask, text: z.string().max(2000).refine((t) => !/[\n\r]/.test(t), 'one line (PaliGemma ends the prompt at a newline)') })
  .strict()
  .refine((p) => p.task === 'ocr' || p.text.trim().length > 0, { message: 'this task needs text after it (a language, a question or objects)', path: ['text'] });
export type RunPrompt = z.infer<typeof RunPrompt>;
/** The prompt the model reads, e.g. "caption en", "answer en what is the date?", "ocr". */
export function promptText(p: { task: RunTask; text: string }): string {
  const text = p.text.trim();
  return text ? `${p.task} ${text}` : p.task;
}

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
export const RunInput = z
  .object({
    documentId: Id,
    page: z.number().int().nonnegative(),
    modelId: Id,
    prompt: RunPrompt,
    maxNewTokens: z.number().int().min(1).max(MAX_NEW_TOKENS),
    strategy: RunStrategy,
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
/** One run as kept in the history: what was asked, of which model, and what came back, raw. */
/**
 * Objects parsed by main from a detect / segment run's raw output (models/paligemma/tasks). Boxes are
 * [x0, y0, x1, y1] in pixels of the page image the model was given (width × height), so the renderer
 * scales them to its page like OCR boxes and never parses model text itself.
 */
export const RunParsed = z.object({
  task: z.enum(['detect', 'segment']),
  width: z.number().positive(),
  height: z.number().positive(),
  objects: z.array(
    z.object({
      label: z.string(),
      box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      /** segment: the 16 VQ-VAE codebook indices; not decoded to a mask yet. */
      seg: z.array(z.number().int()).optional(),
    }),
  ),
  warnings: z.array(z.string()),
});
export type RunParsed = z.infer<typeof RunParsed>;

export const RunRecord = z.object({
  id: Id,
  documentId: Id,
  page: z.number().int().nonnegative(),
  model: z.object({ id: Id, name: z.string(), location: z.string() }),
  prompt: RunPrompt,
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
  finishReason: z.enum(['eos', 'length']).nullable(),
  timings: RunTimings.nullable(),
  /** The execution provider each part of the model ran on, e.g. {decoder: "cpu"}. */
  providers: z.record(z.string(), z.string()),
  /** Weight dtype per part of the model, from the session plan. */
  dtypes: z.record(z.string(), z.string()),
  error: AppErrorSchema.nullable(),
  /** detect / segment runs that produced output (also when cancelled); absent for other tasks. */
  parsed: RunParsed.optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export { MAX_UPLOAD_BYTES, MAX_NEW_TOKENS };

export const contract = {
  'app.info': invoke(
    Empty,
    z.object({ name: z.string(), version: z.string(), host: z.enum(['electron', 'headless']), platform: z.string(), canShowDialogs: z.boolean() }),
  ),

  // Documents. The renderer never sends a path: it asks main to show a dialog, sends the bytes of a
  // file the user dropped or picked, or names an entry of the recent list by id.
  'documents.openDialog': invoke(Empty, OpenResult),
  'documents.openBytes': invoke(
    z.object({
      name: z.string().min(1).max(255),
      bytes: Bytes.refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, `at most ${MAX_UPLOAD_BYTES} bytes`),
      password: z.string().max(1024).optional(),
    }).strict(),
    DocumentSummary,
  ),
  'documents.openRecent': invoke(z.object({ recentId: Id, password: z.string().max(1024).optional() }).strict(), DocumentSummary),
  'documents.list': invoke(Empty, z.array(DocumentSummary)),
  'documents.close': invoke(z.object({ documentId: Id }).strict(), z.object({ closed: z.boolean() })),
  'documents.recent': invoke(Empty, z.array(RecentFile)),

  // The engine host: where inference runs, off the main thread.
  'engine.health': invoke(Empty, EngineHealth),
  'engine.status': event(EngineStatus),

  // Built-in OCR on some pages of a document (all pages when `pages` is omitted).
  'ocr.run': stream(
    z.object({ documentId: Id, pages: z.array(z.number().int().nonnegative()).max(10_000).optional() }).strict(),
    OcrChunk,
    z.object({ pages: z.number().int().nonnegative() }),
  ),

  // OCR results of a document as a file: the renderer saves it (a download in both hosts).
  'ocr.export': invoke(
    z.object({ documentId: Id, format: z.enum(['txt', 'json', 'hocr', 'alto', 'pdf']) }).strict(),
    z.object({ fileName: z.string(), mime: z.string(), bytes: Bytes }),
  ),

  // Local models and runs of them on a page. A run streams its tokens, then ends with the record
  // the history keeps; cancelled and failed runs are kept too (runs.list).
  'models.list': invoke(Empty, ModelList),
  // Converts a Hugging Face PaliGemma checkpoint folder the person picks (a folder dialog; not
  // offered by the headless host) into the user's models folder, with progress.
  'models.importCheckpoint': stream(
    z.object({ dtype: z.enum(['fp32', 'fp16', 'int8', 'q4']).default('q4') }).strict(),
    z.object({ stage: z.enum(['converting']), done: z.number().nonnegative(), total: z.number().nonnegative(), graph: z.string() }),
    z.object({ imported: z.boolean(), name: z.string().optional(), location: z.string().optional() }),
  ),
  'runs.start': stream(RunInput, RunChunk, RunRecord),
  'runs.list': invoke(z.object({ documentId: Id, page: z.number().int().nonnegative().optional() }).strict(), z.array(RunRecord)),

  // Cancels any running stream this window started.
  'streams.cancel': invoke(z.object({ streamId: Id }).strict(), z.object({ cancelled: z.boolean() })),
} satisfies ContractShape;

export type Contract = typeof contract;
export { StreamStarted };
