// The task table: every task Paliscope runs, declared once. The engine (models/), the contract (preload/contract/),
// main and the renderer all read it, so this module imports nothing at all — lint keeps it that way — and is safe in
// the browser, in the contract and in Node alike.
//
// A task names the prompt rule (its prefix and whether it needs text), the kind of result its output parses into
// (which picks the parser in models/paligemma/tasks/analyze.ts, the view in the renderer and the export formats), and
// the words the forms show. Every task can run in a batch, from the app and from `paliscope batch`.

/** Files a parsed result can be saved as (main/files/run-export.ts writes them). */
export const EXPORT_FORMATS = ['json', 'txt', 'md', 'coco', 'html', 'csv', 'xlsx', 'smi', 'mol', 'sdf', 'krn', 'mei', 'musicxml', 'mid'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What the Export menus call each format. */
export const EXPORT_LABELS: Record<ExportFormat, string> = {
  json: 'JSON (parsed result)',
  txt: 'Plain text',
  md: 'Markdown',
  coco: 'COCO JSON',
  html: 'HTML table',
  csv: 'CSV',
  xlsx: 'Excel workbook (XLSX)',
  smi: 'SMILES',
  mol: 'MOL file',
  sdf: 'SDF',
  krn: '**kern',
  musicxml: 'MusicXML',
  mei: 'MEI',
  mid: 'MIDI',
};

/**
 * The kinds of parsed result (the `kind` every stored value carries), each with its export formats in menu order. A
 * kind is also the renderer's view: boxes over the page, text, report sections, a verdict, a table, a molecule, a score.
 */
export const RESULT_KINDS = {
  boxes: { exports: ['coco', 'json', 'txt'] },
  text: { exports: ['txt', 'md', 'json'] },
  report: { exports: ['md', 'txt', 'json'] },
  verdict: { exports: ['json', 'txt'] },
  table: { exports: ['html', 'csv', 'xlsx', 'json'] },
  molecule: { exports: ['smi', 'sdf', 'mol', 'json'] },
  music: { exports: ['krn', 'musicxml', 'mei', 'mid', 'json'] },
} as const satisfies Record<string, { exports: readonly ExportFormat[] }>;
export type ResultKind = keyof typeof RESULT_KINDS;

export interface TaskSpec {
  /** What the forms call it. */
  label: string;
  /** 'mix': a prefix PaliGemma's pretraining and mix checkpoints know (docs §5.1–5.2); 'transfer': a fine-tuned checkpoint's task. */
  group: 'mix' | 'transfer';
  /**
   * The task's name is the prompt's first word ("caption en", "detect cat ; dog", "ocr"). The transfer checkpoints'
   * prompts are not published uniformly, so for those the person's text is the whole prompt, from the model card.
   */
  prefix: boolean;
  /** The text a form starts with, and what an empty text means for a task that does not need one. */
  defaultText: string;
  /** The task cannot run without text (a question, objects, the model card's prompt). */
  needsText: boolean;
  /** What the text field asks for. */
  placeholder: string;
  /** The kind of result its output parses into. */
  kind: ResultKind;
  /** Its boxes are in the pixels of the image the model saw, so parsing needs that image's size. */
  sized: boolean;
}

const CARD = "the prompt from the checkpoint's model card";

export const TASKS = {
  caption: { label: 'Caption', group: 'mix', prefix: true, defaultText: 'en', needsText: false, placeholder: 'language, e.g. en', kind: 'text', sized: false },
  describe: { label: 'Describe', group: 'mix', prefix: true, defaultText: 'en', needsText: false, placeholder: 'language, e.g. en', kind: 'text', sized: false },
  answer: { label: 'Answer a question', group: 'mix', prefix: true, defaultText: 'en ', needsText: true, placeholder: 'language and question, e.g. en what is the date?', kind: 'text', sized: false },
  ocr: { label: 'Read text (OCR)', group: 'mix', prefix: true, defaultText: '', needsText: false, placeholder: 'nothing needed', kind: 'text', sized: false },
  detect: { label: 'Detect', group: 'mix', prefix: true, defaultText: '', needsText: true, placeholder: 'objects, e.g. table ; signature', kind: 'boxes', sized: true },
  segment: { label: 'Segment', group: 'mix', prefix: true, defaultText: '', needsText: true, placeholder: 'an object, e.g. stamp', kind: 'boxes', sized: true },
  'ocr-boxes': { label: 'Text with boxes', group: 'transfer', prefix: false, defaultText: '', needsText: true, placeholder: CARD, kind: 'boxes', sized: true },
  table: { label: 'Table structure', group: 'transfer', prefix: false, defaultText: '', needsText: true, placeholder: CARD, kind: 'table', sized: false },
  molecule: { label: 'Molecule → SMILES', group: 'transfer', prefix: false, defaultText: '', needsText: true, placeholder: CARD, kind: 'molecule', sized: false },
  music: { label: 'Music score → **kern', group: 'transfer', prefix: false, defaultText: '', needsText: true, placeholder: CARD, kind: 'music', sized: false },
  report: { label: 'Radiography report', group: 'transfer', prefix: false, defaultText: '', needsText: true, placeholder: CARD, kind: 'report', sized: false },
  vsr: { label: 'Spatial statement (true/false)', group: 'transfer', prefix: false, defaultText: '', needsText: true, placeholder: 'a statement, e.g. the stamp is left of the signature', kind: 'verdict', sized: false },
} as const satisfies Record<string, TaskSpec>;

/** A PaliGemma task. */
export type TaskName = keyof typeof TASKS;
/** The task names in the table's order (a tuple, so zod can make an enum of it). */
export const TASK_NAMES = Object.keys(TASKS) as [TaskName, ...TaskName[]];
/** The tasks a mix or pretrained checkpoint knows (group 'mix'): what such a model is listed as able to do. */
export type MixTaskName = { [T in TaskName]: (typeof TASKS)[T]['group'] extends 'mix' ? T : never }[TaskName];
export const MIX_TASK_NAMES = TASK_NAMES.filter((t): t is MixTaskName => TASKS[t].group === 'mix') as [MixTaskName, ...MixTaskName[]];
/** The tasks whose parsed result is plain text. */
export type TextTask = { [T in TaskName]: (typeof TASKS)[T]['kind'] extends 'text' ? T : never }[TaskName];
/** The tasks whose parsed result is boxes on the image. */
export type BoxTask = { [T in TaskName]: (typeof TASKS)[T]['kind'] extends 'boxes' ? T : never }[TaskName];

export function isTaskName(t: string): t is TaskName {
  return Object.hasOwn(TASKS, t);
}

/** Paliscope's own OCR (PP-OCRv4, shipped with the app): a batch task of its own, with this model id in the store. */
export const BUILTIN_OCR = { task: 'ocr-builtin', modelId: 'builtin-ppocr', modelName: 'PP-OCRv4 (built-in)' } as const;

/** The name a built-in OCR batch is listed under: the built-in model, or the recognizer folder the person chose for it. */
export function builtinOcrModelName(recognizerDir: string | null): string {
  if (!recognizerDir) return BUILTIN_OCR.modelName;
  const folder = recognizerDir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || recognizerDir;
  return `${BUILTIN_OCR.modelName} with the recognizer in ${folder}`;
}

/** What a batch may run: every task, and the built-in OCR. */
export const BATCH_TASKS = [...TASK_NAMES, BUILTIN_OCR.task] as [TaskName | typeof BUILTIN_OCR.task, ...(TaskName | typeof BUILTIN_OCR.task)[]];
export type BatchTaskName = TaskName | typeof BUILTIN_OCR.task;

export function isBatchTask(t: string): t is BatchTaskName {
  return t === BUILTIN_OCR.task || isTaskName(t);
}

/** Why `text` cannot be the text of a `task` prompt, or null when it can. */
export function promptProblem(task: TaskName, text: string): string | null {
  const spec: TaskSpec = TASKS[task];
  if (/[\n\r]/.test(text)) return 'the prompt must be one line (PaliGemma ends the prompt at a newline)';
  if (spec.needsText && !text.trim()) return `${spec.label} needs ${spec.placeholder}`;
  return null;
}

/**
 * The prompt rule: the exact prompt the model reads for a task and the person's text. For a prefix task the text is
 * what follows the task's name ("en", "en what is the date?", "cat ; dog"), and may also be given whole ("detect cat");
 * an empty text takes the task's default ("caption en", "ocr"). A transfer task's text is the whole prompt.
 */
export function promptText(task: TaskName, text: string): string {
  const spec: TaskSpec = TASKS[task];
  const t = text.trim() || spec.defaultText.trim();
  if (!spec.prefix) return t;
  const lower = t.toLowerCase();
  if (lower === task || lower.startsWith(`${task} `)) return t;
  return t ? `${task} ${t}` : task;
}
