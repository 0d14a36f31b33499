// Which metrics each task is measured by, what they mean and which way is better. One table: the CLI, the app and the
// exports all read it, so names and directions never disagree.

export type Better = 'lower' | 'higher';
export interface MetricInfo {
  id: string;
  label: string;
  better: Better;
  /** 'rate' and 'score' are shown as percentages, 'count' as a number. */
  unit: 'rate' | 'score' | 'count';
  /** Computed over all pages together (AP), not page by page. */
  corpus?: boolean;
  /** A rough measure only (token overlap of free text), said wherever it is shown. */
  indicative?: boolean;
}

const m = (id: string, label: string, better: Better, unit: MetricInfo['unit'], extra: Partial<MetricInfo> = {}): MetricInfo => ({ id, label, better, unit, ...extra });

export const METRICS: Record<string, MetricInfo> = {
  cer: m('cer', 'CER', 'lower', 'rate'),
  wer: m('wer', 'WER', 'lower', 'rate'),
  lineCer: m('lineCer', 'line CER', 'lower', 'rate'),
  lineAccuracy: m('lineAccuracy', 'lines exact', 'higher', 'score'),
  mergedWords: m('mergedWords', 'merged words', 'lower', 'count'),
  splitWords: m('splitWords', 'split words', 'lower', 'count'),
  precision: m('precision', 'precision@.5', 'higher', 'score'),
  recall: m('recall', 'recall@.5', 'higher', 'score'),
  f1: m('f1', 'F1@.5', 'higher', 'score'),
  matchedIou: m('matchedIou', 'IoU of matches', 'higher', 'score'),
  ap50: m('ap50', 'AP@.5', 'higher', 'score', { corpus: true }),
  ap: m('ap', 'AP@[.5:.95]', 'higher', 'score', { corpus: true }),
  mIoU: m('mIoU', 'mIoU', 'higher', 'score'),
  maskIou: m('maskIou', 'mask IoU of matches', 'higher', 'score'),
  teds: m('teds', 'TEDS', 'higher', 'score'),
  tedsStruct: m('tedsStruct', 'TEDS (structure)', 'higher', 'score'),
  cellExact: m('cellExact', 'cells exact', 'higher', 'score'),
  valid: m('valid', 'valid SMILES', 'higher', 'score'),
  exact: m('exact', 'exact match', 'higher', 'score'),
  inchikey: m('inchikey', 'InChIKey match', 'higher', 'score'),
  tanimoto: m('tanimoto', 'Tanimoto (Morgan)', 'higher', 'score'),
  ser: m('ser', 'SER', 'lower', 'rate'),
  ler: m('ler', 'LER', 'lower', 'rate'),
  accuracy: m('accuracy', 'accuracy', 'higher', 'score'),
  rougeL: m('rougeL', 'ROUGE-L F1', 'higher', 'score', { indicative: true }),
};

/** The tasks results are evaluated by, with their metrics; the first is the task's headline (charts, worst-first). */
export const TASK_METRICS: Record<string, readonly string[]> = {
  ocr: ['cer', 'wer', 'lineCer', 'lineAccuracy', 'mergedWords', 'splitWords'],
  detect: ['f1', 'precision', 'recall', 'matchedIou', 'ap50', 'ap'],
  'ocr-boxes': ['f1', 'precision', 'recall', 'matchedIou', 'ap50', 'ap'],
  segment: ['mIoU', 'maskIou', 'f1', 'precision', 'recall', 'ap50', 'ap'],
  table: ['teds', 'tedsStruct', 'cellExact'],
  molecule: ['exact', 'inchikey', 'tanimoto', 'valid'],
  music: ['ser', 'ler'],
  vsr: ['accuracy'],
  caption: ['rougeL', 'exact'],
  describe: ['rougeL', 'exact'],
  answer: ['exact', 'rougeL'],
  report: ['rougeL', 'exact'],
};

export const EVAL_TASKS = Object.keys(TASK_METRICS);

/**
 * The evaluation task of a stored run's task: the built-in OCR and PaliGemma's OCR read the same pages and are compared
 * with each other; every other task is its own.
 */
export function evalTaskOf(task: string): string | null {
  if (task === 'ocr-builtin') return 'ocr';
  return task in TASK_METRICS ? task : null;
}

export const headlineOf = (task: string): MetricInfo => METRICS[TASK_METRICS[task]![0]!]!;
