import { describe, expect, it } from 'vitest';
import { evaluate, type Prediction, type TruthItem } from './evaluate';
import { scorePage } from './score';
import { toEvalValue } from './values';

const page = (page: number) => ({ documentId: 1, documentPath: '/d/scan.tif', page });
const truth = (p: number, task: string, value: unknown, prompt = ''): TruthItem => ({ ...page(p), task, prompt, value: toEvalValue(value), source: { runId: 100 + p, status: 'corrected' } });
const pred = (p: number, task: string, model: string, value: unknown, extra: Partial<Prediction> = {}): Prediction => ({
  ...page(p), runId: Math.floor(Math.random() * 1e6), modelId: model, modelName: model.toUpperCase(), task, prompt: '', value: toEvalValue(value), confidence: null, totalMs: null, ...extra,
});
const text = (t: string) => ({ kind: 'text', task: 'ocr', text: t, warnings: [] });

describe('reading stored values', () => {
  it('accepts every stored shape and refuses the rest with a reason', () => {
    expect(toEvalValue(text('a'))).toEqual({ kind: 'text', text: 'a' });
    expect(toEvalValue({ task: 'ocr', text: 'old cli value', warnings: [] })).toEqual({ kind: 'text', text: 'old cli value' });
    expect(toEvalValue({ task: 'ocr-builtin', lines: [{ text: 'l1' }, { text: 'l2' }, 'junk'] })).toEqual({ kind: 'text', text: 'l1\nl2' });
    expect(toEvalValue({ task: 'detect', objects: [{ label: 'a', box: [0, 0, 1, 1] }], warnings: [] }).kind).toBe('boxes');
    expect(toEvalValue(null)).toMatchObject({ kind: 'unusable' });
    expect(toEvalValue('<script>')).toMatchObject({ kind: 'unusable' });
    expect(toEvalValue({ kind: 'table', table: { rows: 1e12, cols: 1, cells: [] } })).toMatchObject({ kind: 'unusable' });
    expect(toEvalValue({ kind: '__proto__' })).toMatchObject({ kind: 'unusable', reason: expect.stringMatching(/unknown kind/) });
  });
  it('a prediction of another kind is the worst score, with the reason', () => {
    const s = scorePage('ocr', toEvalValue(text('abc')), toEvalValue({ kind: 'boxes', task: 'detect', width: 1, height: 1, objects: [], warnings: [] }));
    expect(s.scores.cer).toBe(1);
    expect(s.notes[0]).toMatch(/boxes result, not text/);
    const bad = scorePage('table', toEvalValue(text('x')), toEvalValue(text('x')));
    expect(bad.scores).toEqual({});
    expect(bad.notes[0]).toMatch(/the truth is a text result/);
  });
});

describe('evaluate', () => {
  it('scores each model against the truth and summarises per task', async () => {
    const truths = [truth(0, 'ocr', text('kitten')), truth(1, 'ocr', text('abcd')), truth(2, 'vsr', { kind: 'verdict', text: 'true', answer: true, warnings: [] })];
    const preds = [
      pred(0, 'ocr', 'a', text('sitting'), { confidence: 0.2, totalMs: 100 }), pred(1, 'ocr', 'a', text('abcd'), { confidence: 0.9, totalMs: 300 }),
      pred(0, 'ocr', 'b', text('kitten')), pred(1, 'ocr', 'b', { nonsense: true }),
      pred(2, 'vsr', 'a', { kind: 'verdict', text: 'no', answer: false, warnings: [] }),
      pred(5, 'ocr', 'a', text('no truth for this page')),
    ];
    const r = await evaluate(truths, preds, { truthLabel: 'reviewed' });
    expect(r.tasks.map((t) => t.task)).toEqual(['ocr', 'vsr']);
    const ocr = r.tasks[0]!;
    const a = ocr.models.find((m) => m.modelId === 'a')!, b = ocr.models.find((m) => m.modelId === 'b')!;
    const cer = (m: typeof a) => m.metrics.find((x) => x.metric === 'cer')!;
    // a: CER 0.5 (kitten → sitting) and 0 → mean 0.25, median 0.25; b: 0 and 1 (unreadable → empty) → 0.5.
    expect(cer(a).mean).toBe(0.25);
    expect(cer(a).median).toBe(0.25);
    expect(cer(b).mean).toBe(0.5);
    expect(cer(a).ci![0]).toBeLessThanOrEqual(0.25);
    expect(a.medianMs).toBe(200);
    expect(r.pages[0]).toMatchObject({ task: 'ocr', modelId: 'b', page: 1, scores: { cer: 1 } });
    expect(r.pages[0]!.notes.join(' ')).toMatch(/cannot be used/);
    expect(r.notes.join(' ')).toMatch(/1 result\(s\) have no truth/);
    expect(r.tasks[1]!.models[0]!.metrics[0]).toMatchObject({ metric: 'accuracy', mean: 0 });
  });
  it('matches detect truth by prompt and gives AP over pages', async () => {
    const boxes = (...o: [string, number[]][]) => ({ kind: 'boxes', task: 'detect', width: 100, height: 100, objects: o.map(([label, box]) => ({ label, box })), warnings: [] });
    const truths = [truth(0, 'detect', boxes(['cat', [0, 0, 10, 10]]), 'detect cat'), truth(0, 'detect', boxes(['dog', [50, 50, 60, 60]]), 'dog')];
    const preds = [pred(0, 'detect', 'm', boxes(['cat', [0, 0, 10, 10]]), { prompt: 'cat' }), pred(0, 'detect', 'm', boxes(['cat', [50, 50, 60, 60]]), { prompt: 'detect dog' })];
    const r = await evaluate(truths, preds, { truthLabel: 'reviewed' });
    const m = r.tasks[0]!.models[0]!;
    expect(m.pages).toBe(2);
    expect(m.metrics.find((x) => x.metric === 'f1')!.mean).toBe(0.5);
    expect(m.metrics.find((x) => x.metric === 'ap50')!.mean).toBe(0.5); // cat AP 1, dog AP 0
  });
  it('confidence against quality: Spearman over pages', async () => {
    const truths = [0, 1, 2, 3].map((i) => truth(i, 'ocr', text('abcdefghij')));
    const preds = [0, 1, 2, 3].map((i) => pred(i, 'ocr', 'm', text('abcdefghij'.slice(0, 10 - i * 2)), { confidence: 1 - i * 0.2 }));
    const r = await evaluate(truths, preds, { truthLabel: 'reviewed' });
    expect(r.tasks[0]!.models[0]!.confidenceRho).toBeCloseTo(1, 12);
  });
});
