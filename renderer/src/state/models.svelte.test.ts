import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, progressFraction, progressText } from './models.svelte';

describe('download progress text', () => {
  it('says bytes, speed, time left and files like the CLI', () => {
    expect(progressText({ phase: 'download', convert: null, doneBytes: 12_300_000, totalBytes: 2_100_000_000, bytesPerSecond: 8_400_000, etaSeconds: 250, filesDone: 3, filesTotal: 8, active: [] }))
      .toBe('12.3 MB / 2.1 GB · 8.4 MB/s · 4 min 10 s left · 3/8 files');
    expect(progressText({ phase: 'download', convert: null, doneBytes: 0, totalBytes: 999, bytesPerSecond: null, etaSeconds: null, filesDone: 0, filesTotal: 1, active: [] })).toBe('0 B / 999 B · 0/1 files');
  });

  it('says which graph a checkpoint conversion is in and how far the whole conversion is', () => {
    const p = { phase: 'convert' as const, convert: { graph: 'embed_tokens', graphsDone: 1, graphsTotal: 3, done: 50, total: 100 }, doneBytes: 0, totalBytes: 0, bytesPerSecond: null, etaSeconds: null, filesDone: 0, filesTotal: 0, active: [] };
    expect(progressFraction(p)).toBeCloseTo(0.5);
    expect(progressText(p)).toBe('Converting embed tokens (2 of 3) · 50 %');
  });

  it('formats sizes and durations', () => {
    expect([formatBytes(0), formatBytes(1500), formatBytes(283_000_000), formatBytes(10_500_000_000)]).toEqual(['0 B', '1.5 kB', '283 MB', '10.5 GB']);
    expect([formatDuration(5), formatDuration(125), formatDuration(7260)]).toEqual(['5 s', '2 min 5 s', '2 h 1 min']);
  });
});
