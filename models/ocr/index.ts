// Public entry point of Paliscope's built-in OCR engine.
export type {
  DetectionOptions,
  EngineOptions,
  Logger,
  OcrEngine,
  OcrLine,
  OcrOptions,
  OcrPage,
  OcrProgress,
  OcrWord,
  Point,
  Quad,
  RawImage,
  RecognizerSpec,
} from './types';
export { createOcrEngine, OcrAbortError } from './engine';
export { defaultOcrModelDir, MODEL_FILES } from './model-dir';
