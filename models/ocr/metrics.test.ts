import { describe, expect, it } from 'vitest';
import { cer, editDistance, lineCer, normalizeWhitespace, pageCer, wer } from './metrics';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    // Code points, not UTF-16 units.
    expect(editDistance('a😀b', 'ab')).toBe(1);
  });
});

describe('CER', () => {
  it('normalises whitespace for page CER and is order sensitive', () => {
    expect(normalizeWhitespace('  a \n\n b\tc ')).toBe('a b c');
    expect(pageCer('hello world\nfoo', 'hello  world foo')).toBe(0);
    expect(pageCer('ab cd', 'cd ab')).toBeGreaterThan(0.5);
    expect(cer('abcd', 'abxd')).toBe(0.25);
    expect(cer('', '')).toBe(0);
    expect(cer('', 'x')).toBe(1);
  });

  it('matches each truth line to its best predicted line for line CER', () => {
    expect(lineCer(['first line', 'second line'], ['second line', 'first line'])).toBe(0);
    expect(lineCer(['abcd'], ['abxd', 'zzzz'])).toBe(0.25);
    expect(lineCer(['abcd', ''], [])).toBe(1);
  });
});

describe('WER', () => {
  it('counts word edits per truth word; a lost space costs two words', () => {
    expect(wer('the cat sat', 'the  cat\nsat')).toBe(0);
    expect(wer('the cat sat', 'the bat sat')).toBeCloseTo(1 / 3);
    expect(wer('apply the Apache licence', 'applythe Apache licence')).toBe(0.5);
    expect(wer('', '')).toBe(0);
    expect(wer('', 'x')).toBe(1);
  });
});
