import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, type EvalProgress, type Prediction, type TruthItem } from './evaluate';
import { evaluateInWorker } from './in-worker';
import { toEvalValue } from './values';

const text = (t: string) => toEvalValue({ kind: 'text', task: 'ocr', text: t, warnings: [] });
const at = (page: number) => ({ documentId: 1, documentPath: '/d/scan.tif', page });
const truths: TruthItem[] = Array.from({ length: 40 }, (_, i) => ({ ...at(i), task: 'ocr', prompt: '', value: text(`line ${i} of the page`), source: { runId: 1000 + i, status: 'accepted' } }));
const predictions: Prediction[] = ['a', 'b'].flatMap((m, k) => truths.map((t, i) => ({
  ...at(t.page), runId: i * 2 + k + 1, modelId: m, modelName: m.toUpperCase(), task: 'ocr', prompt: '', value: text(k ? `lime ${i} of the page` : `line ${i} of the page`), confidence: null, totalMs: 10,
})));

describe('evaluation on a worker thread', () => {
  it('gives the numbers the same evaluation gives on this thread, with progress', async () => {
    const progress: EvalProgress[] = [];
    const inWorker = await evaluateInWorker({ truth: { kind: 'reviewed', truths }, predictions }, { onProgress: (p) => progress.push(p) });
    const here = await evaluate(truths, predictions, { truthLabel: 'reviewed results' });
    expect(inWorker).toEqual(here);
    expect(inWorker.tasks[0]!.models.map((m) => m.metrics[0]!.mean)).toEqual([0, here.tasks[0]!.models[1]!.metrics[0]!.mean]);
    expect(progress.at(-1)).toEqual({ stage: 'summarising', done: 1, total: 2 });
    expect(progress.some((p) => p.stage === 'scoring' && p.done === 80 && p.total === 80)).toBe(true);
  });

  it('is cancelled at once by its signal, and refuses to start when already cancelled', async () => {
    const controller = new AbortController();
    const job = evaluateInWorker({ truth: { kind: 'reviewed', truths }, predictions }, { signal: controller.signal });
    controller.abort();
    await expect(job).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(evaluateInWorker({ truth: { kind: 'reviewed', truths }, predictions }, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('reads a truth folder there, matching pages by file name; an empty folder is an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paliscope-truth-'));
    writeFileSync(join(dir, 'scan.1.txt'), 'line 0 of the page');
    writeFileSync(join(dir, 'scan.2.txt'), 'line 1 of the page');
    const r = await evaluateInWorker({ truth: { kind: 'folder', dir, label: 'truth' }, predictions });
    expect(r.truth).toBe('files in truth');
    expect(r.pages).toHaveLength(4);
    expect(r.pages.find((p) => p.modelId === 'a')!.truthFile).toBe(join(dir, 'scan.1.txt'));
    const empty = mkdtempSync(join(tmpdir(), 'paliscope-truth-'));
    await expect(evaluateInWorker({ truth: { kind: 'folder', dir: empty, label: 'nothing here' }, predictions })).rejects.toThrow(/nothing here: no truth file found/);
  });
});
