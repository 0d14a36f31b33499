import { describe, expect, it } from 'vitest';
import { formatMs, providerLabel, timingParts } from './run-format';

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
