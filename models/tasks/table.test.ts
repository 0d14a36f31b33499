import { describe, expect, it } from 'vitest';
import { BATCH_TASKS, BUILTIN_OCR, isBatchTask, isTaskName, MIX_TASK_NAMES, promptProblem, promptText, RESULT_KINDS, TASK_NAMES, TASKS } from './table';

describe('the task table', () => {
  it('has the twelve PaliGemma tasks, and a batch may run every one of them and the built-in OCR', () => {
    expect(TASK_NAMES).toEqual(['caption', 'describe', 'answer', 'ocr', 'detect', 'segment', 'ocr-boxes', 'table', 'molecule', 'music', 'report', 'vsr']);
    expect(BATCH_TASKS).toEqual([...TASK_NAMES, 'ocr-builtin']);
    expect(BATCH_TASKS.every(isBatchTask)).toBe(true);
    expect(isTaskName(BUILTIN_OCR.task)).toBe(false);
    expect(isTaskName('toString')).toBe(false);
    expect(isBatchTask('poem')).toBe(false);
  });

  it('names the mix tasks once: what a mix or pretrained checkpoint (the catalog, a model folder) can do', () => {
    expect(MIX_TASK_NAMES).toEqual(['caption', 'describe', 'answer', 'ocr', 'detect', 'segment']);
  });

  it('gives every task a kind that has exports, and marks exactly the box tasks as needing the image size', () => {
    for (const t of TASK_NAMES) expect(RESULT_KINDS[TASKS[t].kind].exports.length).toBeGreaterThan(0);
    expect(TASK_NAMES.filter((t) => TASKS[t].sized)).toEqual(TASK_NAMES.filter((t) => TASKS[t].kind === 'boxes'));
  });
});

describe('the prompt rule', () => {
  it('prefixes the mix tasks, takes a whole prompt as given, and fills in a default', () => {
    expect(promptText('caption', 'en')).toBe('caption en');
    expect(promptText('caption', '  ')).toBe('caption en');
    expect(promptText('describe', '')).toBe('describe en');
    expect(promptText('ocr', '')).toBe('ocr');
    expect(promptText('answer', 'en what is the date?')).toBe('answer en what is the date?');
    expect(promptText('detect', 'cat ; dog')).toBe('detect cat ; dog');
    expect(promptText('detect', 'Detect cat')).toBe('Detect cat');
    expect(promptText('segment', 'segmented wall')).toBe('segment segmented wall');
  });

  it('sends a transfer task the person text as the whole prompt', () => {
    expect(promptText('table', ' extract table ')).toBe('extract table');
    expect(promptText('vsr', 'the stamp is left of the signature')).toBe('the stamp is left of the signature');
  });

  it('says what a task needs, and refuses a prompt of several lines', () => {
    expect(promptProblem('detect', ' ')).toBe('Detect needs objects, e.g. table ; signature');
    expect(promptProblem('music', '')).toBe("Music score → **kern needs the prompt from the checkpoint's model card");
    expect(promptProblem('caption', '')).toBeNull();
    expect(promptProblem('ocr', '')).toBeNull();
    expect(promptProblem('answer', 'en what\nis it')).toMatch(/one line/);
  });
});
