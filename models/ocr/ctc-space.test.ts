import { describe, expect, it } from 'vitest';
import { ctcGreedyDecode } from './ctc';

// Rows where blank wins every gap step, with a share of probability on the space class: greedy
// decoding alone loses the space; the space evidence keeps it.
const dict = ['a', 'b', ',', ' '];
const C = dict.length + 1;
const SPACE = 4;
function rows(seq: { win: number; p: number; space?: number }[]): Float32Array {
  const out = new Float32Array(seq.length * C);
  seq.forEach(({ win, p, space = 0 }, t) => {
    const rest = (1 - p - space) / (C - 2);
    for (let k = 0; k < C; k++) out[t * C + k] = k === win ? p : k === SPACE ? space : rest;
  });
  return out;
}
const text = (probs: Float32Array, steps: number, spaceMin?: number) =>
  ctcGreedyDecode(probs, 0, steps, C, [...dict], steps, true, spaceMin === undefined ? undefined : { spaceMin })
    .map((c) => c.char)
    .join('');

describe('ctcGreedyDecode space evidence', () => {
  const gap = rows([{ win: 1, p: 0.9 }, { win: 0, p: 0.85, space: 0.12 }, { win: 0, p: 0.9 }, { win: 2, p: 0.9 }]);

  it('puts a space where the space class has evidence even though blank wins', () => {
    expect(text(gap, 4)).toBe('ab');
    expect(text(gap, 4, 0.05)).toBe('a b');
    expect(text(gap, 4, 0.2)).toBe('ab');
  });

  it('places the space after a comma whose spike lags behind the gap', () => {
    const comma = rows([{ win: 1, p: 0.9 }, { win: 0, p: 0.8, space: 0.15 }, { win: 3, p: 0.7 }, { win: 0, p: 0.9 }, { win: 2, p: 0.9 }]);
    expect(text(comma, 5, 0.05)).toBe('a, b');
  });

  it('does not double a space the model already emitted', () => {
    const both = rows([{ win: 1, p: 0.9 }, { win: SPACE, p: 0.6, space: 0 }, { win: 0, p: 0.8, space: 0.15 }, { win: 2, p: 0.9 }]);
    expect(text(both, 4, 0.05)).toBe('a b');
  });

  it('gives the space a time step between the two characters (for word boxes)', () => {
    const out = ctcGreedyDecode(gap, 0, 4, C, [...dict], 4, true, { spaceMin: 0.05 });
    expect(out.map((c) => [c.char, c.start])).toEqual([['a', 0], [' ', 1], ['b', 3]]);
  });

  it('ignores the evidence when the dictionary has no space class', () => {
    const noSpace = ['a', 'b', ',', 'x'];
    expect(ctcGreedyDecode(gap, 0, 4, C, noSpace, 4, true, { spaceMin: 0.05 }).map((c) => c.char).join('')).toBe('ab');
  });
});
