// Image → PaliGemma pixel_values: EXIF orientation applied, RGB (alpha dropped, as PIL's convert('RGB') does), resized
// to the model's square without keeping the aspect ratio (SiglipImageProcessor, doc §3.1), scaled to [-1, 1], NCHW
// float32.
//
// Resize: sharp's 'cubic' kernel is Catmull-Rom, i.e. the same a = -0.5 bicubic Pillow uses, and libvips widens the
// kernel when shrinking, so it antialiases like Pillow; growing axes go through affine (see resizeToRgb). Measured
// against the Pillow reference (pillow-resize.ts, byte-identical to Pillow 9.4) on the synthetic images of
// test-images.ts resized to 224×224, as mean / max absolute difference in [-1, 1] units over all values
// (one 8-bit level = 0.0078):
//   photo-like 640×480 (shrink 2.9×/2.1×):   mean 0.0015, max 0.0471
//   noise 300×200 (shrink x 1.3×, grow y):   mean 0.0034, max 0.0314
//   text-like 1200×1600 (shrink 5.4×/7.1×):  mean 0.0170, max 0.1333
//   noise 90×60 (grow 2.5×/3.7×):            mean 0.0051, max 0.1569
// The deviation grows with large non-integer shrink factors: the text image shrunk along x only gave mean ≤ 0.0001 at
// 2× and 3×, 0.0063 at 5.36× and 0.0149 at 7.14× (consistent with libvips box-shrinking part of a large factor before
// its cubic reduce; not checked in the libvips source). For comparison, sharp's resize() alone on the 90×60 upscale gave mean 0.1515 / max 0.6431 (corner-aligned
// upsampling). preprocess.test.ts bounds these figures so a sharp/libvips change that moves away from Pillow fails.
import sharp from 'sharp';
import { EngineError } from '../runtime/errors';
import { pillowResizeRgb } from './pillow-resize';
import type { RawPixels } from './image-cache';

export interface PreprocessOptions {
  /** Model input side (224 / 448 / 896; tiny fixtures use 56). */
  size: number;
  /** Per-channel mean and std after rescaling to [0, 1] (PaliGemma: 0.5 / 0.5 ⇒ [-1, 1]). */
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
  /**
   * 'sharp' (default): libvips, fast (≈50–75 ms for an A4 page at 300 dpi), within the deviation above.
   * 'pillow': the TypeScript port of Pillow's resize, byte-identical to what the Hugging Face processor feeds the
   * model, 8–15× slower (0.6–1.1 s for the same page; 2480×3508 → 224/448/896, measured on the 2-core dev machine under load).
   */
  resampler?: 'sharp' | 'pillow';
}

export interface Preprocessed {
  /** NCHW float32, [1, 3, size, size]. */
  pixels: Float32Array;
  size: number;
  /** Size of the decoded image after EXIF rotation, before the resize (boxes are scaled back to this). */
  width: number;
  height: number;
}

/**
 * Decodes, orients and resizes to size×size RGB bytes (interleaved). Exposed so the deviation test can compare.
 * Axes that shrink go through sharp's resize (libvips reduce, kernel widened by the factor = antialiased like
 * Pillow); axes that grow go through sharp's affine with the bicubic interpolator and offsets that put sample centres
 * at (i + 0.5)/scale − 0.5 like Pillow — sharp's resize() upsamples corner-aligned, a quarter input pixel off at ×2.
 */
