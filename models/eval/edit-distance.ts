// Levenshtein distance over sequences of symbols (characters, words, **kern tokens, table-cell tokens), through
// fastest-levenshtein (Myers' bit-parallel algorithm: ~n·m/32 word operations, where a plain dynamic programme does
// n·m; a page of 3,000 characters against another is ~0.3 ms instead of ~30 ms).
//
// fastest-levenshtein compares UTF-16 code units. To count a character outside the BMP (an emoji, a historic script)
// as one character, and a word or token as one symbol, each symbol of the pair is given a code unit first. Only
// equality across the two sequences matters, so every symbol found in one sequence only shares one code (one for each
// side): the code units needed are the symbols common to both, plus two. A pair sharing more than 65,534 distinct
// symbols (it takes hostile input: the texts are cut to 200,000 characters) is measured by the plain programme below,
// up to MAX_PLAIN_CELLS.
import { distance } from 'fastest-levenshtein';

const CODE_UNITS = 0x10000;
/** Largest n·m the plain programme is asked for (about a second); beyond it editDistance throws a RangeError. */
export const MAX_PLAIN_CELLS = 100_000_000;

/** Edit distance (insertions, deletions, substitutions, each costing 1) between two symbol sequences. */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  // A common prefix and suffix cost nothing: cut them first (most pages of two close readings are mostly that).
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  if (start > 0 || end > 0) {
    a = a.slice(start, a.length - end);
    b = b.slice(start, b.length - end);
  }
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const inB = new Set(b);
  const codes = new Map<string, number>();
  const ONLY_A = 0, ONLY_B = 1;
  let next = 2;
  for (const s of a) {
    if (inB.has(s) && !codes.has(s)) codes.set(s, next++);
  }
  if (next > CODE_UNITS) {
    if (a.length * b.length > MAX_PLAIN_CELLS) throw new RangeError(`the sequences are too long and varied to compare (${a.length} × ${b.length} symbols)`);
    return plainDistance(a, b);
  }
  const encode = (seq: readonly string[], only: number): string => {
    const units = seq.map((s) => codes.get(s) ?? only);
    // String.fromCharCode over chunks: a spread of 100k arguments would overflow the call stack.
    let out = '';
    for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
    return out;
  };
  return distance(encode(a, ONLY_A), encode(b, ONLY_B));
}

/** The textbook O(n·m) programme with two rows; only for pairs sharing more distinct symbols than code units. */
export function plainDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Characters as code points (not UTF-16 units), so "é" composed and "𝔸" each count once. */
export const codePoints = (s: string): string[] => Array.from(s);
