// Messages between main and the engine host (the process where inference runs). Both sides are
// ours, but the host can crash or be killed mid-message, so replies are matched by id and every
// request ends in exactly one `result` or `error`.
import type { ErrorCode } from '../../preload/contract/define';
import type { OcrPage, RawImage } from '../../models/ocr/types';

export interface EngineMethods {
  ping: { params: Record<string, never>; result: { pid: number; uptimeMs: number; rssBytes: number } };
  'ocr.recognize': { params: { image: RawImage }; result: OcrPage };
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
