/**
 * One frame's pixels at full depth: monochrome frames keep their stored
 * values (8, 12 or 16 bits, signed or not) so the modality and VOI transforms
 * see exactly what the modality wrote; colour frames come out as 8-bit RGB.
 */
import type { Element } from 'dicom-parser';
import { decodeJpegLossless } from './codecs/jpeg-lossless';
import { decodeRle } from './codecs/rle';
import { decodeWithWasm } from './codecs/wasm';
import { DicomError } from './errors';
import { frameData } from './frames';
import { isMonochrome, type ImageInfo } from './image-info';
import type { ParsedDicom } from './parse';

export type StoredValues = Uint8Array | Int8Array | Uint16Array | Int16Array;

export interface GreyFrame {
  kind: 'grey';
  width: number;
  height: number;
  /** Stored pixel values (before Rescale Slope/Intercept), one per pixel. */
  stored: StoredValues;
}

export interface ColourFrame {
  kind: 'rgb';
  width: number;
  height: number;
  /** 8-bit RGB, interleaved. */
  rgb: Uint8Array;
}

export type DicomFrame = GreyFrame | ColourFrame;

export interface DecodeLimits {
  /** Frames with more pixels are refused before decoding (default 100 Mpx). */
  maxPixels?: number;
}

export const DEFAULT_MAX_FRAME_PIXELS = 100_000_000;

/** Stored values from little- or big-endian sample bytes, masked to Bits Stored and sign-extended (PS3.5 8.1.1). */
export function storedValues(
  bytes: Uint8Array,
  bytesPerSample: 1 | 2,
  littleEndian: boolean,
  info: ImageInfo,
  count: number,
  /** Native data places the value under High Bit; codecs hand back the value itself. */
  native = true,
): StoredValues {
  if (bytes.length < count * bytesPerSample) throw new DicomError('TRUNCATED', `the frame holds ${bytes.length} bytes, too few for ${count} pixels`);
  const shift = native ? Math.max(0, info.highBit + 1 - info.bitsStored) : 0;
  const bits = info.bitsStored;
  const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const signBit = 2 ** (bits - 1);
  const out = bytesPerSample === 1 ? (info.signed ? new Int8Array(count) : new Uint8Array(count)) : info.signed ? new Int16Array(count) : new Uint16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    const raw = bytesPerSample === 1 ? bytes[i]! : view.getUint16(2 * i, littleEndian);
    let v = (raw >>> shift) & mask;
    if (info.signed && v >= signBit) v -= 2 * signBit;
    out[i] = v;
  }
  return out;
}

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** YCbCr full range (PS3.3 C.7.6.3.1.2) to RGB. */
function ybrToRgb(ybr: Uint8Array): Uint8Array {
  const out = new Uint8Array(ybr.length);
  for (let i = 0; i < ybr.length; i += 3) {
    const y = ybr[i]!;
    const cb = ybr[i + 1]! - 128;
    const cr = ybr[i + 2]! - 128;
    out[i] = clamp8(y + 1.402 * cr);
    out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp8(y + 1.772 * cb);
  }
  return out;
}

/** Interleave colour-by-plane data (RR…GG…BB…). */
function interleave(planes: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[3 * i] = planes[i]!;
    out[3 * i + 1] = planes[pixels + i]!;
    out[3 * i + 2] = planes[2 * pixels + i]!;
  }
  return out;
}

/** Native YBR_FULL_422: Y1 Y2 Cb Cr for each pair of pixels along a row. */
function expand422(data: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  let s = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x += 2) {
      const y1 = data[s]!, y2 = data[s + 1]!, cb = data[s + 2]!, cr = data[s + 3]!;
      s += 4;
      const o = (y * width + x) * 3;
      out[o] = y1; out[o + 1] = cb; out[o + 2] = cr;
      if (x + 1 < width) { out[o + 3] = y2; out[o + 4] = cb; out[o + 5] = cr; }
    }
  }
  return out;
}

