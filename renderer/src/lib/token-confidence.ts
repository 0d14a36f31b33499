// Per-token confidence for shading a run's output: the probability the model gave each token it chose, in a few
// bands a reader can tell apart at a glance. Pure, so it is tested without a DOM.

export type ConfidenceBand = 'high' | 'fair' | 'low' | 'poor';

/** Bands by probability: ≥ 0.9 high (unshaded), ≥ 0.6 fair, ≥ 0.3 low, below that poor. */
export function confidenceBand(logprob: number): ConfidenceBand {
  const p = Math.exp(logprob);
  if (p >= 0.9) return 'high';
  if (p >= 0.6) return 'fair';
  if (p >= 0.3) return 'low';
  return 'poor';
}

export interface ShadedPiece { text: string; band: ConfidenceBand; probability: number }

/**
 * The output as shaded pieces. A token that ends mid-character has an empty piece (the next carries the character);
 * it is merged into the next so no empty span carries a probability no one can see.
 */
export function shadePieces(pieces: readonly string[], logprobs: readonly number[]): ShadedPiece[] {
  const out: ShadedPiece[] = [];
  let carried = Number.POSITIVE_INFINITY;
  for (let i = 0; i < pieces.length; i++) {
    const lp = Math.min(carried, logprobs[i] ?? 0);
    const text = pieces[i] ?? '';
    if (text === '') {
      carried = lp;
      continue;
    }
    carried = Number.POSITIVE_INFINITY;
    out.push({ text, band: confidenceBand(lp), probability: Math.exp(lp) });
  }
  return out;
}

/** Share of generated tokens below the high band, for a one-line summary. */
export function uncertainShare(logprobs: readonly number[]): number {
  if (logprobs.length === 0) return 0;
  return logprobs.filter((lp) => confidenceBand(lp) !== 'high').length / logprobs.length;
}
