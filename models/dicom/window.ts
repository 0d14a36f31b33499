/**
 * Window/level: stored values → modality values (Rescale Slope/Intercept,
 * PS3.3 C.11.1) → 8-bit display values through the VOI window (C.11.2.1.2),
 * with MONOCHROME1 inverted. The one mapping used for the viewer and for the
 * model, so a run records exactly which grey levels the model saw.
 */
import type { ImageInfo, VoiFunction } from './image-info';
import type { DicomFrame, GreyFrame } from './pixels';

export interface WindowLevel {
  center: number;
  width: number;
  /** Invert on top of the photometric interpretation (MONOCHROME1 is already shown inverted). */
  invert?: boolean;
  /** Default: the file's VOI LUT Function, else LINEAR. */
  voiFunction?: VoiFunction;
}

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/** Display value 0–255 for one modality value (unrounded). */
export function voi(x: number, center: number, width: number, fn: VoiFunction = 'LINEAR'): number {
  const ymax = 255;
  if (fn === 'SIGMOID') return ymax / (1 + Math.exp((-4 * (x - center)) / width));
  if (fn === 'LINEAR_EXACT') {
    if (x <= center - width / 2) return 0;
    if (x > center + width / 2) return ymax;
    return ((x - center) / width + 0.5) * ymax;
  }
  // LINEAR: the standard's half-unit offsets make a window of width 1 a hard threshold.
  if (width <= 1) return x < center - 0.5 ? 0 : ymax;
  if (x <= center - 0.5 - (width - 1) / 2) return 0;
  if (x > center - 0.5 + (width - 1) / 2) return ymax;
  return ((x - (center - 0.5)) / (width - 1) + 0.5) * ymax;
}

export function modalityValue(stored: number, info: Pick<ImageInfo, 'rescaleSlope' | 'rescaleIntercept'>): number {
  return stored * info.rescaleSlope + info.rescaleIntercept;
}

/** Smallest and largest modality value in a frame. */
export function modalityRange(frame: GreyFrame, info: ImageInfo): { min: number; max: number } {
  let lo = Infinity;
  let hi = -Infinity;
  const s = frame.stored;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const a = modalityValue(lo, info);
  const b = modalityValue(hi, info);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** The window a viewer opens with: the header's first, else the frame's full range (min → black, max → white). */
export function defaultWindow(info: ImageInfo, frame: DicomFrame): WindowLevel {
  const first = info.windows[0];
  if (first) return { center: first.center, width: first.width };
  if (frame.kind !== 'grey') return { center: 127.5, width: 256 };
  const { min, max } = modalityRange(frame, info);
  return { center: (min + max + 1) / 2, width: Math.max(1, max - min + 1) };
}

/** Apply the window: 8-bit RGB (grey replicated) for the viewer and the model. Colour frames pass through (inverted if asked). */
export function applyWindow(frame: DicomFrame, info: ImageInfo, w: WindowLevel): RgbImage {
  const n = frame.width * frame.height;
  const out = new Uint8Array(n * 3);
  if (frame.kind === 'rgb') {
    for (let i = 0; i < out.length; i++) out[i] = w.invert ? 255 - frame.rgb[i]! : frame.rgb[i]!;
    return { data: out, width: frame.width, height: frame.height, channels: 3 };
  }
  const fn = w.voiFunction ?? info.voiFunction;
  const invert = (info.photometric === 'MONOCHROME1') !== (w.invert ?? false);
  const map = (stored: number): number => {
    const y = Math.round(voi(modalityValue(stored, info), w.center, w.width, fn));
    return invert ? 255 - y : y;
  };
  const s = frame.stored;
  // Stored values span at most 16 bits: a lookup table makes the per-pixel work one read.
  const offset = s instanceof Int16Array ? 32768 : s instanceof Int8Array ? 128 : 0;
  const lutSize = s instanceof Uint8Array || s instanceof Int8Array ? 256 : 65536;
  const lut = new Uint8Array(lutSize);
  for (let v = 0; v < lutSize; v++) lut[v] = map(v - offset);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const y = lut[s[i]! + offset]!;
    out[o] = y;
    out[o + 1] = y;
    out[o + 2] = y;
  }
  return { data: out, width: frame.width, height: frame.height, channels: 3 };
}