export async function resizeToRgb(input: Buffer | string | RawPixels, size: number, resampler: 'sharp' | 'pillow' = 'sharp'): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  if (!Number.isInteger(size) || size < 1) throw new EngineError('BAD_INPUT', `preprocess: size ${size} is not a positive integer`);
  const pixels = typeof input === 'object' && !Buffer.isBuffer(input) ? input : null;
  const what = typeof input === 'string' ? `image ${input}` : pixels ? `page pixels (${pixels.width}×${pixels.height})` : `image buffer (${(input as Buffer).length} bytes)`;
  try {
    // rotate() with no angle applies the EXIF orientation; alpha is dropped (not composited), as PIL's convert('RGB').
    // Decoded pixels (a rendered page) are already upright RGB.
    let { data, info } = pixels
      ? { data: Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength), info: { width: pixels.width, height: pixels.height, channels: pixels.channels as number } }
      : await sharp(input as Buffer | string, { failOn: 'error' }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (pixels && pixels.data.byteLength !== pixels.width * pixels.height * 3) throw new EngineError('BAD_INPUT', `${what}: ${pixels.data.byteLength} bytes, expected ${pixels.width * pixels.height * 3} for RGB`);
    const width = info.width, height = info.height;
    const raw = (w: number, h: number) => ({ raw: { width: w, height: h, channels: 3 as const } });
    if (info.channels !== 3) throw new EngineError('BAD_INPUT', `${what}: decoded to ${info.channels} channels, expected 3 after RGB conversion`);
    if (resampler === 'pillow') {
      return { rgb: pillowResizeRgb(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, size, size), width, height };
    }
    const dw = Math.min(width, size), dh = Math.min(height, size);
    if (dw !== width || dh !== height) {
      ({ data, info } = await sharp(data, raw(width, height))
        .resize(dw, dh, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true }));
    }
    if (dw < size || dh < size) {
      const sx = size / dw, sy = size / dh;
      // Pad by edge copies first: affine fills outside the image with black, which would darken the border;
      // Pillow instead drops the off-image taps (close to, not the same as, repeating the edge).
      const P = 2;
      const padded = await sharp(data, raw(dw, dh))
        .extend({ top: P, bottom: P, left: P, right: P, extendWith: 'copy' }).raw().toBuffer();
      ({ data, info } = await sharp(padded, raw(dw + 2 * P, dh + 2 * P))
        .affine([[sx, 0], [0, sy]], { interpolator: sharp.interpolators.bicubic, idx: 0.5 - P, idy: 0.5 - P, odx: -0.5, ody: -0.5 })
        .raw().toBuffer({ resolveWithObject: true }));
      // affine's output box is ceil(scale·input); keep the size×size top-left block (the centres we asked for).
      if (info.width !== size || info.height !== size) {
        ({ data, info } = await sharp(data, raw(info.width, info.height))
          .extract({ left: 0, top: 0, width: size, height: size }).raw().toBuffer({ resolveWithObject: true }));
      }
    }
    if (info.channels !== 3 || info.width !== size || info.height !== size) {
      throw new EngineError('BAD_INPUT', `${what}: resize produced ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×3`);
    }
    return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('BAD_INPUT', `${what}: cannot decode (${e instanceof Error ? e.message : String(e)}); expected a PNG, JPEG, WebP, TIFF or GIF image`, { cause: e });
  }
}

/** Interleaved RGB bytes → NCHW float32 with (v/255 − mean)/std. */
export function rgbToPixels(rgb: Uint8Array, size: number, mean: readonly number[] = [0.5, 0.5, 0.5], std: readonly number[] = [0.5, 0.5, 0.5]): Float32Array {
  const plane = size * size;
  if (rgb.length !== plane * 3) throw new EngineError('BAD_INPUT', `rgbToPixels: expected ${plane * 3} bytes for ${size}×${size} RGB, got ${rgb.length}`);
  const out = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!, s = std[c]!;
    for (let i = 0; i < plane; i++) out[c * plane + i] = (rgb[i * 3 + c]! / 255 - m) / s;
  }
  return out;
}

export async function preprocessImage(input: Buffer | string | RawPixels, o: PreprocessOptions): Promise<Preprocessed> {
  const { rgb, width, height } = await resizeToRgb(input, o.size, o.resampler);
  return { pixels: rgbToPixels(rgb, o.size, o.mean, o.std), size: o.size, width, height };
}
