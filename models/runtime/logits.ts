// Small numeric helpers over one logits row. All work on copies or in place as named; none allocate per token more
// than one vocab-sized array.

/** Sets logits[id] = -Infinity for id ≥ limit (ids the head can never legitimately emit: <image>, padding rows). */
export function maskFrom(logits: Float32Array, limit: number): Float32Array {
  if (limit < logits.length) logits.fill(-Infinity, Math.max(0, limit));
  return logits;
}

/** Natural-log softmax into a new Float64Array (float64 so long sums of logprobs stay exact enough to compare). */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) throw new Error('logSoftmax: every logit is -Infinity (all ids masked)');
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - lse;
  return out;
}

/** log softmax(logits)[id] without allocating a vocab-sized array (one per generated token adds up at 257k ids). */
export function logProbOf(logits: ArrayLike<number>, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) throw new Error('logProbOf: every logit is -Infinity (all ids masked)');
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[id]! - max - Math.log(sum);
}

/** Index of the largest value; the lowest index wins ties, as numpy/torch argmax. NaN never wins. */
export function argmax(x: ArrayLike<number>): number {
  let best = -1, bv = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i]! > bv) { bv = x[i]!; best = i; }
  if (best < 0) throw new Error('argmax: no finite or +Infinity value (all ids masked?)');
  return best;
}

/** The k indices with the largest values, in descending order (ties: lower index first). */
export function topK(x: ArrayLike<number>, k: number): number[] {
  // Partial selection keeps this O(V·k) with k tiny (beam width ×2, top-k sampling), no full sort of 257k values.
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v === -Infinity || Number.isNaN(v)) continue;
    if (idx.length === k && v <= x[idx[k - 1]!]!) continue;
    let j = idx.length < k ? idx.length : k - 1;
    if (idx.length < k) idx.push(i);
    while (j > 0 && x[idx[j - 1]!]! < v) { idx[j] = idx[j - 1]!; j--; }
    idx[j] = i;
  }
  return idx;
}
