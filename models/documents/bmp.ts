/**
 * Windows BMP decoder.
 *
 * Written by hand because libvips (and therefore sharp) has no BMP loader, and
 * the npm BMP packages are either unmaintained (bmp-js: last release 2017, no
 * RLE, no bitfields) or pull in more than the ~200 lines needed here.
 * Supports BITMAPCOREHEADER / INFOHEADER / V4 / V5; 1, 4, 8 bit palette;
 * 16/32 bit with BI_BITFIELDS or default masks; 24 bit; RLE4 and RLE8.
 * Alpha is dropped (scans do not carry meaningful alpha).
 */

export class BmpError extends Error {}

export interface BmpHeader {
  width: number;
  height: number;
  /** Rows stored top row first (negative height in the file). */
  topDown: boolean;
  bitsPerPixel: number;
  compression: number;
  pixelOffset: number;
  headerSize: number;
  colorsUsed: number;
  masks: { r: number; g: number; b: number } | null;
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** Reject absurd headers before allocating: 1 Gpx is far beyond any scan. */
const MAX_PIXELS = 1 << 30;

export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new BmpError('not a BMP file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  let width: number;
  let rawHeight: number;
  let bitsPerPixel: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bitsPerPixel = view.getUint16(24, true);
  } else if (headerSize >= 40) {
    if (bytes.length < 14 + 40) throw new BmpError('header is truncated');
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bitsPerPixel = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = view.getUint32(46, true);
  } else {
    throw new BmpError(`unknown BMP header size ${headerSize}`);
  }
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new BmpError(`invalid dimensions ${width}×${rawHeight}`);
  if (width * height > MAX_PIXELS) throw new BmpError(`dimensions ${width}×${height} are too large`);
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw new BmpError(`unsupported bit depth ${bitsPerPixel}`);
  if (![BI_RGB, BI_RLE8, BI_RLE4, BI_BITFIELDS, BI_ALPHABITFIELDS].includes(compression)) {
    throw new BmpError(`unsupported compression type ${compression} (JPEG/PNG-in-BMP are not supported)`);
  }
  if (compression === BI_RLE8 && bitsPerPixel !== 8) throw new BmpError('RLE8 requires 8 bits per pixel');
  if (compression === BI_RLE4 && bitsPerPixel !== 4) throw new BmpError('RLE4 requires 4 bits per pixel');
  let masks: BmpHeader['masks'] = null;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    // Masks follow a 40-byte header, or live inside V2+ headers at the same offset.
    if (bytes.length < 14 + 40 + 12) throw new BmpError('bitfield masks are truncated');
    masks = { r: view.getUint32(54, true), g: view.getUint32(58, true), b: view.getUint32(62, true) };
  } else if (bitsPerPixel === 16) {
    masks = { r: 0x7c00, g: 0x03e0, b: 0x001f };
  } else if (bitsPerPixel === 32) {
    masks = { r: 0x00ff0000, g: 0x0000ff00, b: 0x000000ff };
  }
  return { width, height, topDown: rawHeight < 0, bitsPerPixel, compression, pixelOffset, headerSize, colorsUsed, masks };
}

function readPalette(bytes: Uint8Array, h: BmpHeader): Uint8Array {
  const count = h.colorsUsed > 0 ? Math.min(h.colorsUsed, 256) : 1 << h.bitsPerPixel;
  const entrySize = h.headerSize === 12 ? 3 : 4;
  let start = 14 + h.headerSize;
  // BITMAPINFOHEADER + BI_BITFIELDS stores 3 masks before the palette.
  if (h.headerSize === 40 && (h.compression === BI_BITFIELDS || h.compression === BI_ALPHABITFIELDS)) {
    start += h.compression === BI_ALPHABITFIELDS ? 16 : 12;
  }
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < count; i++) {
    const at = start + i * entrySize;
    if (at + 3 > bytes.length) throw new BmpError('palette is truncated');
    palette[i * 3] = bytes[at + 2]!;
    palette[i * 3 + 1] = bytes[at + 1]!;
    palette[i * 3 + 2] = bytes[at]!;
  }
  return palette;
}

/** Extract a channel under `mask` and scale it to 0..255. */
function maskReader(mask: number): (v: number) => number {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1) bits++;
  const max = 2 ** bits - 1;
  return (v) => Math.round((((v & mask) >>> shift) * 255) / max);
}

