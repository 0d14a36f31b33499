// The tasks a run can be for. Zod-free, so the renderer imports the lists at run time (its task menu, the prompt
// prefix it shows) and the schema in runs.ts is built from the same declaration.

/**
 * The first six are the prefixes PaliGemma's pretraining and mix checkpoints know (docs §5.1–5.2). The fine-tuned
 * transfer checkpoints (text detection, tables, molecules, music, radiography, VSR) take the prompt their model card
 * gives, which is not published uniformly, so for those the person's text is the whole prompt.
 */
export const RUN_TASKS = ['caption', 'describe', 'answer', 'ocr', 'detect', 'segment', 'ocr-boxes', 'table', 'molecule', 'music', 'report', 'vsr'] as const;
export type RunTaskName = (typeof RUN_TASKS)[number];

/** Tasks whose name is the prompt's first word. */
export const PREFIX_TASKS: readonly RunTaskName[] = ['caption', 'describe', 'answer', 'ocr', 'detect', 'segment'];

/** The prompt the model reads, e.g. "caption en", "answer en what is the date?", "ocr"; a transfer task's text as is. */
export function promptText(p: { task: RunTaskName; text: string }): string {
  const text = p.text.trim();
  if (!PREFIX_TASKS.includes(p.task)) return text;
  return text ? `${p.task} ${text}` : p.task;
}
