// Character error rate helpers for the OCR tests and benchmark.

/** Levenshtein distance between two strings, compared by Unicode code point. */
export function editDistance(a: string, b: string): number {
  return sequenceDistance(Array.from(a), Array.from(b));
}

/** Levenshtein distance between two sequences (code points, words), items compared with ===. */
export function sequenceDistance<T>(x: readonly T[], y: readonly T[]): number {
  if (!x.length) return y.length;
  if (!y.length) return x.length;
  let prev = new Uint32Array(y.length + 1);
  let cur = new Uint32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      const sub = prev[j - 1]! + (xi === y[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[y.length]!;
}

/** Collapses all whitespace runs (including line breaks) to one space and trims. */
export function normalizeWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Character error rate: edits needed to turn `predicted` into `truth`, per truth character. */
export function cer(truth: string, predicted: string): number {
  if (!truth.length) return predicted.length ? 1 : 0;
  return editDistance(truth, predicted) / Array.from(truth).length;
}

/** Page CER: whole texts compared in reading order after whitespace normalisation. */
export function pageCer(truth: string, predicted: string): number {
  return cer(normalizeWhitespace(truth), normalizeWhitespace(predicted));
}

/**
 * Line CER: each non-empty truth line is matched with the predicted line that has the fewest
 * edits to it (order-insensitive, so layout mistakes do not count); total edits / total chars.
 */
export function lineCer(truthLines: readonly string[], predictedLines: readonly string[]): number {
  const truth = truthLines.map(normalizeWhitespace).filter(Boolean);
  const pred = predictedLines.map(normalizeWhitespace).filter(Boolean);
  let edits = 0;
  let chars = 0;
  for (const t of truth) {
    let best = Array.from(t).length;
    for (const p of pred) {
      // Length difference is a lower bound on the distance: skip hopeless candidates cheaply.
      if (Math.abs(p.length - t.length) >= best) continue;
      const d = editDistance(t, p);
      if (d < best) best = d;
    }
    edits += best;
    chars += Array.from(t).length;
  }
  return chars ? edits / chars : 0;
}

/**
 * Word error rate: word-level edits (substitutions, insertions, deletions) needed to turn the
 * predicted page into the truth, per truth word, after whitespace normalisation. A lost space
 * counts twice (two truth words replaced by one), as it does for search.
 */
export function wer(truth: string, predicted: string): number {
  const t = normalizeWhitespace(truth).split(' ').filter(Boolean);
  const p = normalizeWhitespace(predicted).split(' ').filter(Boolean);
  if (!t.length) return p.length ? 1 : 0;
  return sequenceDistance(t, p) / t.length;
}
