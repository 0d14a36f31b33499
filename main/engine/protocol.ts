// Messages between main and the engine host (the process where inference runs), declared once as schemas like the
// renderer's contract: each method's params, result and progress. The host parses every request's params before it
// runs anything, and main parses every reply (result and progress) before it is used, so a host that misbehaves —
// a bug, a half-written message from a crash — is a clear error, never a malformed value deep in main.
// Replies are matched by id and every request ends in exactly one `result` or `error`.
import { z } from 'zod';
import { Bytes } from '../../preload/contract/common';
import { ErrorCode } from '../../preload/contract/define';
import { OcrPage, RunParsed, RunStrategy } from '../../preload/contract';
import { EXPORT_FORMATS, TASK_NAMES } from '../../models/tasks/table';

const Pixels = z.object({
  data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes (a Uint8Array)' }),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.literal(3),
}).refine((p) => p.data.byteLength === p.width * p.height * 3, { message: 'pixel data must be width × height × 3 bytes' });
const Size = z.object({ width: z.number().positive(), height: z.number().positive() });
const Region = z.object({ x: z.number().int().nonnegative(), y: z.number().int().nonnegative(), width: z.number().int().positive(), height: z.number().int().positive() });
const Strings = z.record(z.string(), z.string());

/**
 * The person's engine settings (main/services/settings.ts), sent with every run and OCR page so a change takes effect
 * on the next one: the host reloads a model (or the OCR sessions) whose preferences differ from the loaded ones.
 */
export const EnginePrefs = z.object({
  providers: z.array(z.enum(['cpu', 'cuda', 'dml', 'coreml', 'webgpu'])).min(1).optional(),
  threads: z.number().int().min(1).max(256).optional(),
  /** Preferred weight type: used for each part of the model that has a file of it, the plan's choice otherwise. */
  dtype: z.enum(['fp32', 'fp16', 'int8', 'uint8', 'q8', 'q4', 'q4f16', 'bnb4']).optional(),
  imageCacheBytes: z.number().int().nonnegative().optional(),
}).strict();
export type EnginePrefs = z.infer<typeof EnginePrefs>;

/** One page (or region) through the run pipeline (models/runs/pipeline.ts): generate and analyze in one call. */
const RunParams = z.object({
  modelDir: z.string().min(1),
  task: z.enum(TASK_NAMES),
  prompt: z.string().max(4000),
  /** The page's pixels as rendered, cropped to the region when there is one (no PNG round trip). */
  image: Pixels,
  maxNewTokens: z.number().int().positive(),
  strategy: RunStrategy,
  region: z.object({ region: Region, page: Size }).nullable(),
  vaePath: z.string().nullable(),
  prefs: EnginePrefs.optional(),
});
const RunProgress = z.union([
  z.object({ type: z.literal('stage'), stage: z.literal('load') }),
  z.object({ type: z.literal('stage'), stage: z.literal('generate'), providers: Strings, dtypes: Strings }),
  z.object({ type: z.literal('token'), token: z.object({ id: z.number().int(), text: z.string(), logprob: z.number(), index: z.number().int().nonnegative() }) }),
]);
const RunTimingsOut = z.object({
  preprocessMs: z.number(), visionMs: z.number(), visionCached: z.boolean(), prefillMs: z.number(), timeToFirstTokenMs: z.number(),
  decodeMs: z.number(), decodeTokensPerSecond: z.number().nullable(), totalMs: z.number(), peakRssBytes: z.number(),
  loadMs: z.number(), modelLoaded: z.boolean(),
});
const RunOutcome = z.object({
  status: z.enum(['done', 'cancelled', 'error']),
  raw: z.string(),
  ids: z.array(z.number().int()),
  logprobs: z.array(z.number()),
  pieces: z.array(z.string()),
  finishReason: z.enum(['eos', 'length']).nullable(),
  parsed: RunParsed.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  timings: RunTimingsOut.nullable(),
  providers: Strings,
  dtypes: Strings,
  /** The intra-op threads of the model's sessions (absent when no model was loaded). */
  threads: z.number().int().positive().optional(),
});

const ResultSource = z.object({
  documentName: z.string(), page: z.number().int().nonnegative(), task: z.enum(TASK_NAMES), prompt: z.string(), model: z.string(),
  source: z.enum(['model', 'pasted']), raw: z.string(),
  study: z.object({
    fields: z.array(z.object({ label: z.string(), value: z.string() })).max(200),
    window: z.object({ center: z.number(), width: z.number(), invert: z.boolean().optional() }).nullable(),
    deidentified: z.string().nullable(),
  }).optional(),
});
const ExportedFile = z.object({ fileName: z.string().min(1), extension: z.string(), mime: z.string(), bytes: Bytes });
const ValidationReport = z.object({
  dir: z.string(), ok: z.boolean(), layout: z.enum(['paliscope', 'onnx-community']).nullable(), dtypes: z.array(z.string()),
  checks: z.array(z.object({ what: z.string(), ok: z.boolean(), detail: z.string() })),
});

const method = <P extends z.ZodType, R extends z.ZodType, G extends z.ZodType = z.ZodNever>(params: P, result: R, progress?: G) =>
  ({ params, result, progress: (progress ?? z.never()) as G });

