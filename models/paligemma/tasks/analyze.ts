// One entry point from a raw PaliGemma output to its parsed result, for every task Paliscope knows: the app's runs
// (main), `paliscope parse` and `paliscope run --task` all call this, so a result means the same everywhere.
//
// The heavy parsers (RDKit for molecules, Verovio for music, the VQ-VAE for masks) are imported on first use only:
// a caption run never pays for loading a chemistry toolkit.
import { parseBoxes, parseText, type ImageSize } from './parse';
import { parseReport, type ReportSection } from './report';

export const ANALYZE_TASKS = ['caption', 'describe', 'answer', 'ocr', 'detect', 'segment', 'ocr-boxes', 'table', 'molecule', 'music', 'report', 'vsr'] as const;
export type AnalyzeTask = (typeof ANALYZE_TASKS)[number];

/** Tasks whose boxes need the size of the image the model was given. */
export const SIZED_TASKS: readonly AnalyzeTask[] = ['detect', 'segment', 'ocr-boxes'];

export interface BoxObject {
  label: string;
  /** [x0, y0, x1, y1] in pixels of the original image. */
  box: [number, number, number, number];
  /** Raw loc values in model order (y_min, x_min, y_max, x_max; 8 for a quadrilateral). */
  locs: number[];
  seg?: number[];
}

export type TaskResult =
  | { kind: 'boxes'; task: 'detect' | 'segment' | 'ocr-boxes'; width: number; height: number; objects: BoxObject[]; warnings: string[] }
  | { kind: 'text'; task: 'caption' | 'describe' | 'answer' | 'ocr'; text: string; warnings: string[] }
  | { kind: 'report'; text: string; sections: ReportSection[]; warnings: string[] }
  | { kind: 'verdict'; text: string; answer: boolean | null; warnings: string[] };

export interface AnalyzeOptions {
  /** The original image size in pixels (required for detect / segment / ocr-boxes). */
  size?: ImageSize;
}

/** Parses `raw` as the output of `task`. Never throws for bad model output: malformed parts become warnings. */
export async function analyzeOutput(task: AnalyzeTask, raw: string, options: AnalyzeOptions = {}): Promise<TaskResult> {
  switch (task) {
    case 'detect':
    case 'segment':
    case 'ocr-boxes': {
      const size = options.size ?? { width: 0, height: 0 };
      const r = parseBoxes(task, raw, size);
      return { kind: 'boxes', task, width: size.width, height: size.height, objects: r.objects, warnings: r.warnings };
    }
    case 'vsr': {
      const r = parseText('vsr', raw);
      return { kind: 'verdict', text: r.text ?? '', answer: r.answer ?? null, warnings: r.warnings };
    }
    case 'report':
      return { kind: 'report', ...parseReport(raw) };
    case 'caption':
    case 'describe':
    case 'answer':
    case 'ocr': {
      // The plain-text tasks differ only in name; the checks (empty, stray loc tokens) are the same.
      const r = parseText(task === 'answer' ? 'answer' : 'caption', raw);
      return { kind: 'text', task, text: r.text ?? '', warnings: r.warnings };
    }
    case 'table':
    case 'molecule':
    case 'music':
      return { kind: 'text', task: 'ocr', text: raw, warnings: [`${task} parsing is not available yet`] };
  }
}
