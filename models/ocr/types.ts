// Public types of the built-in OCR engine. Coordinates are always original-image pixels.
export type Point = [number, number];
/** Four corners clockwise from the top-left of the text (reading direction), original-image pixels. */
export type Quad = [Point, Point, Point, Point];

export interface OcrWord {
  text: string;
  confidence: number;
  box: Quad;
}

export interface OcrLine {
  text: string;
  confidence: number;
  box: Quad;
  words: OcrWord[];
  /** Index of the layout block (column / paragraph) in reading order. */
  block: number;
}

export interface OcrPage {
  width: number;
  height: number;
  lines: OcrLine[];
  /**
   * Clockwise rotation (degrees) that would make the page upright, when the page looks rotated
   * (most lines tall, or most lines classified upside-down). Absent when the page looks upright.
   */
  rotationHint?: 0 | 90 | 180 | 270;
  /** Milliseconds spent per stage. */
  timings: Record<string, number>;
}

/** RGB, row-major, 3 bytes per pixel. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

export interface OcrProgress {
  stage: 'detect' | 'classify' | 'recognize';
  done: number;
  total: number;
}

export interface OcrOptions {
  signal?: AbortSignal;
  onProgress?: (p: OcrProgress) => void;
}

export interface DetectionOptions {
  /** Longest side (px) the page is scaled down to before detection. */
  limitSideLen: number;
  /** Very thin strips are kept at least this tall (px) so their text stays legible. */
  minShortSide: number;
  /** Probability above which a pixel counts as text. */
  thresh: number;
  /** Mean probability inside a box below which the box is dropped. */
  boxThresh: number;
  /** How far boxes grow back out: distance = area * ratio / perimeter. */
  unclipRatio: number;
  /** Boxes whose short side is below this (detection-map pixels) are dropped. */
  minSize: number;
  maxCandidates: number;
}

export interface RecognizerSpec {
  model: string;
  dictionary: string;
  /** The files' contents when the caller has read and checked them (recognizer-folder.ts); read from the paths otherwise. */
  modelBytes?: Uint8Array;
  dictionaryText?: string;
}

export interface Logger {
  debug?(msg: string): void;
  warn?(msg: string): void;
}

export interface EngineOptions {
  modelDir?: string;
  threads?: number;
  recognizer?: RecognizerSpec;
  detection?: Partial<DetectionOptions>;
  /** Orientation classifier confidence needed before a crop is flipped 180°. */
  clsThresh?: number;
  /**
   * Lines per page classified first (default 12, spread over the page); the other lines are
   * classified only when a sampled line is not clearly upright (p(180°) ≥ 1 − clsThresh).
   * Infinity classifies every line.
   */
  clsSample?: number;
  /** Extra margin above and below each line crop, as a fraction of the line height. */
  cropPadding?: number;
  /** Insert word spaces the recognizer missed where the crop shows a word-sized gap (default true). */
  inferSpaces?: boolean;
  /** Re-read pages that look turned 90°/180°/270° upright (default true); boxes stay in input pixels. */
  autoRotate?: boolean;
  /** Let onnxruntime's worker threads busy-wait between runs (default false: kinder to shared CPUs). */
  spinThreads?: boolean;
  /** Recognizer batch size (crops per run). */
  recBatch?: number;
  /**
   * Recognizer runs in flight at once (default: `threads`). Above 1 each runs on its own worker thread with a
   * single-threaded session (rec-lanes.ts); 1 runs them in this thread on one session with `threads` threads.
   */
  recLanes?: number;
  /**
   * int8 convolutions in the recognizer (quantize.ts), when its calibration table fits the recognizer file (default
   * true; a recognizer without a table runs in float).
   */
  int8?: boolean;
  /** Sees each recognizer input before it runs (int8-calibrate.ts measures activations on them); copy what you keep. */
  onRecognizerInput?: (input: Float32Array, dims: readonly number[]) => void;
  logger?: Logger;
}

export interface OcrEngine {
  recognize(image: RawImage, opts?: OcrOptions): Promise<OcrPage>;
  dispose(): Promise<void>;
}