export const engineProtocol = {
  ping: method(z.object({}).strict(), z.object({ pid: z.number().int(), uptimeMs: z.number(), rssBytes: z.number() })),
  'ocr.recognize': method(
    z.object({
      image: Pixels, prefs: EnginePrefs.pick({ threads: true }).optional(),
      /** A recognizer folder the person chose in Settings (checked again when loaded); absent or null: the built-in one. */
      recognizer: z.string().min(1).max(4096).nullable().optional(),
    }),
    // When the chosen recognizer cannot be used the page is read with the built-in one and this says why.
    OcrPage.extend({ recognizerProblem: z.string().optional() }),
    z.object({ stage: z.enum(['detect', 'classify', 'recognize']), done: z.number(), total: z.number() }),
  ),
  /** The run pipeline: one page generated and analyzed; a failed or cancelled run is a result with its status. */
  'runs.run': method(RunParams, RunOutcome, RunProgress),
  /** The analyze step alone (models/runs/analyze.ts), for pasted output and a re-parse: the stored result, on the page. */
  'runs.analyze': method(
    z.object({
      task: z.enum(TASK_NAMES), raw: z.string(), seen: Size.nullable(), region: z.object({ region: Region, page: Size }).nullable(),
      vaePath: z.string().nullable(),
    }),
    RunParsed.nullable(),
  ),
  /**
   * One task's parser on one output (models/paligemma/tasks/analyze), for the review editor's SMILES and **kern
   * checks. Here rather than in main: RDKit, Verovio and the mask decoder can take seconds on a hostile output (a model
   * repeating "CCCC…"), and a WASM abort must not take main down.
   */
  'tasks.analyze': method(
    z.object({ task: z.enum(TASK_NAMES), raw: z.string(), options: z.object({ size: Size.optional(), vaePath: z.string().nullable().optional() }) }),
    RunParsed,
  ),
  /** Writes a parsed result as a file (MIDI and MEI need Verovio, XLSX exceljs): here for the same reasons. */
  'tasks.export': method(z.object({ parsed: RunParsed, from: ResultSource, format: z.enum(EXPORT_FORMATS) }), ExportedFile),
  /**
   * Checks a mask decoder's weights (vae-oid.npz, a file the person picked: inflated with bounds, every tensor's
   * shape checked) and installs it in `modelsDir`. Here so a hostile archive costs the engine host, not main.
   */
  'mask.importDecoder': method(z.object({ name: z.string(), bytes: Bytes, modelsDir: z.string().min(1) }), z.object({ location: z.string() })),
  /**
   * Checks a recognizer folder the person picked (models/ocr/recognizer-folder.ts: files, sizes, dictionary text; then
   * the engine's start-up check of the class count). Here because the folder is untrusted and sessions never open in main.
   */
  'ocr.checkRecognizer': method(z.object({ dir: z.string().min(1).max(4096) }), z.object({ model: z.string(), dictionary: z.string(), entries: z.number().int() })),
  /** Opens a model folder's graphs to check them (an import): sessions are never opened in main. */
  'models.validate': method(z.object({ dir: z.string().min(1) }), ValidationReport),
  /** Progress is in weights read. */
  'checkpoint.convert': method(
    z.object({
      checkpointDir: z.string().min(1), outDir: z.string().min(1), dtype: z.enum(['fp32', 'fp16', 'int8', 'q4']),
      /** Only these graphs (a download-and-convert resumes graph by graph); default all three. */
      graphs: z.array(z.enum(['vision_encoder', 'embed_tokens', 'decoder'])).optional(),
    }),
    z.object({ files: z.array(z.string()) }),
    z.object({ done: z.number(), total: z.number(), graph: z.string() }),
  ),
};

type Protocol = typeof engineProtocol;
export type EngineMethod = keyof Protocol;
export type EngineParams<M extends EngineMethod> = z.input<Protocol[M]['params']>;
export type EngineResult<M extends EngineMethod> = z.output<Protocol[M]['result']>;
export type EngineProgress<M extends EngineMethod> = z.output<Protocol[M]['progress']>;
export type RunOutcomeMessage = EngineResult<'runs.run'>;
/** Each method's params and result types, for code that handles methods generically (time limits). */
export type EngineMethods = { [M in EngineMethod]: { params: EngineParams<M>; result: EngineResult<M> } };

export const EngineRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), id: z.number().int().positive(), method: z.string(), params: z.unknown() }),
  z.object({ kind: z.literal('cancel'), id: z.number().int().positive() }),
]);
export type EngineRequest = z.infer<typeof EngineRequest>;

export const EngineReply = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), pid: z.number().int() }),
  z.object({ kind: z.literal('progress'), id: z.number().int(), progress: z.unknown() }),
  z.object({ kind: z.literal('result'), id: z.number().int(), value: z.unknown() }),
  z.object({ kind: z.literal('error'), id: z.number().int(), code: ErrorCode, message: z.string() }),
]);
export type EngineReply = z.infer<typeof EngineReply>;

export function isEngineMethod(name: string): name is EngineMethod {
  return Object.hasOwn(engineProtocol, name);
}

/** A message that does not fit its schema, said in one line: which method, which part, what is wrong. */
export function protocolProblem(method: string, part: 'params' | 'result' | 'progress', error: z.ZodError): string {
  const first = error.issues[0];
  return `engine host ${method}: ${part} do not fit the protocol${first ? ` (${first.path.join('.') || 'value'}: ${first.message})` : ''}`;
}
