// The tasks a batch can run, the PaliGemma prompt each one sends, and how its raw output becomes data. Parsing goes
// through models/paligemma/tasks/parse.ts, so model text is only ever turned into numbers, labels and strings.
import { parseBoxes, parseText, type ImageSize } from '../paligemma/tasks/parse';

export const BATCH_TASKS = ['caption', 'answer', 'detect', 'segment', 'ocr', 'ocr-builtin'] as const;
export type BatchTask = (typeof BATCH_TASKS)[number];

export function isBatchTask(t: string): t is BatchTask {
  return (BATCH_TASKS as readonly string[]).includes(t);
}

/**
 * The prompt sent for a task. `given` may be the whole prompt ("detect cat ; dog") or just its argument ("cat ; dog",
 * or a question for answer); the task prefix is added when missing. Throws when a task needs an argument and has none.
 */
export function promptFor(task: BatchTask, given: string | undefined): string {
  const g = given?.trim() ?? '';
  switch (task) {
    case 'caption':
      if (!g) return 'caption en';
      return /^(caption|describe)\b/i.test(g) ? g : `caption ${g}`;
    case 'answer':
      if (!g) throw new Error('--task answer needs --prompt with the question');
      return /^answer\b/i.test(g) ? g : `answer en ${g}`;
    case 'detect':
    case 'segment':
      if (!g) throw new Error(`--task ${task} needs --prompt with what to look for, e.g. "cat ; dog"`);
      return g.toLowerCase().startsWith(`${task} `) ? g : `${task} ${g}`;
    case 'ocr':
      return g || 'ocr';
    case 'ocr-builtin':
      return '';
  }
}

export interface TextResult { task: 'ocr' | 'caption' | 'answer'; text: string; warnings: string[] }

/** The parsed result of a PaliGemma task (boxes in page pixels for detect/segment, text otherwise). Never throws. */
export function parseTaskOutput(task: Exclude<BatchTask, 'ocr-builtin'>, raw: string, size: ImageSize): unknown {
  if (task === 'detect' || task === 'segment') return parseBoxes(task, raw, size);
  // PaliGemma's "ocr" answers plain text, cleaned like a caption.
  const r = parseText(task === 'answer' ? 'answer' : 'caption', raw);
  return { task, text: r.text ?? '', warnings: r.warnings } satisfies TextResult;
}
