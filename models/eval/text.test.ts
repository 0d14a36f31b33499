import { describe, expect, it } from 'vitest';
import { exactMatch, rougeL, segmentationErrors, textErrors } from './text';
import { editDistance, plainDistance } from './edit-distance';

describe('edit distance', () => {
  it('is the Levenshtein distance of the classic examples', () => {
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
    expect(editDistance([...'flaw'], [...'lawn'])).toBe(2);
    expect(editDistance([], [...'abc'])).toBe(3);
    expect(editDistance(['the', 'cat'], ['the', 'bat', 'sat'])).toBe(2);
  });
  it('agrees with the plain dynamic programme on random sequences', () => {
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 200; k++) {
      const a = Array.from({ length: Math.floor(r() * 80) }, () => String.fromCodePoint(97 + Math.floor(r() * 5)));
      const b = Array.from({ length: Math.floor(r() * 80) }, () => String.fromCodePoint(97 + Math.floor(r() * 5)));
      expect(editDistance(a, b)).toBe(plainDistance(a, b));
    }
  });
  it('counts a character outside the BMP once and survives long inputs', () => {
    expect(editDistance(Array.from('𝔸b'), Array.from('b'))).toBe(1);
    const long = Array.from({ length: 100_000 }, (_, i) => `w${i}`);
    expect(editDistance(long, long.slice(1))).toBe(1);
  });
  it('refuses, rather than runs for hours, on two long sequences sharing more symbols than code units', () => {
    const a = Array.from({ length: 70_000 }, (_, i) => `w${i}`);
    const b = [...a].reverse();
    expect(() => editDistance(a, b)).toThrow(RangeError);
  });
});

describe('CER and WER', () => {
  it('hand-computed cases', () => {
    expect(textErrors('kitten', 'sitting').cer).toBe(0.5);
    expect(textErrors('the cat sat', 'the bat sat down').wer).toBeCloseTo(2 / 3, 12);
    expect(textErrors('the cat sat', 'the bat sat down').cer).toBeCloseTo(6 / 11, 12);
  });
  it('normalises to NFC and collapses white space (stated in text.ts)', () => {
    const s = textErrors('caf\u00e9  au\u00a0lait\n\n', 'cafe\u0301 au lait');
    expect(s.cer).toBe(0);
    expect(s.wer).toBe(0);
    expect(textErrors('a b\nc', 'a b c').cer).toBe(0);
  });
  it('scores lines in place', () => {
    const s = textErrors('abc\ndef', 'abc\ndxf');
    expect(s.lineCer).toBeCloseTo(1 / 6, 12);
    expect(s.lineAccuracy).toBe(0.5);
    const missing = textErrors('abc\ndef', 'abc');
    expect(missing.lineCer).toBe(0.5);
    expect(missing.lineAccuracy).toBe(0.5);
  });
  it('reports merged and split words apart', () => {
    expect(segmentationErrors(['of', 'the', 'railway'], ['ofthe', 'rail', 'way'])).toEqual({ merged: 1, split: 1 });
    expect(segmentationErrors(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual({ merged: 0, split: 0 });
    const s = textErrors('to be or not', 'tobe or no t');
    expect([s.mergedWords, s.splitWords]).toEqual([1, 1]);
  });
  it('empty and hostile texts are scored, with a note', () => {
    const notes: string[] = [];
    expect(textErrors('', '', notes).cer).toBe(0);
    expect(textErrors('', 'x', notes).cer).toBe(1);
    expect(notes.join(' ')).toMatch(/truth is empty/);
    expect(textErrors('abc', 42 as unknown as string, notes).cer).toBe(1);
    expect(notes.join(' ')).toMatch(/not text/);
    const huge = 'x'.repeat(300_000);
    const n2: string[] = [];
    expect(textErrors('x', huge, n2).cer).toBeGreaterThan(1);
    expect(n2.join(' ')).toMatch(/only the first 200000/);
  });
});

describe('answers and free text', () => {
  it('exact match ignores case, spacing and a final full stop', () => {
    expect(exactMatch('Two cats.', ' two  CATS')).toBe(1);
    expect(exactMatch('two cats', 'three cats')).toBe(0);
  });
  it('ROUGE-L F1 of Lin (2004)\'s examples', () => {
    // S1 = "police killed the gunman"; S2 = "police kill the gunman" → LCS 3 of 4: F = 0.75; S3 = "the gunman kill police" → LCS 2: 0.5.
    expect(rougeL('police killed the gunman', 'police kill the gunman')).toBe(0.75);
    expect(rougeL('police killed the gunman', 'the gunman kill police')).toBe(0.5);
    expect(rougeL('', '')).toBe(1);
    expect(rougeL('a', '')).toBe(0);
  });
});
