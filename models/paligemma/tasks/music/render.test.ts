import { describe, expect, it } from 'vitest';
import { analyzeMusic, engrave, MUSIC_LIMITS } from './render';
import { verovioLoadMs } from './verovio';
import { BAD_TOKENS_KERN, GARBAGE_KERN, GRANDSTAFF_KERN, MISMATCHED_KERN, PIANO_KERN, TRUNCATED_KERN } from './fixtures';

describe('analyzeMusic', () => {
  it('engraves the golden piano score and lists its sounding notes (tied notes once)', async () => {
    const r = await analyzeMusic(PIANO_KERN);
    expect(verovioLoadMs()).toBeGreaterThan(0);
    expect(r.valid).toBe(true);
    expect(r.error).toBeNull();
    expect(r.warnings).toEqual([]);
    expect(r.converted).toBe(false);
    expect(r.svgPages).toHaveLength(1);
    expect(r.svgPages[0]).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // An intrinsic size for the <img>: the engraved size, equal to the viewBox.
    expect(r.svgPages[0]).toMatch(/^<svg width="(\d+)" height="(\d+)" viewBox="0 0 \1 \2"/);
    expect(r.svgPages[0]).not.toMatch(/<script|onload=|href="http/i);
    // 10 + 8 + 7 + 5 notes in the four measures; the d5 tied over the bar sounds once.
    expect(r.notes).toHaveLength(30);
    // First beat at 120 bpm: D3 + A3 in the left hand, D4 in the right.
    expect(r.notes.filter((n) => n.onMs === 0).map((n) => n.pitch)).toEqual([50, 57, 62]);
    // F#3 (54) and F#4 (66) in the key of D: the sharp is in the token, not only in the key signature.
    expect(r.notes.filter((n) => n.onMs === 250).map((n) => n.pitch)).toEqual([66]);
    expect(r.notes.filter((n) => n.onMs === 500).map((n) => n.pitch)).toEqual([54, 57, 69]);
    const tiedD5 = r.notes.filter((n) => n.pitch === 74);
    expect(tiedD5[0]).toEqual({ onMs: 1000, offMs: 2000, pitch: 74 });
    // Final chord: three beats at 500 ms from 4.5 s.
    expect(r.notes.filter((n) => n.onMs === 4500).map((n) => [n.pitch, n.offMs])).toEqual([
      [50, 6000], [54, 6000], [57, 6000], [74, 6000], [78, 6000],
    ]);
    for (const n of r.notes) expect(n.offMs).toBeGreaterThan(n.onMs);
  });

  it('reads the furniture of a real GrandStaff file (staff, instrument, tempo and metre-symbol interpretations, =-, comments, articulations)', async () => {
    const r = await analyzeMusic(GRANDSTAFF_KERN);
    expect(r).toMatchObject({ valid: true, error: null, warnings: [] });
    expect(r.svgPages).toHaveLength(1);
    expect(r.notes).toHaveLength(15);
    // B natural in F major (`4bn`) sounds as 71; the B-flat in the left hand as 58.
    expect(r.notes.find((n) => n.onMs === 1000)?.pitch).toBe(71);
    expect(r.notes.some((n) => n.pitch === 58)).toBe(true);
  });

  it('engraves converted bekern the same way and says it converted', async () => {
    const bekern = PIANO_KERN.trimEnd().replace(/\t/g, '<t>').replace(/\n/g, '<b>').replace(/\*\*kern/g, '**bekern');
    const r = await analyzeMusic(`${bekern}<eos>`);
    expect(r.converted).toBe(true);
    expect(r.valid).toBe(true);
    expect(r.kern).toBe(PIANO_KERN.trimEnd());
    expect(r.notes).toHaveLength(30);
  });

  it('gives the mismatched-spines position, and still shows the measures before it', async () => {
    const r = await analyzeMusic(MISMATCHED_KERN);
    expect(r.valid).toBe(false);
    expect(r.error).toEqual({ line: 7, column: null, message: 'line 7: 3 fields but 2 spines' });
    expect(r.svgPages).toHaveLength(1);
    expect(r.notes.map((n) => n.pitch)).toEqual([48, 64, 50, 65]);
    expect(r.warnings).toContain('rendered the part before line 7 only');
  });

  it('renders a cut-off output with a warning', async () => {
    const r = await analyzeMusic(TRUNCATED_KERN);
    expect(r.valid).toBe(true);
    expect(r.svgPages).toHaveLength(1);
    expect(r.notes.length).toBe(6);
    expect(r.warnings[0]).toContain('ends without *-');
  });

  it('returns an invalid result without pages for text that is not music', async () => {
    const r = await analyzeMusic(GARBAGE_KERN);
    expect(r).toMatchObject({ valid: false, svgPages: [], notes: [], error: { line: 1, column: 1 } });
  });

  it('reports bad tokens by position and never lets Verovio see them', async () => {
    const r = await analyzeMusic(BAD_TOKENS_KERN);
    expect(r.valid).toBe(false);
    expect(r.error).toMatchObject({ line: 3, column: 2 });
    expect(r.warnings.some((w) => w.startsWith('Verovio'))).toBe(false);
  });

  it('refuses oversized input without parsing it', async () => {
    const r = await analyzeMusic('4c\t'.repeat(40_000));
    expect(r.valid).toBe(false);
    expect(r.error?.message).toBe(`the music output is 120 kB; the limit is ${MUSIC_LIMITS.maxInputBytes / 1000} kB`);
  });

  it('survives Verovio throwing, keeps its messages off the console, and keeps working afterwards', async () => {
    // Unvalidated kern with a 3-field line under 2 spines makes Verovio's Humdrum importer throw a bare
    // WebAssembly.Exception (analyzeMusic never passes it such text; engrave is the layer below).
    const errors: unknown[] = [];
    const realError = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    let r;
    try {
      r = await engrave(MISMATCHED_KERN);
    } finally {
      console.error = realError;
    }
    expect(r.error).toBe('Verovio rejected the kern: an internal error in its Humdrum reader');
    expect(r.svgPages).toEqual([]);
    expect(r.warnings).toContain('Verovio: Expected 2 fields,    but found 3');
    expect(errors).toEqual([]);
    const again = await analyzeMusic(PIANO_KERN);
    expect(again.valid).toBe(true);
    expect(again.notes).toHaveLength(30);
  });

  it('keeps concurrent analyses and exports apart (one toolkit, one score at a time)', async () => {
    const inputs = [PIANO_KERN, MISMATCHED_KERN, TRUNCATED_KERN, PIANO_KERN];
    const results = await Promise.all(inputs.map((k) => analyzeMusic(k)));
    expect(results.map((r) => r.notes.length)).toEqual([30, 4, 6, 30]);
    expect(results[0]!.notes).toEqual(results[3]!.notes);
    expect(results[0]!.svgPages).toEqual(results[3]!.svgPages);
  });

  it('caps the page count', async () => {
    const bars = Array.from({ length: 400 }, (_, i) => `=${i + 1}\t=${i + 1}\n4C\t4c\n4D\t4d\n4E\t4e\n4F\t4f`).join('\n');
    const r = await analyzeMusic(`**kern\t**kern\n*clefF4\t*clefG2\n*M4/4\t*M4/4\n${bars}\n==\t==\n*-\t*-\n`);
    expect(r.valid).toBe(true);
    expect(r.svgPages.length).toBeLessThanOrEqual(MUSIC_LIMITS.maxPages);
  }, 120_000);
});
