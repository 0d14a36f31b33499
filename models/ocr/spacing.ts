// Word spaces from the crop's ink. The Chinese PP-OCR recognizer often drops the spaces of
// English text (its CTC "space" class competes with blank), most of all on JPEG-compressed
// scans. CTC spike timing alone is too coarse (one step = 8 px) to tell letter gaps from word gaps,
// so a space is inserted where the crop has a blank column run at least `minGap` wide between two
// consecutive recognised characters.
import type { DecodedChar } from './ctc';

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
 * Inserts a space between consecutive non-space characters when a blank run of at least `minGap`
 * pixels has its centre between them. `stepToX` maps a CTC time step to a crop column.
 */
export function insertSpaces(chars: DecodedChar[], runs: readonly BlankRun[], minGap: number, stepToX: (step: number) => number): DecodedChar[] {
  const wide = runs.filter((r) => r.end - r.start >= minGap);
  if (!wide.length) return chars;
  const out: DecodedChar[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const prev = out[out.length - 1];
    if (prev && prev.char !== ' ' && c.char !== ' ') {
      const a = stepToX(prev.end + 0.5);
      const b = stepToX(c.start + 0.5);
      const gap = wide.find((r) => (r.start + r.end) / 2 > a && (r.start + r.end) / 2 < b);
      if (gap) {
        const mid = (prev.end + c.start) / 2;
        out.push({ char: ' ', confidence: Math.min(prev.confidence, c.confidence), start: Math.floor(mid), end: Math.floor(mid) });
      }
    }
    out.push(c);
  }
  return out;
}
