import { describe, expect, it } from 'vitest';
import { formatMs, providerLabel, rawRun, timingParts } from './run-format';
import type { RunRecord } from '../../../preload/contract';

describe('run formatting', () => {
  it('reads milliseconds and seconds', () => {
    expect(formatMs(0.2)).toBe('<1 ms');
    expect(formatMs(24.6)).toBe('25 ms');
    expect(formatMs(3927)).toBe('3.93 s');
    expect(formatMs(65_400)).toBe('65.4 s');
  });

  it('names one provider once, and each part when they differ', () => {
    expect(providerLabel({ vision_encoder: 'cpu', embed_tokens: 'cpu', decoder: 'cpu' })).toBe('cpu');
    expect(providerLabel({ vision_encoder: 'cpu', decoder: 'cuda' })).toBe('vision_encoder cpu · decoder cuda');
    expect(providerLabel({})).toBe('not loaded');
  });

  it('shows the raw run as JSON that parses back, with number arrays on one line', () => {
    const run: RunRecord = {
      id: 'r1', documentId: 'd1', page: 0, model: { id: 'm1', name: 'tiny', location: '/models/tiny' }, prompt: { task: 'caption', text: 'en' },
      promptText: 'caption en', maxNewTokens: 8, strategy: { kind: 'greedy' }, startedAt: '2026-01-01T00:00:00.000Z', status: 'done',
      text: '<loc0001> a [1, 2]', ids: [641, 5, -0], logprobs: [-0.123456, -1e-7, -2.5], finishReason: 'eos', timings: null, providers: { decoder: 'cpu' }, dtypes: {}, error: null, pieces: ['<loc0001>', ' a', ' [1, 2]'], source: 'model', region: null,
    };
    const raw = rawRun(run);
    expect(raw).toContain('"ids": [641, 5, 0]');
    expect(raw).toContain('"logprobs": [-0.1235, 0, -2.5]');
    expect(JSON.parse(raw)).toMatchObject({ text: run.text, ids: [641, 5, 0], prompt: 'caption en', modelFolder: '/models/tiny', providers: { decoder: 'cpu' } });
  });

  it('says when the model and the vision features were reused, and leaves out speed for a single token', () => {
    const parts = timingParts({
      renderMs: 80, loadMs: 0.1, modelLoaded: false, preprocessMs: 1, visionMs: 0, visionCached: true, prefillMs: 12,
      timeToFirstTokenMs: 20, decodeMs: 0, decodeTokensPerSecond: null, totalMs: 30, peakRssBytes: 1,
    });
    const byLabel = Object.fromEntries(parts.map((p) => [p.label, p.value]));
    expect(byLabel).toMatchObject({ 'first token': '20 ms', total: '110 ms', vision: 'cached', load: 'reused', page: '80 ms' });
    expect(byLabel.speed).toBeUndefined();
  });
});
