/**
 * DICOM RLE Lossless (PS3.5 Annex G). Written here because no maintained npm
 * package decodes it on its own (Cornerstone's is buried in its browser image
 * loader), and the format is a 64-byte header plus PackBits segments.
 */
import { DicomError } from '../errors';

/** Segments laid out as the standard orders them: for each sample, most significant byte first. */
export function decodeRle(encoded: Uint8Array, width: number, height: number, samples: number, bytesPerSample: number): Uint8Array {
  if (encoded.length < 64) throw new DicomError('CORRUPT', 'the RLE frame is shorter than its 64-byte header');
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const segmentCount = view.getUint32(0, true);
  const expected = samples * bytesPerSample;
  if (segmentCount !== expected) throw new DicomError('CORRUPT', `the RLE frame has ${segmentCount} segments where ${expected} were expected`);
  const pixels = width * height;
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segmentCount; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segmentCount ? view.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < 64 || end > encoded.length || end < start) throw new DicomError('CORRUPT', `RLE segment ${s + 1} lies outside the frame`);
    const sample = Math.floor(s / bytesPerSample);
    // Output is interleaved (RGBRGB… or little-endian 16-bit): segment s fills one byte of each pixel.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const stride = expected;
    let o = sample * bytesPerSample + byteInSample;
    let written = 0;
    let i = start;
    while (i < end && written < pixels) {
      const n = (encoded[i++]! << 24) >> 24; // signed header byte
      if (n >= 0) {
        const count = Math.min(n + 1, pixels - written, end - i);
        for (let k = 0; k < count; k++, o += stride) out[o] = encoded[i + k]!;
        i += n + 1;
        written += count;
      } else if (n !== -128) {
        const value = encoded[i++]!;
        const count = Math.min(1 - n, pixels - written);
        for (let k = 0; k < count; k++, o += stride) out[o] = value;
        written += count;
      }
    }
    if (written < pixels) throw new DicomError('CORRUPT', `RLE segment ${s + 1} holds ${written} of ${pixels} pixels (truncated?)`);
  }
  return out;
}