/** Decode to 8-bit RGB, top row first. */
export function decodeBmp(bytes: Uint8Array): { data: Uint8Array; width: number; height: number } {
  const h = readBmpHeader(bytes);
  const { width, height } = h;
  const out = new Uint8Array(width * height * 3);
  const rowIndex = (fileRow: number): number => (h.topDown ? fileRow : height - 1 - fileRow);

  if (h.compression === BI_RLE8 || h.compression === BI_RLE4) {
    decodeRle(bytes, h, readPalette(bytes, h), out, rowIndex);
    return { data: out, width, height };
  }

  const stride = Math.floor((width * h.bitsPerPixel + 31) / 32) * 4;
  if (h.pixelOffset + stride * height > bytes.length) {
    throw new BmpError(`pixel data is truncated (need ${h.pixelOffset + stride * height} bytes, have ${bytes.length})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const palette = h.bitsPerPixel <= 8 ? readPalette(bytes, h) : null;
  const masks = h.masks;
  const readers = masks ? [maskReader(masks.r), maskReader(masks.g), maskReader(masks.b)] as const : null;

  for (let fileRow = 0; fileRow < height; fileRow++) {
    const src = h.pixelOffset + fileRow * stride;
    let dst = rowIndex(fileRow) * width * 3;
    for (let x = 0; x < width; x++, dst += 3) {
      if (palette) {
        const bitPos = x * h.bitsPerPixel;
        const byte = bytes[src + (bitPos >> 3)]!;
        const shift = 8 - h.bitsPerPixel - (bitPos & 7);
        const idx = (byte >> shift) & ((1 << h.bitsPerPixel) - 1);
        out[dst] = palette[idx * 3]!;
        out[dst + 1] = palette[idx * 3 + 1]!;
        out[dst + 2] = palette[idx * 3 + 2]!;
      } else if (h.bitsPerPixel === 24) {
        const at = src + x * 3;
        out[dst] = bytes[at + 2]!;
        out[dst + 1] = bytes[at + 1]!;
        out[dst + 2] = bytes[at]!;
      } else {
        const v = h.bitsPerPixel === 16 ? view.getUint16(src + x * 2, true) : view.getUint32(src + x * 4, true);
        out[dst] = readers![0](v);
        out[dst + 1] = readers![1](v);
        out[dst + 2] = readers![2](v);
      }
    }
  }
  return { data: out, width, height };
}

function decodeRle(
  bytes: Uint8Array,
  h: BmpHeader,
  palette: Uint8Array,
  out: Uint8Array,
  rowIndex: (fileRow: number) => number,
): void {
  // Pixels the encoder skips keep palette entry 0, matching Windows' behaviour.
  for (let i = 0; i < out.length; i += 3) {
    out[i] = palette[0]!;
    out[i + 1] = palette[1]!;
    out[i + 2] = palette[2]!;
  }
  const is4 = h.compression === BI_RLE4;
  let p = h.pixelOffset;
  let x = 0;
  let row = 0;
  const put = (idx: number): void => {
    if (x < h.width && row < h.height) {
      const dst = (rowIndex(row) * h.width + x) * 3;
      out[dst] = palette[idx * 3]!;
      out[dst + 1] = palette[idx * 3 + 1]!;
      out[dst + 2] = palette[idx * 3 + 2]!;
    }
    x++;
  };
  const next = (): number => {
    if (p >= bytes.length) throw new BmpError('RLE pixel data is truncated');
    return bytes[p++]!;
  };
  while (row < h.height) {
    const count = next();
    const value = next();
    if (count > 0) {
      for (let i = 0; i < count; i++) put(is4 ? (i & 1 ? value & 0x0f : value >> 4) : value);
    } else if (value === 0) {
      x = 0;
      row++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      x += next();
      row += next();
    } else {
      // Absolute run of `value` pixels, padded to a 16-bit boundary.
      const n = value;
      const byteCount = is4 ? Math.ceil(n / 2) : n;
      for (let i = 0; i < n; i++) {
        if (is4) {
          const byte = bytes[p + (i >> 1)];
          if (byte === undefined) throw new BmpError('RLE pixel data is truncated');
          put(i & 1 ? byte & 0x0f : byte >> 4);
        } else {
          const byte = bytes[p + i];
          if (byte === undefined) throw new BmpError('RLE pixel data is truncated');
          put(byte);
        }
      }
      p += byteCount + (byteCount & 1);
    }
  }
}