function colourFromNative(data: Uint8Array, info: ImageInfo): Uint8Array {
  const pixels = info.rows * info.columns;
  if (info.photometric === 'YBR_FULL_422') {
    if (data.length < pixels * 2) throw new DicomError('TRUNCATED', 'the YBR_FULL_422 frame is shorter than its size says');
    return ybrToRgb(expand422(data, info.columns, info.rows));
  }
  if (data.length < pixels * 3) throw new DicomError('TRUNCATED', 'the colour frame is shorter than its size says');
  const interleaved = info.planarConfiguration === 1 ? interleave(data, pixels) : data.slice(0, pixels * 3);
  return info.photometric === 'YBR_FULL' ? ybrToRgb(interleaved) : interleaved;
}

function checkSize(got: { width: number; height: number }, info: ImageInfo, what: string): void {
  if (got.width !== info.columns || got.height !== info.rows) {
    throw new DicomError('CORRUPT', `the ${what} frame is ${got.width}×${got.height} but the header says ${info.columns}×${info.rows}`);
  }
}

export function framePixelsWithinLimit(info: ImageInfo, limits: DecodeLimits): void {
  const max = limits.maxPixels ?? DEFAULT_MAX_FRAME_PIXELS;
  if (info.rows * info.columns > max) {
    throw new DicomError('TOO_LARGE', `a frame of ${info.columns}×${info.rows} is more than the ${max}-pixel limit`);
  }
}

export async function decodeFrame(parsed: ParsedDicom, el: Element, info: ImageInfo, index: number, limits: DecodeLimits = {}): Promise<DicomFrame> {
  const syntax = parsed.syntax;
  if (!syntax) throw new DicomError('UNSUPPORTED', `transfer syntax ${parsed.transferSyntaxUid} is not supported`);
  if (index < 0 || index >= info.frames) throw new DicomError('CORRUPT', `frame ${index + 1} does not exist (the file has ${info.frames})`);
  framePixelsWithinLimit(info, limits);
  const encoded = frameData(parsed, el, info, index);
  const { rows: height, columns: width } = info;
  const pixels = width * height;
  const grey = isMonochrome(info);
  const bytesPerSample = info.bitsAllocated === 8 ? 1 : 2;
  const greyFrame = (stored: StoredValues): GreyFrame => ({ kind: 'grey', width, height, stored });
  const rgbFrame = (rgb: Uint8Array): ColourFrame => ({ kind: 'rgb', width, height, rgb });

  switch (syntax.encoding) {
    case 'native':
      return grey ? greyFrame(storedValues(encoded, bytesPerSample, syntax.littleEndian, info, pixels)) : rgbFrame(colourFromNative(encoded, info));
    case 'rle': {
      const bytes = decodeRle(encoded, width, height, info.samplesPerPixel, bytesPerSample);
      if (grey) return greyFrame(storedValues(bytes, bytesPerSample, true, info, pixels));
      return rgbFrame(info.photometric === 'YBR_FULL' ? ybrToRgb(bytes) : bytes);
    }
    case 'jpeg-lossless': {
      const bytes = decodeJpegLossless(encoded, bytesPerSample);
      if (grey) return greyFrame(storedValues(bytes, bytesPerSample, true, info, pixels, false));
      if (bytes.length !== pixels * 3) throw new DicomError('CORRUPT', 'the JPEG Lossless frame does not hold three samples per pixel');
      return rgbFrame(bytes);
    }
    case 'jpeg-baseline':
    case 'jpeg-ls':
    case 'jpeg-2000': {
      const out = await decodeWithWasm(syntax.encoding, encoded, limits.maxPixels ?? DEFAULT_MAX_FRAME_PIXELS);
      checkSize(out, info, syntax.name);
      const perSample = out.bytes.length / (pixels * out.components);
      if (out.components !== info.samplesPerPixel || (perSample !== 1 && perSample !== 2)) {
        throw new DicomError('CORRUPT', `the ${syntax.name} frame has ${out.components} component(s) of ${out.bitsPerSample} bits, which does not match the header`);
      }
      // Decoded colour comes out of these codecs as RGB (they undo the JPEG colour transform themselves).
      if (!grey) return rgbFrame(out.bytes);
      return greyFrame(storedValues(out.bytes, perSample as 1 | 2, true, info, pixels, false));
    }
  }
}
