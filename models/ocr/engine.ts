// The OCR engine: one set of ONNX sessions (detector, orientation classifier, recognizer) reused
// for every page. Pure Node: directories, threads, logger and cancellation are passed in.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeSteps, parseDictionary, spaceClassOf, type DecodedChar } from './ctc';
import { DEFAULT_DETECTION, dbPostprocess } from './db-postprocess';
import { detectionInput, detectionSize } from './detect-input';
import { quadSides, rotateQuadLabels, subQuad } from './geometry';
import { readingOrder } from './layout';
import { MODEL_FILES, defaultOcrModelDir } from './model-dir';
import type { DetectionOptions, EngineOptions, OcrEngine, OcrLine, OcrOptions, OcrPage, OcrWord, Point, Quad, RawImage } from './types';
import { blankColumnRuns, insertSpaces, snapWordEdges, spaceThreshold, type BlankRun } from './spacing';
import { latinizeFullwidth } from './text-normalize';
import { warpQuad, writeBgrHalfNorm } from './warp';
import { sessionLanes, workerLanes, type RecLanes } from './rec-lanes';
import { loadModel, loadRecognizer, probeClasses, recognizerClasses, REC_H, REC_MIN_W } from './sessions';

/** Lines longer than this aspect ratio are recognised in pieces (attention cost grows with width). */
const REC_MAX_RATIO = 40;
/** Longest line (aspect ratio) read at all; longer regions are squeezed to this. */
const MAX_LINE_RATIO = 1000;
/**
 * Glyph pitch (px in the 48-px crop) below which a line is stretched horizontally. The recognizer
 * emits one time step per 8 columns; at a pitch of 17 px (condensed or small fonts) a letter gets
 * two steps, too few to separate doubled letters ("litle") or to see word gaps ("orviews").
 * Measured pitch: Liberation Sans Narrow 17–20 px, Liberation Serif 17–22, Liberation Sans 20–23,
 * DejaVu Serif 24–28, monospaced 26–33. Stretching every line ×1.4 took scanned Liberation Serif
 * text from page CER 0.020 to 0.0008; 21 px was too low a bar for blurred scans.
 */
const MIN_PITCH = 26;
/** Most a line is stretched (more only widens the batch for little gain). */
const MAX_STRETCH = 1.4;
/** Probability of the recognizer's space class that makes a word space (see ctc.ts). */
const SPACE_PROB = 0.05;
/** Blank run (in em of the text body) that counts as a word space. */
const SPACE_EM = 0.2;
const CLS_H = 48;
const CLS_W = 192;
const CLS_BATCH = 16;
const CLS_WINDOWS = 3;
/** Lines classified first on every page; the rest only when one of them is not clearly upright. */
const CLS_SAMPLE = 12;
/** Crops this much taller than wide are assumed to be vertical text and turned 90°. */
const TALL_RATIO = 1.5;

