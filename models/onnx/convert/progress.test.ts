// Conversion reports progress in weights read, ending exactly at the total it announced, and a
// cancelled conversion stops with the signal's reason.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixture } from '../fixture';
import { convertCheckpoint } from './convert';

describe('convertCheckpoint progress', () => {
  it('counts up to its total, graph by graph, in both layouts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paliscope-progress-'));
    try {
      writeFixture({ preset: 'tiny', outDir: join(dir, 'ck') });
      for (const layout of ['paliscope', 'onnx-community'] as const) {
        const seen: { done: number; total: number; graph: string }[] = [];
        await convertCheckpoint({ checkpointDir: join(dir, 'ck'), outDir: join(dir, layout), layout, onProgress: (p) => seen.push(p) });
        expect(seen.length).toBeGreaterThan(10);
        const total = seen[0]!.total;
        expect(seen.every((p) => p.total === total)).toBe(true);
        expect(seen.every((p, i) => i === 0 || p.done >= seen[i - 1]!.done)).toBe(true);
        expect(seen[Math.floor(seen.length / 2)]!.done).toBeLessThan(total);
        expect(seen.at(-1)!.done).toBe(total);
        expect([...new Set(seen.map((p) => p.graph))]).toEqual(['vision_encoder', 'embed_tokens', layout === 'paliscope' ? 'decoder' : 'decoder_model_merged']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops when cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paliscope-progress-'));
    try {
      writeFixture({ preset: 'tiny', outDir: join(dir, 'ck') });
      const controller = new AbortController();
      const run = convertCheckpoint({
        checkpointDir: join(dir, 'ck'),
        outDir: join(dir, 'out'),
        signal: controller.signal,
        onProgress: (p) => p.graph === 'embed_tokens' && controller.abort(new Error('stopped by the test')),
      });
      await expect(run).rejects.toThrow('stopped by the test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
