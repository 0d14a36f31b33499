import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../preload/contract';
import { formatBox, objectIndexOf, objectShapeId, runShapes } from './run-overlay';

// A record as main sends it at the end of runs.start, with the parsed objects injected.
const record: RunRecord = {
  id: 'r1',
  documentId: 'd1',
  page: 0,
  model: { id: 'm', name: 'tiny', location: '/models/tiny' },
  prompt: { task: 'detect', text: 'cat ; dog' },
  promptText: 'detect cat ; dog',
  maxNewTokens: 32,
  strategy: { kind: 'greedy' },
  startedAt: '2026-01-01T00:00:00.000Z',
  status: 'done',
  text: '<loc0000><loc0000><loc0511><loc1023> cat ; <loc0100><loc0200><loc0300> dog',
  ids: [],
  logprobs: [],
  finishReason: 'eos',
  timings: null,
  providers: {},
  dtypes: {},
  error: null,
  pieces: [],
  source: 'model',
  region: null,
  parsed: {
    kind: 'boxes',
    task: 'detect',
    width: 1000,
    height: 500,
    objects: [{ label: 'cat', box: [0, 0, 1000, 250] }, { label: '', box: [100, 50, 300, 450] }],
    warnings: ['object 2 ("dog"): 3 loc tokens, need 4; skipped'],
  },
};

describe('runShapes', () => {
  it('draws one labelled rectangle per parsed object, scaled to the page as shown', () => {
    const shapes = runShapes(record.parsed, { width: 2000, height: 1000 });
    expect(shapes.map((s) => s.id)).toEqual(['object-0', 'object-1']);
    expect(shapes[0]).toMatchObject({ tone: 'object', caption: 'cat', interactive: true, points: [[0, 0], [2000, 0], [2000, 500], [0, 500]] });
    // An unlabelled object still gets a name people can match with the list.
    expect(shapes[1]).toMatchObject({ caption: 'object 2', points: [[200, 100], [600, 100], [600, 900], [200, 900]] });
    expect(shapes[1]!.label).toBe('object 2\ndetect · 400×800 px');
  });
  it('nothing for runs without parsed objects, or with a result that has no boxes', () => {
    const boxes = record.parsed;
    if (boxes?.kind !== 'boxes') throw new Error('fixture is a boxes result');
    expect(runShapes(undefined, { width: 10, height: 10 })).toEqual([]);
    expect(runShapes({ ...boxes, objects: [] }, { width: 10, height: 10 })).toEqual([]);
    expect(runShapes({ kind: 'verdict', text: 'true', answer: true, warnings: [] }, { width: 10, height: 10 })).toEqual([]);
  });
  it('names unlabelled words of a text-with-boxes run as words', () => {
    const shapes = runShapes({ kind: 'boxes', task: 'ocr-boxes', width: 10, height: 10, warnings: [], objects: [{ label: '', box: [0, 0, 5, 5] }] }, { width: 10, height: 10 });
    expect(shapes[0]).toMatchObject({ caption: 'word 1', label: 'word 1\nocr-boxes · 5×5 px' });
  });
  it('shape ids round-trip and are distinct from OCR line ids', () => {
    expect(objectIndexOf(objectShapeId(7))).toBe(7);
    expect(objectIndexOf('line-3')).toBeNull();
    expect(objectIndexOf(null)).toBeNull();
    expect(formatBox([0.4, 10.6, 99.5, 200])).toBe('0,11 → 100,200');
  });
});
