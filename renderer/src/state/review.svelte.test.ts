import { describe, expect, it } from 'vitest';
import { Api, type Transport } from '../lib/api';
import type { ReviewDetail, ReviewItem, Result } from '../../../preload/contract';
import { NoticesState } from './notices.svelte';
import { ReviewState } from './review.svelte';

const item = (runId: number, task = 'ocr'): ReviewItem => ({
  runId, document: { id: 1, name: 'page.png', sha256: 'x'.repeat(64) }, page: 0, task, model: { id: 'm', name: 'M' }, runStatus: 'done',
  confidence: null, review: null, summary: `result ${runId}`, createdAt: '2026-01-01T00:00:00Z',
});
const detail = (runId: number, extra: Partial<ReviewDetail> = {}): ReviewDetail => ({
  ...item(runId), prompt: 'ocr', raw: 'text', error: null, parsed: { kind: 'text', task: 'ocr', text: 'text', warnings: [] }, value: null,
  ocrLines: null, ocrLinesOriginal: null, pageSize: { width: 100, height: 100 }, region: null, image: null, imageUnavailable: 'not open', history: [], canUndo: false, canRedo: false, samePage: [], ...extra,
});

/** A host answering review calls from the test's table of replies. */
function fakeHost(reply: (name: string, input: Record<string, unknown>) => Result<unknown>) {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const transport: Transport = {
    call: async (name, input) => {
      calls.push({ name, input: input as Record<string, unknown> });
      return reply(name, input as Record<string, unknown>);
    },
    onPush: () => () => undefined,
  };
  return { api: new Api(transport), calls };
}

describe('ReviewState', () => {
  it('lists with the filters, shows the first result, steps with j/k bounds, and keeps the row in step with changes', async () => {
    const host = fakeHost((name, input) => {
      if (name === 'reviews.list') return { ok: true, value: { items: [item(5), item(7)], tasks: ['ocr'], models: [{ id: 'm', name: 'M' }], unavailable: null } };
      if (name === 'reviews.get') return { ok: true, value: detail(input.runId as number) };
      if (name === 'reviews.set') return { ok: true, value: detail(input.runId as number, { review: { status: 'accepted', value: null, note: null }, canUndo: true }) };
      return { ok: false, error: { code: 'NOT_FOUND', message: name } };
    });
    const s = new ReviewState(host.api, new NoticesState());
    s.task = 'ocr';
    s.maxConfidence = 40;
    await s.load();
    expect(host.calls[0]).toEqual({ name: 'reviews.list', input: { task: 'ocr', maxConfidence: 0.4 } });
    expect(s.detail?.runId).toBe(5);
    await s.step(-1);
    expect(s.index).toBe(0);
    await s.step(1);
    expect(s.detail?.runId).toBe(7);
    await s.step(1);
    expect(s.index).toBe(1);
    expect(await s.accept()).toBe(true);
    expect(s.items[1]!.review?.status).toBe('accepted');
    // Nothing to redo: no call is made.
    const before = host.calls.length;
    expect(await s.redo()).toBe(false);
    expect(host.calls.length).toBe(before);
  });

  it('a refused correction keeps the editor open with the reason; a SMILES is checked once typing pauses', async () => {
    const host = fakeHost((name, input) => {
      if (name === 'reviews.list') return { ok: true, value: { items: [item(1, 'molecule')], tasks: [], models: [], unavailable: null } };
      if (name === 'reviews.get') return { ok: true, value: detail(1) };
      if (name === 'reviews.set') return { ok: false, error: { code: 'BAD_INPUT', message: 'correction of result 1: RDKit refused the SMILES "C1CC(": syntax error' } };
      if (name === 'reviews.checkSmiles') return { ok: true, value: { valid: input.smiles === 'CCO', canonical: input.smiles === 'CCO' ? 'CCO' : null, formula: null, error: input.smiles === 'CCO' ? null : 'bad' } };
      return { ok: false, error: { code: 'NOT_FOUND', message: name } };
    });
    const s = new ReviewState(host.api, new NoticesState());
    await s.load();
    s.startEdit();
    expect(await s.correct({ kind: 'molecule', smiles: 'C1CC(' })).toBe(false);
    expect(s.editing).toBe(true);
    expect(s.refusal).toMatch(/RDKit refused/);
    s.checkSmiles('C', 10);
    s.checkSmiles('CC', 10);
    s.checkSmiles('CCO', 10);
    await new Promise((r) => setTimeout(r, 40));
    expect(host.calls.filter((c) => c.name === 'reviews.checkSmiles').map((c) => c.input.smiles)).toEqual(['CCO']);
    expect(s.smiles).toMatchObject({ valid: true, canonical: 'CCO' });
    s.leaveEdit();
    expect(s.editing).toBe(false);
    expect(s.refusal).toBeNull();
  });

  it('a failed list says why in the workspace', async () => {
    const host = fakeHost(() => ({ ok: false, error: { code: 'INTERNAL', message: 'disk full' } }));
    const s = new ReviewState(host.api, new NoticesState());
    await s.load();
    expect(s.problem).toBe('Could not list the results: disk full');
  });
});
