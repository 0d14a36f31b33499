/**
 * Image decoding with sharp (libvips) plus the hand-written BMP decoder.
 * Everything here returns 8-bit sRGB RGB regardless of the source's bit depth,
 * colour space (grey, palette, CMYK) or EXIF orientation.
 */
import sharp, { type Sharp } from 'sharp';
import { BmpError, decodeBmp, readBmpHeader } from './bmp';
import type { DocumentFormat, PreviewFormat, RawImage } from './types';

export type RasterFormat = Exclude<DocumentFormat, 'pdf' | 'dicom'>;

/** Why a raster operation failed, before the loader attaches the file name. */
export class RasterError extends Error {
  constructor(
    readonly failure: 'CORRUPT_FILE' | 'TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'RasterError';
  }
}

export interface RasterPageSize {
  width: number;
  height: number;
}

/** Cheap trailer checks: libvips reads headers lazily, so a file cut short
 *  would otherwise open fine and only fail (or render grey) later. */
function checkComplete(format: RasterFormat, bytes: Uint8Array): void {
  const tail = bytes.subarray(Math.max(0, bytes.length - 4096));
  const has = (seq: number[]): boolean => {
    outer: for (let i = tail.length - seq.length; i >= 0; i--) {
      for (let j = 0; j < seq.length; j++) if (tail[i + j] !== seq[j]) continue outer;
      return true;
    }
    return false;
  };
  if (format === 'png' && !has([0x49, 0x45, 0x4e, 0x44])) throw new RasterError('CORRUPT_FILE', 'the PNG is incomplete: it ends before its IEND chunk (truncated download or copy?)');
  if (format === 'jpeg' && !has([0xff, 0xd9])) throw new RasterError('CORRUPT_FILE', 'the JPEG is incomplete: it ends before its end-of-image marker (truncated download or copy?)');
}

function describe(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.trim().replace(/:$/, '');
}

/** Orientations 5–8 rotate by 90°, swapping the displayed width and height. */
function oriented(width: number, height: number, orientation: number | undefined): RasterPageSize {
  return orientation !== undefined && orientation >= 5 ? { width: height, height: width } : { width, height };
}

export async function probeRaster(format: RasterFormat, bytes: Uint8Array, maxPixels: number): Promise<RasterPageSize[]> {
  let sizes: RasterPageSize[];
  if (format === 'bmp') {
    try {
      const h = readBmpHeader(bytes);
      sizes = [{ width: h.width, height: h.height }];
    } catch (e) {
      if (e instanceof BmpError) throw new RasterError('CORRUPT_FILE', `the BMP is invalid: ${e.message}`);
      throw e;
    }
  } else {
    try {
      const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
      if (!meta.width || !meta.height) throw new RasterError('CORRUPT_FILE', 'the image has no dimensions');
      const pageCount = format === 'tiff' ? (meta.pages ?? 1) : 1;
      // GIF: first frame only (meta.height is one frame); TIFF: every directory,
      // each of which may have its own size and orientation.
      sizes = [oriented(meta.width, meta.pageHeight ?? meta.height, meta.orientation)];
      for (let page = 1; page < pageCount; page++) {
        const m = await sharp(bytes, { page, limitInputPixels: false }).metadata();
        if (!m.width || !m.height) throw new RasterError('CORRUPT_FILE', `page ${page + 1} has no dimensions`);
        sizes.push(oriented(m.width, m.height, m.orientation));
      }
    } catch (e) {
      if (e instanceof RasterError) throw e;
      throw new RasterError('CORRUPT_FILE', `the ${format.toUpperCase()} could not be read: ${describe(e)}`);
    }
  }
  // After the header parse, so a garbled header is reported as such rather
  // than as a missing trailer.
  checkComplete(format, bytes);
  for (const [i, s] of sizes.entries()) {
    if (s.width * s.height > maxPixels) {
      throw new RasterError('TOO_LARGE', `page ${i + 1} is ${s.width}×${s.height}, more than the ${maxPixels}-pixel limit`);
    }
  }
  return sizes;
}

/** Decodes BMP pixels. The loader supplies one that runs on its worker
 *  thread, because the decoder is plain JavaScript and a scan-sized BMP would
 *  otherwise hold the calling thread for a second or more. */
export type BmpDecoder = (bytes: Uint8Array) => Promise<{ data: Uint8Array; width: number; height: number }>;

/** Same-thread decoder, for callers without a worker. */
export const decodeBmpInThread: BmpDecoder = async (bytes) => decodeBmp(bytes);

/** A sharp pipeline that yields the page upright, 8-bit, sRGB, no alpha. */
async function pipeline(format: RasterFormat, bytes: Uint8Array, page: number, bmp: BmpDecoder): Promise<Sharp> {
  let img: Sharp;
  if (format === 'bmp') {
    const { data, width, height } = await bmp(bytes);
    img = sharp(data, { raw: { width, height, channels: 3 }, limitInputPixels: false });
  } else {
    // failOn 'truncated' turns a short file into an error instead of grey rows.
    img = sharp(bytes, { page, pages: 1, failOn: 'truncated', limitInputPixels: false }).rotate();
  }
  // Transparent areas of a scan are paper: composite them on white.
  return img.flatten({ background: '#ffffff' }).toColourspace('srgb');
}

async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RasterError) throw e;
    if (e instanceof BmpError) throw new RasterError('CORRUPT_FILE', `the BMP is invalid: ${e.message}`);
    throw new RasterError('CORRUPT_FILE', `${what} failed: ${describe(e)}`);
  }
}

export function decodeRaster(format: RasterFormat, bytes: Uint8Array, page: number, bmp: BmpDecoder = decodeBmpInThread): Promise<RawImage> {
  return run('decoding the image', async () => {
    const { data, info } = await (await pipeline(format, bytes, page, bmp)).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new RasterError('CORRUPT_FILE', `decoder produced ${info.channels} channels instead of 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  });
}

export interface EncodedPreview {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
}

const MIME: Record<PreviewFormat, string> = { webp: 'image/webp', jpeg: 'image/jpeg', png: 'image/png' };

function encode(img: Sharp, maxSide: number, format: PreviewFormat): Promise<EncodedPreview> {
  return run('encoding the preview', async () => {
    const sized = img.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
    const encoded =
      format === 'webp' ? sized.webp({ quality: 82 }) : format === 'jpeg' ? sized.jpeg({ quality: 85, mozjpeg: true }) : sized.png();
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), mime: MIME[format], width: info.width, height: info.height };
  });
}

/** Decode at most maxSide×maxSide straight from the file: libvips shrinks
 *  JPEG/WebP on load and streams PNG/TIFF, so a huge scan never needs its
 *  full-resolution pixels in memory to make a preview. */
export function decodeRasterDownscaled(
  format: RasterFormat,
  bytes: Uint8Array,
  page: number,
  maxSide: number,
  bmp: BmpDecoder = decodeBmpInThread,
): Promise<RawImage> {
  return run('making the preview', async () => {
    const { data, info } = await (await pipeline(format, bytes, page, bmp))
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  });
}

/** Preview from pixels already decoded (cached full render or a PDF render). */
export function previewFromRaw(raw: RawImage, maxSide: number, out: PreviewFormat): Promise<EncodedPreview> {
  return encode(sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }), maxSide, out);
}

/** Pixels already decoded, fitted inside maxSide×maxSide (DICOM frames after window/level). */
export function resizeRaw(raw: RawImage, maxSide: number): Promise<RawImage> {
  return run('making the preview', async () => {
    const { data, info } = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  });
}
