// Text metrics: character and word error rates (page and line level), word-segmentation errors, exact match and
// ROUGE-L. Every function takes two strings and never throws.
//
// Normalisation (stated once, used by every text metric): Unicode NFC (a composed "é" and "e" + combining accent are
// the same character); line breaks \r\n and \r become \n; inside a line every run of white space (tabs, no-break
// spaces, ideographic spaces…) becomes one space and the line is trimmed; empty lines are dropped. At page level the
// lines are joined with one space, so a line broken at another place costs nothing more than the space it moved. Case
// and punctuation are kept: a wrong capital or comma is an error, as in the OCR literature (CER/WER of ICDAR, Transkribus,
// ocrevalUAtion).
import { diffArrays } from 'diff';
import { codePoints, editDistance } from './edit-distance';

/** Texts are cut to this many characters before comparing (a hostile output can be megabytes); said in the notes. */
export const MAX_TEXT_CHARS = 200_000;

/** The page's lines after normalisation (see the header). */
export function normalizedLines(s: string): string[] {
  return s
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+/gu, ' ').trim())
    .filter((l) => l !== '');
}

export const pageText = (lines: readonly string[]): string => lines.join(' ');
export const wordsOf = (text: string): string[] => (text === '' ? [] : text.split(' '));

export interface TextErrorScores {
  /** Character error rate: edits / characters of the truth (page level). Can exceed 1 when the prediction is longer. */
  cer: number;
  /** Word error rate: word edits / words of the truth (page level). */
  wer: number;
  /** Line level: each truth line against the predicted line in the same place (missing and extra lines count whole). */
  lineCer: number;
  /** Share of truth lines read exactly, in their place. */
  lineAccuracy: number;
  /** Truth words run together into one predicted word ("of the" → "ofthe"): segmentation errors, counted apart. */
  mergedWords: number;
  /** Truth words cut into several predicted words ("railway" → "rail way"). */
  splitWords: number;
}

/** Rate of `errors` over a truth of `n` symbols; an empty truth scores 0 when the prediction is empty too, else 1. */
function rate(errors: number, n: number): number {
  if (n > 0) return errors / n;
  return errors === 0 ? 0 : 1;
}

function bounded(s: string, notes: string[], which: string): string {
  if (typeof s !== 'string') {
    notes.push(`the ${which} is not text; scored as empty`);
    return '';
  }
  if (s.length <= MAX_TEXT_CHARS) return s;
  notes.push(`the ${which} has ${s.length} characters; only the first ${MAX_TEXT_CHARS} were compared`);
  return s.slice(0, MAX_TEXT_CHARS);
}

/** CER, WER, line scores and segmentation errors of a predicted text against the truth. */
export function textErrors(truth: string, prediction: string, notes: string[] = []): TextErrorScores {
  const tl = normalizedLines(bounded(truth, notes, 'truth'));
  const pl = normalizedLines(bounded(prediction, notes, 'prediction'));
  const tt = pageText(tl), pt = pageText(pl);
  const tc = codePoints(tt), pc = codePoints(pt);
  const tw = wordsOf(tt), pw = wordsOf(pt);
  if (tc.length === 0) notes.push(pc.length === 0 ? 'the truth is empty and so is the prediction' : 'the truth is empty: any predicted text is an error rate of 1');

  let lineEdits = 0, lineChars = 0, exact = 0;
  for (let i = 0; i < Math.max(tl.length, pl.length); i++) {
    const t = codePoints(tl[i] ?? ''), p = codePoints(pl[i] ?? '');
    lineChars += t.length;
    lineEdits += editDistance(t, p);
    if (i < tl.length && tl[i] === pl[i]) exact++;
  }
  if (tl.length !== pl.length) notes.push(`${tl.length} truth line(s), ${pl.length} predicted`);
  const seg = segmentationErrors(tw, pw);
  return {
    cer: rate(editDistance(tc, pc), tc.length),
    wer: rate(editDistance(tw, pw), tw.length),
    lineCer: rate(lineEdits, lineChars),
    lineAccuracy: tl.length ? exact / tl.length : pl.length ? 0 : 1,
    mergedWords: seg.merged,
    splitWords: seg.split,
  };
}

/**
 * Merged and split words between two word sequences. The sequences are aligned (diff's Myers alignment); inside each
 * changed stretch, a predicted word equal to two or more consecutive truth words joined without a space is a merge,
 * and two or more consecutive predicted words that join to one truth word are a split.
 */
export function segmentationErrors(truthWords: readonly string[], predWords: readonly string[]): { merged: number; split: number } {
  let merged = 0, split = 0;
  const parts = diffArrays([...truthWords], [...predWords]);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.removed && !part.added) continue;
    // A changed stretch is a removed part, an added part, or one of each in either order.
    const next = parts[i + 1];
    const removed = part.removed ? part.value : next?.removed ? next.value : [];
    const added = part.added ? part.value : next?.added ? next.value : [];
    if (next && (next.removed || next.added) && next.removed !== part.removed) i++;
    merged += joins(removed, added);
    split += joins(added, removed);
  }
  return { merged, split };
}

/** How many words of `whole` are the concatenation of 2+ consecutive words of `pieces` (each piece used once). */
function joins(pieces: readonly string[], whole: readonly string[]): number {
  let count = 0, from = 0;
  for (const w of whole) {
    for (let s = from; s < pieces.length; s++) {
      let joined = pieces[s]!;
      let e = s + 1;
      while (e < pieces.length && joined.length < w.length) joined += pieces[e++];
      if (e - s >= 2 && joined === w) {
        count++;
        from = e;
        break;
      }
    }
  }
  return count;
}

/** Answer normalisation for exact match: NFC, case folded, white space collapsed, final . ! ? dropped. */
export function normalizedAnswer(s: string): string {
  return pageText(normalizedLines(typeof s === 'string' ? s : '')).toLowerCase().replace(/[.!?。]+$/u, '').trim();
}

export const exactMatch = (truth: string, prediction: string): number => (normalizedAnswer(truth) === normalizedAnswer(prediction) ? 1 : 0);

/** Tokens for ROUGE-L: runs of letters and digits, lower case (Lin 2004 tokenises on non-alphanumerics too). */
export const rougeTokens = (s: string): string[] => (typeof s === 'string' ? s.normalize('NFC').toLowerCase().slice(0, MAX_TEXT_CHARS).match(/[\p{L}\p{N}]+/gu) ?? [] : []);

/** ROUGE-L F1 (β = 1): the longest common subsequence of tokens over the prediction's and the truth's length. */
export function rougeL(truth: string, prediction: string): number {
  const t = rougeTokens(truth), p = rougeTokens(prediction);
  if (t.length === 0 && p.length === 0) return 1;
  if (t.length === 0 || p.length === 0) return 0;
  const lcs = diffArrays(t, p).reduce((n, part) => (part.added || part.removed ? n : n + part.count), 0);
  if (lcs === 0) return 0;
  const precision = lcs / p.length, recall = lcs / t.length;
  return (2 * precision * recall) / (precision + recall);
}
