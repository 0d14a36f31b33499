// Detection pre-processing: scale the page so both sides are multiples of 32 and normalise it.
import sharp from 'sharp';
import type { DetectionOptions, RawImage } from './types';

export interface DetSize {
  width: number;
  height: number;
}

/**
 * Size the page is resized to for the detector. The longest side is capped at `limitSideLen`
 * (never upscaled), except that very thin strips are kept `minShortSide` tall — a 20000×60 strip
 * scaled to 1280 wide would be 4 px tall and unreadable — as long as the pixel budget of a
 * limitSideLen² page is not exceeded by more than 4×.
 */
export function detectionSize(width: number, height: number, opts: Pick<DetectionOptions, 'limitSideLen' | 'minShortSide'>): DetSize {
  const longest = Math.max(width, height);
  const shortest = Math.min(width, height);
  let ratio = Math.min(1, opts.limitSideLen / longest);
  if (shortest * ratio < opts.minShortSide) {
    const keepShort = Math.min(1, opts.minShortSide / shortest);
    const budget = Math.sqrt((4 * opts.limitSideLen * opts.limitSideLen) / (width * height));
    ratio = Math.max(ratio, Math.min(keepShort, budget));
  }
  const round32 = (v: number) => Math.max(32, Math.round(v / 32) * 32);
  return { width: round32(width * ratio), height: round32(height * ratio) };
}

/**
 * Resized page as a 1×3×H×W tensor: BGR channel order with ImageNet mean/std applied per BGR
 * channel in the order PP-OCR's det config lists them (its training pipeline applies
 * mean [0.485, 0.456, 0.406] to OpenCV's BGR planes, so we do the same).
 */
export async function detectionInput(img: RawImage, size: DetSize): Promise<Float32Array> {
  const resized = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const plane = size.width * size.height;
  const out = new Float32Array(3 * plane);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  for (let i = 0; i < plane; i++) {
    const s = i * 3;
    // Plane 0 = B, 1 = G, 2 = R.
    out[i] = (resized[s + 2]! / 255 - mean[0]!) / std[0]!;
    out[i + plane] = (resized[s + 1]! / 255 - mean[1]!) / std[1]!;
    out[i + 2 * plane] = (resized[s]! / 255 - mean[2]!) / std[2]!;
  }
  return out;
}
