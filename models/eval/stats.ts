// Summaries over pages: mean, median, a bootstrap confidence interval, and Spearman's rank correlation.
//
// The bootstrap resamples pages with replacement (B = 1,000, percentile interval) with a seeded generator, so the app
// and `paliscope eval` print the same interval for the same pages.
import { seededRandom } from '../runtime/sampler';

/** The seeded generator the sampler uses (mulberry32): ample for resampling page indices. */
export { seededRandom };

export const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile of sorted values, linearly interpolated (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const BOOTSTRAP = { resamples: 1000, level: 0.95, seed: 16 } as const;

/**
 * Percentile bootstrap interval of `statistic` over items resampled with replacement. Null with fewer than two items
 * (one page gives no idea of the spread). `statistic` may return null for a resample (e.g. AP with no truth box): such
 * resamples are left out.
 */
export function bootstrapCi<T>(items: readonly T[], statistic: (sample: readonly T[]) => number | null, opts: { resamples?: number; level?: number; seed?: number } = {}): [number, number] | null {
  return bootstrapCis(items, (s) => [statistic(s)], opts)[0] ?? null;
}

/** Several statistics bootstrapped over the same resamples (one pass: AP@.5 and AP@[.5:.95] share their matching). */
export function bootstrapCis<T>(items: readonly T[], statistics: (sample: readonly T[]) => (number | null)[], opts: { resamples?: number; level?: number; seed?: number } = {}): ([number, number] | null)[] {
  if (items.length < 2) return statistics(items).map(() => null);
  const B = opts.resamples ?? BOOTSTRAP.resamples, level = opts.level ?? BOOTSTRAP.level;
  const rand = seededRandom(opts.seed ?? BOOTSTRAP.seed);
  const stats: number[][] = [];
  const sample = new Array<T>(items.length);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < items.length; i++) sample[i] = items[Math.floor(rand() * items.length)]!;
    statistics(sample).forEach((v, k) => {
      if (v !== null && Number.isFinite(v)) (stats[k] ??= []).push(v);
    });
  }
  return statistics(items).map((_, k) => {
    const xs = stats[k];
    if (!xs?.length) return null;
    xs.sort((a, b) => a - b);
    return [quantile(xs, (1 - level) / 2), quantile(xs, 1 - (1 - level) / 2)];
  });
}

/** Bootstrap interval of the mean, on numbers (the common case: a per-page metric). */
export function meanCi(xs: readonly number[], opts?: { resamples?: number; level?: number; seed?: number }): [number, number] | null {
  if (xs.length < 2) return null;
  const B = opts?.resamples ?? BOOTSTRAP.resamples, level = opts?.level ?? BOOTSTRAP.level;
  const rand = seededRandom(opts?.seed ?? BOOTSTRAP.seed);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rand() * xs.length)]!;
    means[b] = s / xs.length;
  }
  means.sort();
  return [quantile(means, (1 - level) / 2), quantile(means, 1 - (1 - level) / 2)];
}

/** Average ranks (ties share the mean of their ranks), 1-based. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's ρ: Pearson's correlation of the ranks (ties averaged). Null with fewer than 3 pairs or no spread. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length || x.length < 3) return null;
  const rx = ranks(x), ry = ranks(y);
  const mx = mean(rx)!, my = mean(ry)!;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : null;
}
