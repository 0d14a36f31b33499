/**
 * JPEG baseline (libjpeg-turbo), JPEG-LS (CharLS) and JPEG 2000 (OpenJPEG)
 * through Cornerstone's WebAssembly builds, which run in plain Node offline
 * (the .wasm files are read from node_modules). Each module is instantiated
 * once, on first use, with its console output silenced (OpenJPEG logs every
 * header it reads).
 */
import { DicomError, describeThrown } from '../errors';

export interface CodecOutput {
  width: number;
  height: number;
  bitsPerSample: number;
  components: number;
  signed: boolean;
  /** Decoded samples, interleaved, little-endian when 16-bit. A copy out of WASM memory. */
  bytes: Uint8Array;
}

type Kind = 'jpeg-baseline' | 'jpeg-ls' | 'jpeg-2000';

const quiet = { print: () => {}, printErr: () => {} };

const loaders: Record<Kind, () => Promise<new () => CornerstoneDecoder>> = {
  'jpeg-baseline': async () => (await (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default(quiet)).JPEGDecoder,
  'jpeg-ls': async () => (await (await import('@cornerstonejs/codec-charls/decodewasmjs')).default(quiet)).JpegLSDecoder,
  'jpeg-2000': async () => (await (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default(quiet)).J2KDecoder,
};

const loaded = new Map<Kind, Promise<new () => CornerstoneDecoder>>();

function decoderClass(kind: Kind): Promise<new () => CornerstoneDecoder> {
  let p = loaded.get(kind);
  if (!p) {
    p = loaders[kind]();
    // A failed load (missing .wasm) is reported, and retried next time rather than cached.
    p.catch(() => loaded.delete(kind));
    loaded.set(kind, p);
  }
  return p;
}

const names: Record<Kind, string> = { 'jpeg-baseline': 'JPEG', 'jpeg-ls': 'JPEG-LS', 'jpeg-2000': 'JPEG 2000' };

/** Decode one frame; `maxPixels` is checked against the codestream's own header before any pixels are produced. */
export async function decodeWithWasm(kind: Kind, encoded: Uint8Array, maxPixels: number): Promise<CodecOutput> {
  let Decoder: new () => CornerstoneDecoder;
  try {
    Decoder = await decoderClass(kind);
  } catch (e) {
    throw new DicomError('UNSUPPORTED', `the ${names[kind]} decoder could not be loaded (${describeThrown(e)})`, { cause: e });
  }
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    // CharLS's build has no separate header read; it is bounded by the DICOM header's size check instead.
    const head = typeof decoder.readHeader === 'function' ? (decoder.readHeader(), decoder.getFrameInfo()) : { width: 0, height: 0 };
    if (head.width * head.height > maxPixels) {
      throw new DicomError('TOO_LARGE', `a ${names[kind]} frame of ${head.width}×${head.height} is more than the ${maxPixels}-pixel limit`);
    }
    decoder.decode();
    const info = decoder.getFrameInfo();
    return {
      width: info.width,
      height: info.height,
      bitsPerSample: info.bitsPerSample,
      components: info.componentCount,
      signed: info.isSigned ?? false,
      bytes: decoder.getDecodedBuffer().slice(),
    };
  } catch (e) {
    if (e instanceof DicomError) throw e;
    throw new DicomError('CORRUPT', `the ${names[kind]} data could not be decoded (${describeThrown(e)})`, { cause: e });
  } finally {
    decoder.delete();
  }
}
