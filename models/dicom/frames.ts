/** The encoded bytes of one frame, native or encapsulated (PS3.5 A.4). */
import dicomParser, { type Element } from 'dicom-parser';
import { DicomError, describeThrown } from './errors';
import type { ImageInfo } from './image-info';
import type { ParsedDicom } from './parse';

export function nativeFrameBytes(info: ImageInfo): number {
  return info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8);
}

export function frameData(parsed: ParsedDicom, el: Element, info: ImageInfo, index: number): Uint8Array {
  const bytes = parsed.dataset.byteArray as Uint8Array;
  if (!el.encapsulatedPixelData) {
    const size = nativeFrameBytes(info);
    const start = el.dataOffset + index * size;
    if (start + size > el.dataOffset + el.length || start + size > bytes.length) {
      throw new DicomError('TRUNCATED', `the pixel data holds ${el.length} bytes, too few for frame ${index + 1} of ${info.frames} (${size} bytes each)`);
    }
    return bytes.subarray(start, start + size);
  }
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new DicomError('NO_PIXEL_DATA', 'the encapsulated pixel data has no fragments');
  for (const f of fragments) {
    if (f.position + f.length > bytes.length) throw new DicomError('TRUNCATED', 'the file is truncated: a pixel data fragment runs past the end of the file');
  }
  if (parsed.dataset.warnings.some((w) => /eof encountered|missing sequence delimiter/.test(w))) {
    throw new DicomError('TRUNCATED', 'the file is truncated: the encapsulated pixel data ends without its sequence delimiter');
  }
  try {
    if (info.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(parsed.dataset, el, 0, fragments.length) as Uint8Array;
    if (el.basicOffsetTable && el.basicOffsetTable.length > 0) {
      return dicomParser.readEncapsulatedImageFrame(parsed.dataset, el, index) as Uint8Array;
    }
    // No offset table: one fragment per frame is the common layout; JPEG streams can be split at their markers.
    if (fragments.length === info.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(parsed.dataset, el, index, 1) as Uint8Array;
    const table = dicomParser.createJPEGBasicOffsetTable(parsed.dataset, el);
    return dicomParser.readEncapsulatedImageFrame(parsed.dataset, el, index, table) as Uint8Array;
  } catch (e) {
    throw new DicomError('CORRUPT', `frame ${index + 1} could not be located in the encapsulated pixel data: ${describeThrown(e)}`, { cause: e });
  }
}
