/** JPEG Lossless (process 14) through jpeg-lossless-decoder-js (MIT, pure JavaScript, any precision 2–16 bits). */
import { Decoder } from 'jpeg-lossless-decoder-js';
import { DicomError, describeThrown } from '../errors';

export function decodeJpegLossless(encoded: Uint8Array, bytesPerSample: 1 | 2): Uint8Array {
  let out: Uint8Array | Uint16Array;
  try {
    // The decoder reads from an ArrayBuffer; hand it exactly the frame's bytes.
    const copy = encoded.slice();
    out = new Decoder().decode(copy.buffer, 0, copy.byteLength, bytesPerSample);
  } catch (e) {
    throw new DicomError('CORRUPT', `the JPEG Lossless data could not be decoded (${describeThrown(e)})`, { cause: e });
  }
  if (!out) throw new DicomError('CORRUPT', 'the JPEG Lossless data could not be decoded (no frame in the stream)');
  // Uint16Array uses the platform's byte order, little-endian on every platform Node supports.
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
