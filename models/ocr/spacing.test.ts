import { describe, expect, it } from 'vitest';
import { blankColumnRuns, insertSpaces, snapWordEdges, spaceThreshold } from './spacing';
import type { DecodedChar } from './ctc';

function crop(width: number, height: number, inkCols: number[]): Uint8Array {
  const rgb = new Uint8Array(width * height * 3).fill(250);
  for (const x of inkCols) for (let y = 2; y < height - 2; y++) rgb.fill(20, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return rgb;
}

describe('blankColumnRuns', () => {
  it('finds blank column runs inside the band', () => {
    const runs = blankColumnRuns(crop(20, 10, [2, 3, 10, 11]), 20, 10, 0, 10)!;
    expect(runs).toEqual([{ start: 0, end: 2 }, { start: 4, end: 10 }, { start: 12, end: 20 }]);
  });
  it('gives up on a blank crop', () => {
    expect(blankColumnRuns(crop(20, 10, []), 20, 10, 0, 10)).toBeNull();
  });
});

describe('insertSpaces', () => {
  const c = (char: string, t: number): DecodedChar => ({ char, confidence: 0.9, start: t, end: t });
  it('adds a space only across wide gaps', () => {
    const chars = [c('a', 1), c('b', 3), c('c', 9)];
    // step t ↦ x = 4t; blank run 20..32 (wide) lies between b (x≈14) and c (x≈38).
    const out = insertSpaces(chars, [{ start: 6, end: 8 }, { start: 20, end: 32 }], 8, (t) => 4 * t);
    expect(out.map((x) => x.char).join('')).toBe('ab c');
  });
  it('keeps digits of one number together unless the gap is clearly wider', () => {
    // "1780" with the narrow 1's side bearing read as a gap of 10 px (the word gap is 8).
    const digits = [c('1', 1), c('7', 5), c('8', 7), c('0', 9)];
    const text = (out: DecodedChar[]) => out.map((x) => x.char).join('');
    expect(text(insertSpaces(digits, [{ start: 7, end: 17 }], 8, (t) => 4 * t))).toBe('1780');
    expect(text(insertSpaces(digits, [{ start: 4, end: 20 }], 8, (t) => 4 * t))).toBe('1 780');
    // Between a digit and a letter the ordinary rule holds.
    expect(text(insertSpaces([c('1', 1), c('a', 5)], [{ start: 7, end: 17 }], 8, (t) => 4 * t))).toBe('1 a');
  });

  it('gives a gap to the nearest boundary, not to a lagging spike', () => {
    // "Four score": r's spike lags into the gap (x=40), the model's own space follows at x=44.
    const chars = [c('u', 5), c('r', 10), c(' ', 11), c('s', 14)];
    expect(insertSpaces(chars, [{ start: 36, end: 46 }], 8, (t) => 4 * t).map((x) => x.char).join('')).toBe('ur s');
  });

  it('never puts a space before closing punctuation', () => {
    const chars = [c('a', 1), c(',', 9)];
    expect(insertSpaces(chars, [{ start: 10, end: 30 }], 8, (t) => 4 * t).map((x) => x.char).join('')).toBe('a,');
  });

  it('does not double existing spaces', () => {
    const chars = [c('a', 1), c(' ', 5), c('c', 9)];
    expect(insertSpaces(chars, [{ start: 10, end: 30 }], 8, (t) => 4 * t).map((x) => x.char).join('')).toBe('a c');
  });
});

describe('spaceThreshold', () => {
  const runs = (...w: number[]) => w.map((width, i) => ({ start: i * 100, end: i * 100 + width }));
  it('rises above loose letter spacing', () => {
    expect(spaceThreshold(runs(30, 7, 8, 7, 20, 6, 30), 5)).toBe(14);
  });
  it('keeps the floor for tight fonts and short crops', () => {
    expect(spaceThreshold(runs(30, 2, 3, 2, 12, 2, 30), 8)).toBe(8);
    expect(spaceThreshold(runs(30, 9, 30), 8)).toBe(8);
  });
});

describe('snapWordEdges', () => {
  it('moves edges onto the nearest gap within tolerance only', () => {
    const words = [{ a: 0.05, b: 0.33 }, { a: 0.42, b: 0.9 }];
    snapWordEdges(words, [{ s: 0, e: 0.02 }, { s: 0.3, e: 0.38 }, { s: 0.95, e: 1 }], 0.05);
    expect(words).toEqual([{ a: 0.02, b: 0.3 }, { a: 0.38, b: 0.95 }]);
    const far = [{ a: 0.5, b: 0.6 }];
    snapWordEdges(far, [{ s: 0, e: 0.02 }], 0.05);
    expect(far).toEqual([{ a: 0.5, b: 0.6 }]);
  });
});
