// CTC greedy decoding with per-character confidences and time-step spans (used for word boxes).

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
 * Decodes one sequence of `steps` × `classes` probabilities starting at `offset` in `probs`.
 * Class 0 is the CTC blank; class i ≥ 1 is `dictionary[i - 1]`. Only the first `validSteps` steps
 * are read (the rest correspond to batch padding).
 */
export function ctcGreedyDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  dictionary: readonly string[],
  validSteps = steps,
  /** Rows are softmax outputs (non-negative, summing to 1): allows skipping most of each row. */
  softmax = false,
): DecodedChar[] {
  const out: DecodedChar[] = [];
  let prev = -1;
  const n = Math.min(steps, validSteps);
  for (let t = 0; t < n; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    // Probabilities sum to 1, so a class above one half is the maximum: most steps are blanks well
    // above it, which skips scanning the other 6 624 classes (the margin covers float rounding).
    if (!softmax || bestP <= SURE) {
      for (let c = 1; c < classes; c++) {
        const p = probs[base + c]!;
        if (p > bestP) {
          bestP = p;
          best = c;
          if (softmax && p > SURE) break;
        }
      }
    }
    if (best !== 0 && best === prev) {
      const last = out[out.length - 1]!;
      last.end = t;
      if (bestP > last.confidence) last.confidence = bestP;
    } else if (best !== 0) {
      // An index past the dictionary means the model and dictionary do not match; mark it visibly.
      const ch = dictionary[best - 1] ?? '\uFFFD';
      out.push({ char: ch, confidence: bestP, start: t, end: t });
    }
    prev = best;
  }
  return out;
}

/** Loads a PP-OCR dictionary: one character per line, then a space appended (as use_space_char does). */
export function parseDictionary(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return [...lines, ' '];
}
