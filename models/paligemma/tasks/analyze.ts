// One entry point from a raw PaliGemma output to its parsed result, for every task Paliscope knows: the app's runs
// (main), `paliscope parse` and `paliscope run --task` all call this, so a result means the same everywhere.
//
// The heavy parsers (RDKit for molecules, Verovio for music, the VQ-VAE for masks) are imported on first use only:
// a caption run never pays for loading a chemistry toolkit.
import { parseBoxes, parseText, type ImageSize } from './parse';
import { parseReport, type ReportSection } from './report';
import { parseTable, type TableResult } from './table/parse-table';
import type { MoleculeResult } from './molecule/analyze';
import type { MusicResult } from './music/result';
import type { SegmentMaskResult } from './mask/segment';
import { TASKS, type BoxTask, type TaskName, type TextTask } from '../../tasks/table';

/** Every task of the task table (models/tasks/table.ts) has a parser here, picked by the kind of its result. */
export type AnalyzeTask = TaskName;

export interface BoxObject {
  label: string;
  /** [x0, y0, x1, y1] in pixels of the original image. */
  box: [number, number, number, number];
  /** Raw loc values in model order (y_min, x_min, y_max, x_max; 8 for a quadrilateral). */
  locs: number[];
  seg?: number[];
  /** segment: the decoded mask over the whole image (COCO RLE); null when its codes could not be decoded. */
  mask?: SegmentMaskResult | null;
}

export type TaskResult =
  | { kind: 'boxes'; task: BoxTask; width: number; height: number; objects: BoxObject[]; warnings: string[] }
  | { kind: 'text'; task: TextTask; text: string; warnings: string[] }
  | { kind: 'report'; text: string; sections: ReportSection[]; warnings: string[] }
  | { kind: 'verdict'; text: string; answer: boolean | null; warnings: string[] }
  | { kind: 'table'; table: TableResult; warnings: string[] }
  | { kind: 'molecule'; molecule: MoleculeResult; warnings: string[] }
  | { kind: 'music'; music: MusicResult; warnings: string[] };

export interface AnalyzeOptions {
  /** The original image size in pixels (required for detect / segment / ocr-boxes). */
  size?: ImageSize;
  /**
   * segment: the VQ-VAE weights (vae-oid.npz) that turn seg codes into masks. Without them a segment result keeps its
   * boxes and codes, and says masks need the file.
   */
  vaePath?: string | null;
}

/** Parses `raw` as the output of `task`. Never throws for bad model output: malformed parts become warnings. */
export async function analyzeOutput(task: AnalyzeTask, raw: string, options: AnalyzeOptions = {}): Promise<TaskResult> {
  const kind = TASKS[task].kind;
  switch (kind) {
    case 'boxes': {
      const boxTask = task as BoxTask;
      const size = options.size ?? { width: 0, height: 0 };
      const r = parseBoxes(boxTask, raw, size);
      const result: TaskResult = { kind, task: boxTask, width: size.width, height: size.height, objects: r.objects, warnings: r.warnings };
      if (boxTask === 'segment' && r.objects.some((o) => o.seg)) await addMasks(result, options.vaePath ?? null);
      return result;
    }
    case 'verdict': {
      const r = parseText('vsr', raw);
      return { kind, text: r.text ?? '', answer: r.answer ?? null, warnings: r.warnings };
    }
    case 'report':
      return { kind, ...parseReport(raw) };
    case 'text': {
      // The plain-text tasks differ only in name; the checks (empty, stray loc tokens) are the same.
      const r = parseText(task === 'answer' ? 'answer' : 'caption', raw);
      return { kind, task: task as TextTask, text: r.text ?? '', warnings: r.warnings };
    }
    case 'table': {
      // The table keeps its own warnings (the view lists them beside the grid); they are the result's too.
      const table = parseTable(raw);
      return { kind, table, warnings: table.warnings };
    }
    case 'molecule': {
      const { analyzeSmiles } = await import('./molecule/analyze');
      const molecule = await analyzeSmiles(raw);
      return { kind, molecule, warnings: molecule.warnings };
    }
    case 'music': {
      const { analyzeMusic } = await import('./music/render');
      const music = await analyzeMusic(raw);
      return { kind, music, warnings: music.warnings };
    }
  }
}

/** Decodes the seg codes of a segment result into masks in place; a missing or broken decoder file is a warning. */
async function addMasks(result: Extract<TaskResult, { kind: 'boxes' }>, vaePath: string | null): Promise<void> {
  if (!vaePath) {
    result.warnings.push('masks are not drawn: the mask decoder (vae-oid.npz) is not installed — import it beside a segment result in the app, or pass --vae to paliscope parse');
    return;
  }
  try {
    const { decodeSegments } = await import('./mask/segment');
    const decoded = await decodeSegments(result.objects, { width: result.width, height: result.height }, vaePath);
    result.objects.forEach((o, i) => {
      if (o.seg) o.mask = decoded.masks[i] ?? null;
    });
    result.warnings.push(...decoded.warnings);
  } catch (e) {
    result.warnings.push(`masks are not drawn: ${(e as Error).message}`);
  }
}
