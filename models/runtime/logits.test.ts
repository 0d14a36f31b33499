import { describe, expect, it } from 'vitest';
import { argmax, logProbOf, logSoftmax, maskFrom, topK } from './logits';

describe('logits helpers', () => {
  it('maskFrom hides ids ≥ limit', () => {
    expect([...maskFrom(Float32Array.of(1, 2, 3, 4), 2)]).toEqual([1, 2, -Infinity, -Infinity]);
    expect([...maskFrom(Float32Array.of(1, 2), 5)]).toEqual([1, 2]);
  });
  it('logSoftmax sums to one and survives large logits', () => {
    const lp = logSoftmax([1000, 1000, -Infinity]);
    expect(lp[0]).toBeCloseTo(Math.log(0.5), 12);
    expect(lp[2]).toBe(-Infinity);
    expect(() => logSoftmax([-Infinity])).toThrow(/masked/);
  });
  it('logProbOf equals logSoftmax at the id', () => {
    const x = [0.3, -2, 5, -Infinity, 1.25];
    for (const id of [0, 2, 4]) expect(logProbOf(x, id)).toBeCloseTo(logSoftmax(x)[id]!, 12);
  });
  it('argmax: first maximum wins ties', () => expect(argmax([1, 3, 3, 2])).toBe(1));
  it('topK returns indices in descending order', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9, -Infinity, 0.7], 3)).toEqual([1, 3, 5]);
    expect(topK([3, 1], 5)).toEqual([0, 1]);
  });
});
