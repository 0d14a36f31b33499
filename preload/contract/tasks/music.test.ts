import { describe, expect, expectTypeOf, it } from 'vitest';
import { MUSIC_LIMITS, type MusicResult } from '../../../models/paligemma/tasks/music/result';
import { MUSIC_MAX, MusicParsed } from './music';

// The analysis runs Verovio in Node; this folder is also type-checked for the browser (tsconfig.web.json), so the
// analysis is imported by a specifier the type-checker does not follow, and typed through result.ts.
const RENDER = '../../../models/paligemma/tasks/music/render';
const FIXTURES = '../../../models/paligemma/tasks/music/fixtures';
async function analyzeMusic(raw: string): Promise<MusicResult> {
  const mod = (await import(/* @vite-ignore */ RENDER)) as { analyzeMusic: (raw: string) => Promise<MusicResult> };
  return mod.analyzeMusic(raw);
}

describe('MusicParsed', () => {
  it("has exactly the shape of the analysis's MusicResult", () => {
    expectTypeOf<MusicParsed>().toEqualTypeOf<MusicResult>();
  });

  it("uses the analysis's bounds", () => {
    expect(MUSIC_MAX).toEqual(MUSIC_LIMITS);
  });

  it('accepts what the analysis produces: valid, converted, mismatched, truncated, garbage, oversized', async () => {
    const fixtures = (await import(/* @vite-ignore */ FIXTURES)) as Record<string, unknown>;
    const inputs = Object.values(fixtures).filter((v): v is string => typeof v === 'string');
    inputs.push('**bekern<t>**bekern<b>4·C<t>4·e<b>*-<t>*-<eos>', '', '4c\t'.repeat(40_000));
    for (const raw of inputs) {
      const r = await analyzeMusic(raw);
      expect(MusicParsed.parse(r)).toEqual(r);
    }
  });

  it('refuses oversized or mistyped fields', async () => {
    const ok = await analyzeMusic('**kern\n*clefG2\n4c\n4d\n*-\n');
    expect(ok.svgPages).toHaveLength(1);
    expect(MusicParsed.safeParse(ok).success).toBe(true);
    expect(MusicParsed.safeParse({ ...ok, svgPages: Array(MUSIC_MAX.maxPages + 1).fill('<svg/>') }).success).toBe(false);
    expect(MusicParsed.safeParse({ ...ok, notes: [{ onMs: 10, offMs: 5, pitch: 60 }] }).success).toBe(false);
    expect(MusicParsed.safeParse({ ...ok, notes: [{ onMs: 0, offMs: 5, pitch: 128 }] }).success).toBe(false);
    expect(MusicParsed.safeParse({ ...ok, error: { line: 0, column: null, message: 'x' } }).success).toBe(false);
    expect(MusicParsed.safeParse({ ...ok, warnings: ['x'.repeat(MUSIC_MAX.maxMessageChars + 1)] }).success).toBe(false);
    expect(MusicParsed.safeParse({ ...ok, extra: 1 }).data).not.toHaveProperty('extra');
  });
});
