import { describe, expect, it } from 'vitest';
import { bootstrapCi, bootstrapCis, mean, meanCi, median, ranks, spearman } from './stats';

describe('summaries', () => {
  it('mean and median', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(mean([])).toBeNull();
  });
  it('Spearman with ties (ranks averaged)', () => {
    expect(ranks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // x = 1..5, y = 2,1,4,3,5: Σd² = 4 → ρ = 1 − 6·4 / (5·24) = 0.8.
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });
  it('bootstrap interval: reproducible, around the mean, none for one page', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const a = meanCi(xs)!, b = meanCi(xs)!;
    expect(a).toEqual(b);
    expect(a[0]).toBeLessThan(mean(xs)!);
    expect(a[1]).toBeGreaterThan(mean(xs)!);
    // The standard error of this mean is ~0.02: a 95 % interval is about ±0.04.
    expect(a[1] - a[0]).toBeGreaterThan(0.05);
    expect(a[1] - a[0]).toBeLessThan(0.2);
    expect(meanCi([0.5])).toBeNull();
    expect(meanCi([0.3, 0.3, 0.3])).toEqual([0.3, 0.3]);
    const g = bootstrapCi(xs, (s) => mean(s as number[]))!;
    expect(g[0]).toBeCloseTo(a[0], 1);
    // Several statistics over the same resamples: each interval as if bootstrapped alone.
    const both = bootstrapCis(xs, (s) => [mean(s as number[]), median(s as number[])]);
    expect(both[0]).toEqual(g);
    expect(both[1]).toEqual(bootstrapCi(xs, (s) => median(s as number[])));
  });
});