export class OcrAbortError extends Error {
  constructor() {
    super('OCR cancelled');
    this.name = 'AbortError';
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OcrAbortError();
}

interface Region {
  /** Detected quad, original pixels, clockwise from geometric top-left. */
  quad: Quad;
  /** Same corners relabelled so the text reads from corner 0 to corner 1. */
  oriented: Quad;
  tall: boolean;
  flipped: boolean;
}

interface RecPiece {
  region: number;
  /** First column of this piece inside the whole line crop, and that crop's width. */
  x0: number;
  lineW: number;
  /** RGB pixels, REC_H rows × width columns. */
  crop: Uint8Array;
  width: number;
  /** Blank column runs inside this piece (null: contrast too low to tell). */
  blanks: BlankRun[] | null;
  /** The cut before this piece fell in a word-sized gap. */
  joinSpace: boolean;
  /** Blank run width (px) that counts as a word space on this line. */
  spaceGap: number;
  chars: DecodedChar[];
  /** Time steps per input pixel column. */
  stride: number;
}

export async function createOcrEngine(options: EngineOptions = {}): Promise<OcrEngine> {
  // No environment lookups here: callers (CLI, app) resolve PALISCOPE_OCR_MODELS / resources.
  const modelDir = options.modelDir ?? defaultOcrModelDir({});
  const threads = Math.max(1, options.threads ?? 2);
  const det: DetectionOptions = { ...DEFAULT_DETECTION, ...options.detection };
  const clsThresh = options.clsThresh ?? 0.9;
  const clsSample = Math.max(1, options.clsSample ?? CLS_SAMPLE);
  // Measured CPU per page on two bench pages by batch size: 1 → 2.9–3.1 s, 2 → 3.0–3.3 s,
  // 4 → 3.5–3.6 s, 8 → 4.1–4.3 s: big batches of long lines fall out of cache, so keep them small.
  const recBatch = Math.max(1, options.recBatch ?? 2);
  const cropPad = options.cropPadding ?? 0.05;
  const inferSpaces = options.inferSpaces ?? true;
  const autoRotate = options.autoRotate ?? true;
  const spin = options.spinThreads ?? false;
  const log = options.logger;
  const recModel = options.recognizer?.model ?? path.join(modelDir, MODEL_FILES.rec);
  const dictFile = options.recognizer?.dictionary ?? path.join(modelDir, MODEL_FILES.dict);

  let dictText: string;
  try {
    dictText = options.recognizer?.dictionaryText ?? (await readFile(dictFile, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read OCR dictionary ${dictFile}: ${(err as Error).message}`);
  }
  const dictionary = parseDictionary(dictText);
  const spaceClass = spaceClassOf(dictionary);
  const loaded = await Promise.allSettled([
    loadModel(path.join(modelDir, MODEL_FILES.det), threads, spin, log),
    loadModel(path.join(modelDir, MODEL_FILES.cls), threads, spin, log),
    loadRecognizer(recModel, threads, spin, options.int8 ?? true, log, options.recognizer?.modelBytes),
  ]);
  const failed = loaded.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Release whichever sessions did load before reporting the first failure.
    await Promise.all(loaded.map((r) => (r.status === 'fulfilled' ? r.value.session.release() : undefined)));
    throw failed.reason;
  }
  const [det_, cls_, rec_] = loaded.map((r) => (r as PromiseFulfilledResult<{ session: ort.InferenceSession; bytes: Uint8Array }>).value);
  const detS = det_!.session, clsS = cls_!.session, recS = rec_!.session;
  // Fail at load time, not on the first page, when the recognizer and dictionary do not match.
  let classes: number | undefined;
  try {
    classes = recognizerClasses(recS) ?? (await probeClasses(recS));
  } catch (err) {
    await Promise.all([detS.release(), clsS.release(), recS.release()]);
    throw new Error(`recognizer ${recModel} does not read a ${REC_H}-px line: ${(err as Error).message}`);
  }
  if (classes !== dictionary.length + 1) {
    await Promise.all([detS.release(), clsS.release(), recS.release()]);
    throw new Error(`recognizer ${recModel} has ${classes} classes but dictionary ${dictFile} gives ${dictionary.length + 1} (entries + space + blank)`);
  }
  // The recognizer on worker threads, one single-threaded session each; this thread's session when there is one lane
  // or the workers cannot start (the page is then read as before, only not side by side).
  let rec: RecLanes = sessionLanes(recS, ort.Tensor);
  // One lane per thread by default (EngineOptions.recLanes).
  const lanes = Math.max(1, Math.floor(options.recLanes ?? threads));
  if (lanes > 1) {
    try {
      rec = await workerLanes(rec_!.bytes, lanes);
      await recS.release();
    } catch (err) {
      log?.warn?.(`ocr: reading lines on one thread: ${(err as Error).message}`);
    }
  }
  let disposed = false;

  async function detect(img: RawImage): Promise<{ quad: Quad; score: number }[]> {
    const size = detectionSize(img.width, img.height, det);
    const input = await detectionInput(img, size);
    const feeds = { [detS.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, size.height, size.width]) };
    const out = await detS.run(feeds);
    const prob = out[detS.outputNames[0]!]!;
    const [, , mh, mw] = prob.dims as number[];
    const boxes = dbPostprocess({ data: prob.data as Float32Array, width: mw!, height: mh! }, det);
    const sx = img.width / mw!, sy = img.height / mh!;
    const clampX = (x: number) => Math.min(img.width, Math.max(0, x));
    const clampY = (y: number) => Math.min(img.height, Math.max(0, y));
    return boxes.map((b) => ({
      // The map's pixel centres sit at integer + 0.5 in continuous image coordinates.
      quad: b.quad.map((p): Point => [clampX((p[0] + 0.5) * sx), clampY((p[1] + 0.5) * sy)]) as Quad,
      score: b.score,
    }));
  }

  /**
   * Orientation check. A whole long line squeezed into the classifier's 48×192 input (what PP-OCR
   * does) flips many upright English lines; instead up to CLS_WINDOWS windows of the line at its
   * natural aspect ratio are classified and their 180° probabilities averaged.
   */
  async function classify(img: RawImage, regions: Region[], opts: OcrOptions): Promise<void> {
    const p180 = new Float64Array(regions.length);
    const count = new Uint32Array(regions.length);
    const all = regions.map((_, ri) => ri);
    // A sample of lines first: when every sampled line is confidently upright the page is taken to
    // be upright and the other lines are not classified (most pages); otherwise every line is.
    const sample = all.length > clsSample ? Array.from({ length: clsSample }, (_, k) => Math.floor(((k + 0.5) * all.length) / clsSample)) : all;
    await classifyLines(img, regions, sample, p180, count, opts, 0, all.length);
    const uncertain = sample.some((ri) => count[ri]! && p180[ri]! / count[ri]! >= 1 - clsThresh);
    if (sample.length < all.length && uncertain) {
      const seen = new Set(sample);
      await classifyLines(img, regions, all.filter((ri) => !seen.has(ri)), p180, count, opts, sample.length, all.length);
    } else if (sample.length < all.length) opts.onProgress?.({ stage: 'classify', done: all.length, total: all.length });
    regions.forEach((r, ri) => {
      if (count[ri]! && p180[ri]! / count[ri]! > clsThresh) {
        r.oriented = rotateQuadLabels(r.oriented, 2);
        r.flipped = true;
      }
    });
  }

  async function classifyLines(img: RawImage, regions: Region[], which: number[], p180: Float64Array, count: Uint32Array, opts: OcrOptions, before: number, lines: number): Promise<void> {
    const windows: { region: number; quad: Quad; width: number }[] = [];
    for (const ri of which) {
      const r = regions[ri]!;
      const { w, h } = quadSides(r.oriented);
      const span = (CLS_W / CLS_H) * Math.max(h, 1e-6);
      if (w <= span) {
        windows.push({ region: ri, quad: r.oriented, width: Math.max(1, Math.min(CLS_W, Math.ceil((CLS_H * w) / Math.max(h, 1e-6)))) });
        continue;
      }
      const n = Math.min(CLS_WINDOWS, Math.floor(w / span));
      const frac = span / w;
      for (let k = 0; k < n; k++) {
        // Spread the windows evenly from the start to the end of the line.
        const u0 = n === 1 ? 0 : (k * (1 - frac)) / (n - 1);
        windows.push({ region: ri, quad: subQuad(r.oriented, u0, u0 + frac), width: CLS_W });
      }
    }
    const total = windows.length;
    for (let start = 0; start < total; start += CLS_BATCH) {
      checkAbort(opts.signal);
      const batch = windows.slice(start, start + CLS_BATCH);
      const data = new Float32Array(batch.length * 3 * CLS_H * CLS_W);
      batch.forEach((win, i) => {
        const crop = warpQuad(img, win.quad, win.width, CLS_H);
        writeBgrHalfNorm(data, i * 3 * CLS_H * CLS_W, CLS_W, CLS_H, crop, win.width);
      });
      const out = await clsS.run({ [clsS.inputNames[0]!]: new ort.Tensor('float32', data, [batch.length, 3, CLS_H, CLS_W]) });
      const probs = out[clsS.outputNames[0]!]!.data as Float32Array;
      batch.forEach((win, i) => {
        p180[win.region]! += probs[i * 2 + 1]!;
        count[win.region]!++;
      });
      // Progress in lines (a line has 1–3 windows); lines settled by the page sample count as done.
      opts.onProgress?.({ stage: 'classify', done: before + Math.round(((start + batch.length) / total) * which.length), total: lines });
    }
  }

  /** Text-band rows of a padded line crop: the padding may hold neighbouring lines' strokes. */
  const band = (REC_H * cropPad) / (1 + 2 * cropPad);
  /** A word space is at least SPACE_EM of the text body height. */
  const minSpace = (SPACE_EM * REC_H) / (1 + 2 * cropPad);

  /**
   * Warps a whole line to the recognizer height and cuts it into pieces no wider than
   * REC_MAX_RATIO × height, each cut placed in the widest blank gap near its ideal position so no
   * glyph is split between two pieces.
   */
  function cutLine(img: RawImage, r: Region, ri: number): RecPiece[] {
    const { w, h } = quadSides(r.oriented);
    const ratio = w / Math.max(h * (1 + 2 * cropPad), 1e-6);
    const padded = padAcross(r.oriented, cropPad);
    let lineW = Math.max(8, Math.min(Math.ceil(REC_H * ratio), REC_H * MAX_LINE_RATIO));
    let crop = warpQuad(img, padded, lineW, REC_H);
    let blanks = blankColumnRuns(crop, lineW, REC_H, band, REC_H - band);
    const stretch = stretchFor(blanks);
    if (stretch > 1 && lineW * stretch <= REC_H * MAX_LINE_RATIO) {
      lineW = Math.ceil(lineW * stretch);
      crop = warpQuad(img, padded, lineW, REC_H);
      blanks = blankColumnRuns(crop, lineW, REC_H, band, REC_H - band);
    }
    const maxW = REC_H * REC_MAX_RATIO;
    const cuts = [0];
    const cutGap: number[] = [0];
    while (lineW - cuts[cuts.length - 1]! > maxW) {
      const last = cuts[cuts.length - 1]!;
      const lo = last + maxW / 2, hi = last + maxW;
      let best: BlankRun | undefined;
      for (const run of blanks ?? []) {
        const mid = (run.start + run.end) / 2;
        if (mid > lo && mid < hi && (!best || run.end - run.start > best.end - best.start)) best = run;
      }
      cuts.push(best ? Math.round((best.start + best.end) / 2) : hi);
      cutGap.push(best ? best.end - best.start : 0);
    }
    cuts.push(lineW);
    const gap = blanks ? spaceThreshold(blanks, minSpace) : minSpace;
    const pieces: RecPiece[] = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const x0 = cuts[k]!, x1 = cuts[k + 1]!;
      const width = x1 - x0;
      const pix = x0 === 0 && x1 === lineW ? crop : sliceColumns(crop, lineW, REC_H, x0, x1);
      const own = blanks?.filter((run) => run.end > x0 && run.start < x1).map((run) => ({ start: Math.max(run.start, x0) - x0, end: Math.min(run.end, x1) - x0 }));
      pieces.push({ region: ri, x0, lineW, crop: pix, width, blanks: blanks ? own! : null, joinSpace: cutGap[k]! >= gap, spaceGap: gap, chars: [], stride: 1 });
    }
    return pieces;
  }

  async function recognizePieces(pieces: RecPiece[], opts: OcrOptions): Promise<void> {
    // Similar widths share a batch so little compute goes into padding.
    const order = pieces.map((_, i) => i).sort((a, b) => pieces[a]!.width - pieces[b]!.width);
    const batches: number[][] = [];
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      // Cap batch size and the padded pixel count, so one very long line does not drag a batch.
      while (end < order.length && end - start < recBatch && pieces[order[end]!]!.width * (end - start + 1) <= 8 * 1600) end++;
      batches.push(order.slice(start, end));
      start = end;
    }
    // Widest first, so the lanes finish together instead of one long line running on alone at the end.
    batches.reverse();
    const total = pieces.length;
    let done = 0;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < batches.length) {
        checkAbort(opts.signal);
        const idx = batches[next++]!;
        const tensorW = Math.max(REC_MIN_W, ...idx.map((i) => pieces[i]!.width));
        const data = new Float32Array(idx.length * 3 * REC_H * tensorW);
        idx.forEach((pi, b) => {
          const p = pieces[pi]!;
          writeBgrHalfNorm(data, b * 3 * REC_H * tensorW, tensorW, REC_H, p.crop, p.width);
        });
        options.onRecognizerInput?.(data, [idx.length, 3, REC_H, tensorW]);
        const { lines, steps, classes } = await rec.run(data, [idx.length, 3, REC_H, tensorW], spaceClass);
        if (classes !== dictionary.length + 1) {
          throw new Error(`recognizer ${recModel} has ${classes} classes but dictionary ${dictFile} gives ${dictionary.length + 1} (entries + space + blank)`);
        }
        idx.forEach((pi, b) => {
          const p = pieces[pi]!;
          p.stride = steps / tensorW;
          const valid = Math.ceil(p.width * p.stride);
          p.chars = decodeSteps(lines[b]!, dictionary, valid, inferSpaces ? { spaceMin: SPACE_PROB } : undefined);
          if (inferSpaces && p.blanks) {
            const stride = p.stride;
            p.chars = insertSpaces(p.chars, p.blanks, p.spaceGap, (step) => step / stride);
          }
        });
        done += idx.length;
        opts.onProgress?.({ stage: 'recognize', done, total });
      }
    };
    await Promise.all(Array.from({ length: Math.min(rec.lanes, batches.length) }, lane));
  }

  /** Detection + orientation of every text region. */
  async function findRegions(image: RawImage, opts: OcrOptions): Promise<Region[]> {
    checkAbort(opts.signal);
    opts.onProgress?.({ stage: 'detect', done: 0, total: 1 });
    const boxes = await detect(image);
    opts.onProgress?.({ stage: 'detect', done: 1, total: 1 });
    log?.debug?.(`ocr: ${boxes.length} text regions`);
    const regions: Region[] = boxes.map((b) => {
      const { w, h } = quadSides(b.quad);
      const tall = h / Math.max(w, 1e-6) >= TALL_RATIO;
      // Vertical crops are turned 90° counter-clockwise, as PP-OCR does (np.rot90).
      return { quad: b.quad, oriented: tall ? rotateQuadLabels(b.quad, 1) : b.quad, tall, flipped: false };
    });
    checkAbort(opts.signal);
    await classify(image, regions, opts);
    return regions;
  }

  async function recognize(image: RawImage, opts: OcrOptions = {}): Promise<OcrPage> {
    if (disposed) throw new Error('OCR engine was disposed');
    validateImage(image);
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    let mark = t0;
    const lap = (name: string) => {
      const now = performance.now();
      timings[name] = (timings[name] ?? 0) + now - mark;
      mark = now;
    };
    let work = image;
    let regions = await findRegions(image, opts);
    lap('detect+classify');
    const rotationHint = guessRotation(regions);
    let back: (p: Point) => Point = (p) => p;
    if (autoRotate && (rotationHint === 90 || rotationHint === 180 || rotationHint === 270)) {
      // The detector is trained on horizontal text and misses sideways lines, and the classifier
      // leaves some upside-down lines unflipped: read the page upright and map the boxes back.
      log?.debug?.(`ocr: page looks turned, reading it rotated ${rotationHint}°`);
      work = await rotateRaw(image, rotationHint);
      back = inverseTransform(rotationHint, image.width, image.height);
      regions = await findRegions(work, opts);
      lap('rotate');
    }

    const pieces = regions.flatMap((r, ri) => cutLine(work, r, ri));
    await recognizePieces(pieces, opts);
    lap('recognize');

    const lines: Omit<OcrLine, 'block'>[] = [];
    regions.forEach((r, ri) => {
      const line = buildLine(r, pieces.filter((p) => p.region === ri), minSpace / SPACE_EM);
      if (!line) return;
      const map = (q: Quad) => q.map(back) as Quad;
      lines.push({ ...line, box: map(line.box), words: line.words.map((w) => ({ ...w, box: map(w.box) })) });
    });
    const toUpright = uprightTransform(rotationHint ?? 0, image.width, image.height);
    const { order, blocks } = readingOrder(lines, toUpright);
    const ordered: OcrLine[] = order.map((i, k) => ({ ...lines[i]!, block: blocks[k]! }));
    lap('layout');
    timings.total = performance.now() - t0;
    const page: OcrPage = { width: image.width, height: image.height, lines: ordered, timings };
    if (rotationHint !== undefined && (lines.length || regions.length)) page.rotationHint = rotationHint;
    return page;
  }

  return {
    recognize,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all([detS.release(), clsS.release(), rec.release()]);
    },
  };
}

/**
 * Horizontal stretch that brings a line's glyph pitch (ink-to-ink distance: the span between the
 * margins over the number of inner blank runs + 1) up to MIN_PITCH. Lines with too few gaps to
 * tell, or low contrast (null), are left as they are.
 */
export function stretchFor(blanks: readonly BlankRun[] | null): number {
  if (!blanks || blanks.length < 8) return 1;
  const span = blanks[blanks.length - 1]!.start - blanks[0]!.end;
  const pitch = span / (blanks.length - 1);
  return pitch >= MIN_PITCH ? 1 : Math.min(MAX_STRETCH, MIN_PITCH / pitch);
}

function validateImage(image: RawImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`OCR input has invalid size ${width}×${height}`);
  }
  if (image.channels !== 3 || data.length !== width * height * 3) {
    throw new Error(`OCR input must be RGB (3 channels): ${width}×${height} needs ${width * height * 3} bytes, got ${data.length}`);
  }
}


/** Grows a quad across its reading direction by `pad` × its height on each side. */
function padAcross(q: Quad, pad: number): Quad {
  if (!pad) return q;
  const [tl, tr, br, bl] = q;
  const grow = (top: Point, bottom: Point): [Point, Point] => {
    const dx = (bottom[0] - top[0]) * pad, dy = (bottom[1] - top[1]) * pad;
    return [[top[0] - dx, top[1] - dy], [bottom[0] + dx, bottom[1] + dy]];
  };
  const [ntl, nbl] = grow(tl, bl);
  const [ntr, nbr] = grow(tr, br);
  return [ntl, ntr, nbr, nbl];
}

/** Joins a region's recognised pieces into a line and splits it into words with their own boxes. */
function buildLine(r: Region, pieces: RecPiece[], emPx: number): Omit<OcrLine, 'block'> | null {
  // Character positions as fractions of the whole line (0 = its reading start).
  const chars: { char: string; confidence: number; a: number; b: number }[] = [];
  // Word-sized gaps (and the margins at both ends of the line) in the same fractions.
  const gaps: { s: number; e: number }[] = [];
  let em = 0;
  for (const p of pieces.sort((x, y) => x.x0 - y.x0)) {
    const toU = (step: number) => Math.min(1, Math.max(0, (p.x0 + step / p.stride) / p.lineW));
    em = emPx / p.lineW;
    for (const g of p.blanks ?? []) {
      const atEdge = (g.start === 0 && p.x0 === 0) || p.x0 + g.end >= p.lineW;
      if (atEdge || g.end - g.start >= p.spaceGap) gaps.push({ s: (p.x0 + g.start) / p.lineW, e: (p.x0 + g.end) / p.lineW });
    }
    const prev = chars[chars.length - 1];
    if (p.joinSpace && prev && prev.char !== ' ' && p.chars[0] && p.chars[0].char !== ' ') {
      const u = toU(0);
      chars.push({ char: ' ', confidence: Math.min(prev.confidence, p.chars[0].confidence), a: u, b: u });
    }
    for (const c of p.chars) {
      // CTC emits a character on the time steps around its glyph; widen each run by half a step.
      chars.push({ char: c.char, confidence: c.confidence, a: toU(c.start - 0.5), b: toU(c.end + 1.5) });
    }
  }
  const latin = latinizeFullwidth(chars.map((c) => c.char));
  chars.forEach((c, i) => (c.char = latin[i]!));
  const text = chars.map((c) => c.char).join('').trim();
  if (!text) return null;
  const spans: { text: string; confidence: number; a: number; b: number }[] = [];
  let cur: typeof chars = [];
  const flush = () => {
    if (!cur.length) return;
    const first = cur[0]!, last = cur[cur.length - 1]!;
    spans.push({
      text: cur.map((c) => c.char).join(''),
      confidence: cur.reduce((s, c) => s + c.confidence, 0) / cur.length,
      a: first.a,
      b: Math.max(last.b, first.a),
    });
    cur = [];
  };
  for (const c of chars) {
    if (c.char === ' ') flush();
    else cur.push(c);
  }
  flush();
  snapWordEdges(spans, gaps, 0.8 * em);
  const words: OcrWord[] = spans.map((w) => ({ text: w.text, confidence: w.confidence, box: subQuad(r.oriented, w.a, w.b) }));
  const nonSpace = chars.filter((c) => c.char !== ' ');
  const confidence = nonSpace.reduce((s, c) => s + c.confidence, 0) / Math.max(1, nonSpace.length);
  return { text, confidence, box: r.oriented, words };
}

/**
 * Suggests a page rotation when most lines are vertical (the page is on its side) or most were
 * classified upside-down. Returned as the clockwise turn that makes the page upright.
 */
function guessRotation(lines: { tall: boolean; flipped: boolean }[]): 0 | 90 | 180 | 270 | undefined {
  if (lines.length < 3) return lines.length ? 0 : undefined;
  const tall = lines.filter((l) => l.tall);
  if (tall.length >= 0.6 * lines.length) {
    const flipped = tall.filter((l) => l.flipped).length;
    // Unflipped tall lines read top-to-bottom: the page was turned 90° clockwise, undo with 270°.
    return flipped > tall.length / 2 ? 90 : 270;
  }
  const flat = lines.filter((l) => !l.tall);
  const flipped = flat.filter((l) => l.flipped).length;
  return flipped >= 0.6 * flat.length ? 180 : 0;
}

/** Maps points of the page turned clockwise by `deg` back to the original page. */
function inverseTransform(deg: 90 | 180 | 270, w: number, h: number): (p: Point) => Point {
  if (deg === 180) return ([x, y]) => [w - x, h - y];
  return deg === 90 ? ([x, y]) => [y, h - x] : ([x, y]) => [w - y, x];
}

/** Turns a raw image clockwise by a quarter turn multiple. */
async function rotateRaw(img: RawImage, deg: 90 | 180 | 270): Promise<RawImage> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .rotate(deg)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

/** Copies columns [x0, x1) of an RGB image `width` wide. */
function sliceColumns(rgb: Uint8Array, width: number, height: number, x0: number, x1: number): Uint8Array {
  const w = x1 - x0;
  const out = new Uint8Array(w * height * 3);
  for (let y = 0; y < height; y++) out.set(rgb.subarray((y * width + x0) * 3, (y * width + x1) * 3), y * w * 3);
  return out;
}

/** Maps image points into the frame of the page turned clockwise by `deg`. */
function uprightTransform(deg: 0 | 90 | 180 | 270, w: number, h: number): (p: Point) => Point {
  switch (deg) {
    case 90:
      return ([x, y]) => [h - y, x];
    case 180:
      return ([x, y]) => [w - x, h - y];
    case 270:
      return ([x, y]) => [y, w - x];
    default:
      return (p) => p;
  }
}
