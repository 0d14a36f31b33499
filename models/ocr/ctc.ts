// CTC greedy decoding with per-character confidences and time-step spans (used for word boxes).
import { NO_SPACE_BEFORE } from './text-normalize';

/** Above this a probability is certainly the largest of a softmax row. */
const SURE = 0.5 + 1e-4;

export interface DecodedChar {
  char: string;
  /** Max probability over the run of time steps that produced this character. */
  confidence: number;
  /** First and last time step (inclusive) of the run. */
  start: number;
  end: number;
}

/**
 * Word-space evidence: the Chinese PP-OCR recognizer puts only a small share of probability on its
 * space class in narrow English word gaps, so blank wins every step there and greedy decoding
 * drops the space. Read the space class's own probability instead: a space goes between two
 * characters when some step between them gives it at least `spaceMin`.
 */
export interface SpaceEvidence {
  /** Probability of the space class (on any step between two characters) that makes a space. */
  spaceMin: number;
}

/**
 * What the greedy decoder needs of each time step: the best class and its probability, and the space class's
 * probability. Summarised where the recognizer ran (a worker thread), so only three numbers per step travel instead of
 * a row of every class.
 */
export interface StepSummary {
  best: Int32Array;
  bestP: Float32Array;
  /** Probability of the space class (0 when there is none). */
  spaceP: Float32Array;
}

/** Whether the first output row looks like a softmax (PP-OCR recognizers end in one; custom ones may not). */
export function isSoftmaxRow(probs: Float32Array, classes: number): boolean {
  if (probs.length < classes) return false;
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const p = probs[c]!;
    if (!(p >= 0)) return false;
    sum += p;
  }
  return Math.abs(sum - 1) < 1e-3;
}

/**
 * Summarises `steps` rows of `classes` probabilities starting at `offset` (see StepSummary). `spaceClass` < 0: none.
 * `softmax`: the rows are softmax outputs (non-negative, summing to 1), which allows skipping most of each row.
 */
export function summarizeSteps(probs: Float32Array, offset: number, steps: number, classes: number, spaceClass: number, softmax: boolean): StepSummary {
  const best = new Int32Array(steps), bestP = new Float32Array(steps), spaceP = new Float32Array(steps);
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let k = 0;
    let kp = probs[base]!;
    if (spaceClass > 0) spaceP[t] = probs[base + spaceClass]!;
    // Probabilities sum to 1, so a class above one half is the maximum: most steps are blanks well
    // above it, which skips scanning the other 6 624 classes (the margin covers float rounding).
    if (!softmax || kp <= SURE) {
      for (let c = 1; c < classes; c++) {
        const p = probs[base + c]!;
        if (p > kp) {
          kp = p;
          k = c;
          if (softmax && p > SURE) break;
        }
      }
    }
    best[t] = k;
    bestP[t] = kp;
  }
  return { best, bestP, spaceP };
}

/**
 * Greedy CTC decoding of summarised steps. Class 0 is the CTC blank; class i ≥ 1 is `dictionary[i - 1]`. Only the
 * first `validSteps` steps are read (the rest correspond to batch padding).
 */
export function decodeSteps(steps: StepSummary, dictionary: readonly string[], validSteps = steps.best.length, spaces?: SpaceEvidence): DecodedChar[] {
  const out: DecodedChar[] = [];
  let prev = -1;
  const n = Math.min(steps.best.length, validSteps);
  const spaceClass = spaceClassOf(dictionary);
  const spaceMin = spaces && spaceClass > 0 ? spaces.spaceMin : Infinity;
  /** Highest space probability since the last character, and the step where it was. */
  let spaceP = 0;
  let spaceT = 0;
  for (let t = 0; t < n; t++) {
    const best = steps.best[t]!;
    const bestP = steps.bestP[t]!;
    if (spaceMin <= 1 && steps.spaceP[t]! > spaceP) {
      spaceP = steps.spaceP[t]!;
      spaceT = t;
    }
    if (best !== 0 && best === prev) {
      const last = out[out.length - 1]!;
      last.end = t;
      if (bestP > last.confidence) last.confidence = bestP;
    } else if (best !== 0) {
      // An index past the dictionary means the model and dictionary do not match; mark it visibly.
      const ch = dictionary[best - 1] ?? '\uFFFD';
      const last = out[out.length - 1];
      // Punctuation that never follows a space (a comma's spike often lags behind the gap's space
      // evidence) keeps the evidence for the gap after it instead.
      const holdsSpace = NO_SPACE_BEFORE.has(ch);
      if (!holdsSpace && ch !== ' ' && last && last.char !== ' ' && spaceP >= spaceMin) {
        const at = Math.max(last.end + 1, Math.min(spaceT, t - 1));
        out.push({ char: ' ', confidence: spaceP, start: at, end: at });
      }
      if (!holdsSpace) spaceP = 0;
      out.push({ char: ch, confidence: bestP, start: t, end: t });
    }
    prev = best;
  }
  return out;
}

/**
 * Decodes one sequence of `steps` × `classes` probabilities starting at `offset` in `probs`
 * (summarizeSteps, then decodeSteps).
 */
export function ctcGreedyDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  dictionary: readonly string[],
  validSteps = steps,
  softmax = false,
  spaces?: SpaceEvidence,
): DecodedChar[] {
  const n = Math.min(steps, validSteps);
  return decodeSteps(summarizeSteps(probs, offset, n, classes, spaceClassOf(dictionary), softmax), dictionary, n, spaces);
}

/** The space's class index: parseDictionary ends the dictionary with a space, class dictionary.length; -1 if none. */
export function spaceClassOf(dictionary: readonly string[]): number {
  return dictionary[dictionary.length - 1] === ' ' ? dictionary.length : -1;
}

/** Loads a PP-OCR dictionary: one character per line, then a space appended (as use_space_char does). */
export function parseDictionary(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return [...lines, ' '];
}
