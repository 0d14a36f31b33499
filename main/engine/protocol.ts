// Messages between main and the engine host (the process where inference runs). Both sides are
// ours, but the host can crash or be killed mid-message, so replies are matched by id and every
// request ends in exactly one `result` or `error`.
import type { ErrorCode } from '../../preload/contract/define';
import type { OcrPage, RawImage } from '../../models/ocr/types';
import type { GenerateResult } from '../../models/paligemma/engine';
import type { Strategy } from '../../models/runtime/decode';
import type { ValidationReport } from '../../models/hub/local-import';
import type { RunRecord } from '../../preload/contract';
import type { ExportFormat as RunExportFormat } from '../../models/tasks/table';
import type { AnalyzeRunInput, ParsedResult } from '../../models/runs/analyze';
import type { ExportedFile, ResultSource } from '../services/run-export';
import type { AnalyzeOptions, AnalyzeTask, TaskResult } from '../../models/paligemma/tasks/analyze';

/** A PaliGemma generation: the model folder (loaded once and kept), an encoded page image, the prompt. */
export interface PaliGemmaGenerateParams {
  modelDir: string;
  /** PNG bytes of the page (the engine decodes and resizes it itself, like the CLI). */
  image: Uint8Array;
  prompt: string;
  maxNewTokens: number;
  strategy: Strategy;
}
export interface PaliGemmaGenerateResult extends Omit<GenerateResult, 'timings'> {
  timings: GenerateResult['timings'] & { loadMs: number; modelLoaded: boolean };
  providers: Record<string, string>;
  dtypes: Record<string, string>;
}
/** Progress of a generation: a stage change, or one token as it is chosen. */
export type PaliGemmaProgress =
  | { type: 'stage'; stage: 'load' }
  | { type: 'stage'; stage: 'generate'; providers: Record<string, string>; dtypes: Record<string, string> }
  | { type: 'token'; token: { id: number; text: string; logprob: number; index: number } };

export interface EngineMethods {
  ping: { params: Record<string, never>; result: { pid: number; uptimeMs: number; rssBytes: number } };
  'ocr.recognize': { params: { image: RawImage }; result: OcrPage };
  'paligemma.generate': { params: PaliGemmaGenerateParams; result: PaliGemmaGenerateResult };
  /**
   * Parses a raw output (models/paligemma/tasks/analyze). Here rather than in main: RDKit, Verovio and the mask
   * decoder can take seconds on a hostile output (a model repeating "CCCC…"), and a WASM abort must not take main down.
   */
  /** Opens a model folder's graphs to check them (an import): sessions are never opened in main. */
  'models.validate': { params: { dir: string }; result: ValidationReport };
  'tasks.analyze': { params: { task: AnalyzeTask; raw: string; options: AnalyzeOptions }; result: TaskResult };
  /** The analyze step of a run (models/runs/analyze): the output parsed into its stored result, in page pixels. */
  'runs.analyze': { params: AnalyzeRunInput; result: ParsedResult | null };
  /** Writes a parsed result as a file (MIDI and MEI need Verovio, XLSX exceljs): here for the same reasons. */
  'tasks.export': { params: { parsed: NonNullable<RunRecord['parsed']>; from: ResultSource; format: RunExportFormat }; result: ExportedFile };
  /**
   * Checks a mask decoder's weights (vae-oid.npz, a file the person picked: inflated with bounds, every tensor's
   * shape checked) and installs it in `modelsDir`. Here so a hostile archive costs the engine host, not main.
   */
  'mask.importDecoder': { params: { name: string; bytes: Uint8Array; modelsDir: string }; result: { location: string } };
  /** Progress messages are `{ done, total, graph }` in weights read. */
  'checkpoint.convert': {
    /** graphs: only these (a download-and-convert resumes graph by graph); default all three. */
    params: { checkpointDir: string; outDir: string; dtype: 'fp32' | 'fp16' | 'int8' | 'q4'; graphs?: Array<'vision_encoder' | 'embed_tokens' | 'decoder'> };
    result: { files: string[] };
  };
}
export type EngineMethod = keyof EngineMethods;

export type EngineRequest =
  | { kind: 'call'; id: number; method: EngineMethod; params: unknown }
  | { kind: 'cancel'; id: number };

export type EngineReply =
  | { kind: 'ready'; pid: number }
  | { kind: 'progress'; id: number; progress: unknown }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; code: ErrorCode; message: string };
