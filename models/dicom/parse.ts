/**
 * Parsing a DICOM Part 10 file with dicom-parser (MIT, Cornerstone's parser).
 * The file is hostile until proven otherwise: the preamble is checked, deflated
 * data sets are inflated with an output bound, and dicom-parser's string throws
 * and warnings become DicomErrors that say what is wrong with the file.
 */
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { DicomError, describeThrown } from './errors';
import { transferSyntax, transferSyntaxLabel, type TransferSyntax } from './transfer-syntax';

/** A Part 10 file: "DICM" after the 128-byte preamble. */
export function hasDicomPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

export interface ParsedDicom {
  dataset: DataSet;
  /** The transfer syntax UID from the file meta information. */
  transferSyntaxUid: string;
  /** Undefined when the syntax is not one Paliscope decodes (metadata is still readable). */
  syntax: TransferSyntax | undefined;
}

export interface ParseOptions {
  /** Largest inflated size accepted for Deflated Explicit VR Little Endian (default 1 GiB). */
  maxInflatedBytes?: number;
}

/** Tag keys in dicom-parser's format: `x` + group + element, lower-case hex. */
export const tag = (group: number, element: number): string =>
  `x${group.toString(16).padStart(4, '0')}${element.toString(16).padStart(4, '0')}`;

export const PIXEL_DATA = tag(0x7fe0, 0x0010);

export function parseDicomBytes(bytes: Uint8Array, options: ParseOptions = {}): ParsedDicom {
  if (!hasDicomPreamble(bytes)) {
    throw new DicomError('NOT_DICOM', 'it is not a DICOM Part 10 file (no "DICM" marker after the 128-byte preamble)');
  }
  const maxInflated = options.maxInflatedBytes ?? 2 ** 30;
  let dataset: DataSet;
  try {
    dataset = dicomParser.parseDicom(bytes, {
      inflater: (arr, position) => {
        let inflated: Buffer;
        try {
          inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: maxInflated });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ERR_BUFFER_TOO_LARGE') throw new DicomError('TOO_LARGE', `its deflated data set inflates to more than ${maxInflated} bytes`);
          throw new DicomError('CORRUPT', `its deflated data set could not be inflated (${describeThrown(e)})`);
        }
        const full = new Uint8Array(position + inflated.length);
        full.set(arr.subarray(0, position));
        full.set(inflated, position);
        return full;
      },
    } as dicomParser.ParseDicomOptions);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    const why = describeThrown(e);
    if (/past end of buffer|buffer overrun|end of file|exceeds|beyond/i.test(why)) {
      throw new DicomError('TRUNCATED', `the file is truncated (it ends inside a data element: ${why})`, { cause: e });
    }
    throw new DicomError('CORRUPT', `the DICOM data set could not be parsed: ${why}`, { cause: e });
  }
  const uid = (dataset.string(tag(0x0002, 0x0010)) ?? '').replace(/\0/g, '').trim();
  if (!uid) throw new DicomError('CORRUPT', 'the file meta information has no transfer syntax UID (0002,0010)');
  return { dataset, transferSyntaxUid: uid, syntax: transferSyntax(uid) };
}

/** The pixel data element, checked to lie inside the file. */
export function pixelDataElement(parsed: ParsedDicom): Element {
  const el = parsed.dataset.elements[PIXEL_DATA];
  if (!el) throw new DicomError('NO_PIXEL_DATA', 'the file has no pixel data (7FE0,0010): it is not an image (a report, a structured document or a DICOMDIR?)');
  if (!parsed.syntax) throw new DicomError('UNSUPPORTED', `its transfer syntax ${transferSyntaxLabel(parsed.transferSyntaxUid)} is not supported`);
  if (!el.encapsulatedPixelData && el.dataOffset + el.length > parsed.dataset.byteArray.length) {
    throw new DicomError('TRUNCATED', `the file is truncated: the pixel data needs ${el.length} bytes but only ${parsed.dataset.byteArray.length - el.dataOffset} remain`);
  }
  return el;
}
