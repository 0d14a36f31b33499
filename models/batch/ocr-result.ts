// The built-in OCR's page as a stored result, in a module of its own so main can use it without loading the OCR
// engine (onnxruntime) that ocr-runner.ts brings in.
import { toText } from '../ocr/export';
import type { OcrPage } from '../ocr/types';
import type { PageResult } from './runner';

/**
 * A built-in OCR page as every store writer keeps it (batches here and in the app, the app's OCR panel): the raw
 * output is the page's text, the parsed value the whole page plus its mean line confidence.
 */
export function ocrPageResult(page: OcrPage): PageResult {
  const confidences = page.lines.map((l) => l.confidence);
  return {
    raw: toText([page]).replace(/\n$/, ''),
    parsed: { task: 'ocr-builtin', ...page, meanConfidence: confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null },
    logprobs: null,
    timings: page.timings,
    provider: 'cpu',
  };
}

