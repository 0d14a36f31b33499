import { describe, expect, it } from 'vitest';
import { fakeHost } from './fake-host.test-helpers';
import type { BatchSummary } from '../../../preload/contract';
import { NoticesState } from './notices.svelte';
import { BatchesState, formatEta } from './batches.svelte';

const summary = (over: Partial<BatchSummary> = {}): BatchSummary => ({
  id: 1, task: 'caption', prompt: 'caption en', model: { id: 'm', name: 'tiny' }, status: 'running',
  counts: { total: 3, done: 0, failed: 0, queued: 3, cancelled: 0 }, etaMs: null, current: null, documents: ['a.tif'], problem: null,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over,
});

describe('BatchesState', () => {
  it('lists the batches, follows pushed progress, and never goes back to an older state of a batch', async () => {
    const host = fakeHost({ 'batches.list': { ok: true, value: [summary()] }, 'batches.items': { ok: true, value: [] } });
    const state = new BatchesState(host.api, new NoticesState());
    await state.load();
    expect(state.current?.id).toBe(1);
    host.push({ event: 'batches.progress', payload: summary({ counts: { total: 3, done: 2, failed: 0, queued: 1, cancelled: 0 }, updatedAt: '2026-01-01T00:00:02.000Z' }) });
    expect(state.batches[0]!.counts.done).toBe(2);
    // A late answer carrying an older state is ignored.
    host.push({ event: 'batches.progress', payload: summary({ counts: { total: 3, done: 1, failed: 0, queued: 2, cancelled: 0 }, updatedAt: '2026-01-01T00:00:01.000Z' }) });
    expect(state.batches[0]!.counts.done).toBe(2);
    host.push({ event: 'batches.progress', payload: summary({ id: 2, status: 'queued' }) });
    expect(state.batches.map((b) => b.id)).toEqual([2, 1]);
  });

  it('starts with the form, and tells the person what could not be queued and why', async () => {
    const host = fakeHost({ 'batches.start': { ok: true, value: { batch: summary(), added: 3, resumed: false, problems: [{ document: 'bad.pdf', reason: 'not a PDF' }] } }, 'batches.items': { ok: true, value: [] } });
    const notices = new NoticesState();
    const state = new BatchesState(host.api, notices);
    state.setTask('ocr-builtin');
    await state.start(['d1']);
    expect(host.calls[0]).toEqual({ name: 'batches.start', input: { documentIds: ['d1'], task: 'ocr-builtin', prompt: '', maxNewTokens: 64 } });
    expect(notices.items.map((n) => `${n.title}: ${n.message}`)).toEqual(['bad.pdf is not in the batch: not a PDF']);
    expect(state.openId).toBe(1);
  });

  it('shows a refusal from main as an error notice', async () => {
    const host = fakeHost({ 'batches.start': { ok: false, error: { code: 'UNSUPPORTED', message: 'A batch needs the project store, which is not available: x' } } });
    const notices = new NoticesState();
    const state = new BatchesState(host.api, notices);
    state.modelId = 'm1';
    await state.start(['d1']);
    expect(host.calls[0]!.input).toMatchObject({ task: 'caption', prompt: 'en', modelId: 'm1' });
    expect(notices.items[0]).toMatchObject({ kind: 'error', title: 'The batch could not start', code: 'UNSUPPORTED' });
    await state.start([]);
    expect(notices.items[1]).toMatchObject({ title: 'Nothing to run' });
  });
});

describe('formatEta', () => {
  it('says seconds, minutes or hours', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(4_400)).toBe('4 s');
    expect(formatEta(125_000)).toBe('2 min 05 s');
    expect(formatEta(3_725_000)).toBe('1 h 02 min');
  });
});
