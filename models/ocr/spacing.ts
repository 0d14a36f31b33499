// Word spaces from the crop's ink. The Chinese PP-OCR recognizer often drops the spaces of
// English text (its CTC "space" class competes with blank), most of all on JPEG-compressed
// scans. CTC spike timing alone is too coarse (one step = 8 px) to tell letter gaps from word gaps,
// so a space is inserted where the crop has a blank column run at least `minGap` wide between two
// consecutive recognised characters.
import type { DecodedChar } from './ctc';
import { NO_SPACE_AFTER, NO_SPACE_BEFORE } from './text-normalize';

export interface BlankRun {
  start: number;
  /** Exclusive. */
  end: number;
}

/**
 * Columns of an RGB crop that hold no ink inside rows [top, bottom). Ink is anything darker than
 * halfway between the crop's dark and light percentiles; a low-contrast crop yields null.
 */
export function blankColumnRuns(rgb: Uint8Array, width: number, height: number, top: number, bottom: number): BlankRun[] | null {
  const y0 = Math.max(0, Math.floor(top));
  const y1 = Math.min(height, Math.ceil(bottom));
  if (y1 <= y0 || width < 2) return null;
  const hist = new Uint32Array(256);
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      hist[(rgb[i]! * 77 + rgb[i + 1]! * 150 + rgb[i + 2]! * 29) >> 8]!++;
    }
  }
  const n = (y1 - y0) * width;
  const percentile = (p: number) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc >= p * n) return v;
    }
    return 255;
  };
  const dark = percentile(0.02);
  const light = percentile(0.9);
  if (light - dark < 40) return null;
  const thr = (dark + light) / 2;
  const runs: BlankRun[] = [];
  let runStart = -1;
  for (let x = 0; x <= width; x++) {
    let ink = x === width;
    for (let y = y0; y < y1 && !ink; y++) {
      const i = (y * width + x) * 3;
      if ((rgb[i]! * 77 + rgb[i + 1]! * 150 + rgb[i + 2]! * 29) >> 8 < thr) ink = true;
    }
    if (!ink && runStart < 0) runStart = x;
    if (ink && runStart >= 0) {
      runs.push({ start: runStart, end: x });
      runStart = -1;
    }
  }
  return runs;
}

/**
 * Inserts spaces where blank runs of at least `minGap` pixels fall. Each run is assigned to the
 * character boundary whose midpoint (between the two characters' CTC spikes) is nearest its
 * centre: CTC spikes can lag behind their glyph, so "the run lies between two spikes" alone would
 * put a word gap inside the next word. A boundary that already has a space is left alone.
 * `stepToX` maps a CTC time step to a crop column.
 */
const DIGIT = /^\p{Nd}$/u;

export function insertSpaces(chars: DecodedChar[], runs: readonly BlankRun[], minGap: number, stepToX: (step: number) => number): DecodedChar[] {
  const wide = runs.filter((r) => r.end - r.start >= minGap);
  if (!wide.length || chars.length < 2) return chars;
  const mids: number[] = [];
  for (let i = 0; i + 1 < chars.length; i++) mids.push((stepToX(chars[i]!.end + 0.5) + stepToX(chars[i + 1]!.start + 0.5)) / 2);
  const first = stepToX(chars[0]!.start + 0.5);
  const last = stepToX(chars[chars.length - 1]!.end + 0.5);
  const spaceAfter = new Set<number>();
  for (const run of wide) {
    const centre = (run.start + run.end) / 2;
    if (centre <= first || centre >= last) continue;
    let best = 0;
    for (let i = 1; i < mids.length; i++) if (Math.abs(mids[i]! - centre) < Math.abs(mids[best]! - centre)) best = i;
    const before = chars[best]!.char, after = chars[best + 1]!.char;
    // A narrow digit ("1") sits in a full-width figure cell, so "1780" shows a word-sized gap after
    // the 1; between two digits only a clearly wider gap separates numbers.
    if (DIGIT.test(before) && DIGIT.test(after) && run.end - run.start < 2 * minGap) continue;
    // Monospaced and loosely set fonts leave word-sized gaps before commas and full stops.
    if (before !== ' ' && after !== ' ' && !NO_SPACE_BEFORE.has(after) && !NO_SPACE_AFTER.has(before)) spaceAfter.add(best);
  }
  if (!spaceAfter.size) return chars;
  const out: DecodedChar[] = [];
  chars.forEach((c, i) => {
    out.push(c);
    if (spaceAfter.has(i)) {
      const next = chars[i + 1]!;
      const mid = Math.floor((c.end + next.start) / 2);
      out.push({ char: ' ', confidence: Math.min(c.confidence, next.confidence), start: mid, end: mid });
    }
  });
  return out;
}

/**
 * Gap width that separates words in one crop: at least `floor`, and at least twice the median
 * blank run (mostly letter gaps), since fonts with loose letter spacing can have letter gaps wider
 * than a fixed fraction of the text height.
 */
export function spaceThreshold(runs: readonly BlankRun[], floor: number): number {
  // The first and last runs are the crop margins, not gaps between glyphs.
  const inner = runs.slice(1, -1).map((r) => r.end - r.start).sort((a, b) => a - b);
  if (inner.length < 3) return floor;
  return Math.max(floor, 2 * inner[Math.floor(inner.length / 2)]!);
}

/**
 * Moves word edges (fractions of the line length) onto the ink: a left edge to the end of the
 * nearest gap, a right edge to the start of the nearest gap, when one lies within `tol`. CTC
 * spikes lag their glyphs by up to about a character, so the raw edges cut into the first letter
 * and overhang into the following space.
 */
export function snapWordEdges(words: { a: number; b: number }[], gaps: readonly { s: number; e: number }[], tol: number): void {
  for (const w of words) {
    let bestA = w.a, dA = tol;
    let bestB = w.b, dB = tol;
    for (const g of gaps) {
      if (Math.abs(g.e - w.a) < dA) {
        dA = Math.abs(g.e - w.a);
        bestA = g.e;
      }
      if (Math.abs(g.s - w.b) < dB) {
        dB = Math.abs(g.s - w.b);
        bestB = g.s;
      }
    }
    if (bestA < bestB) {
      w.a = bestA;
      w.b = bestB;
    }
  }
}
