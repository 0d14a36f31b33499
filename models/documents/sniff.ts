import type { DocumentFormat } from './types';

/** Identify a file by its leading bytes. File names lie (a PNG saved as .pdf,
 *  a text file saved as .png), so the extension is never consulted. */
export function sniffFormat(bytes: Uint8Array): DocumentFormat | null {
  const b = (i: number): number => bytes[i] ?? -1;
  const ascii = (start: number, text: string): boolean => {
    for (let i = 0; i < text.length; i++) if (b(start + i) !== text.charCodeAt(i)) return false;
    return true;
  };
  // First: a DICOM file's 128-byte preamble may itself hold a TIFF header (dual-format files).
  if (ascii(128, 'DICM')) return 'dicom';
  if (b(0) === 0x89 && ascii(1, 'PNG\r\n\x1a\n')) return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'II*\0') || ascii(0, 'MM\0*')) return 'tiff';
  // BigTIFF (version 43) is also read by libtiff.
  if (ascii(0, 'II+\0') || ascii(0, 'MM\0+')) return 'tiff';
  if (ascii(0, 'BM') && bytes.length >= 26) return 'bmp';
  // PDF readers accept the header anywhere in the first 1 KiB (some files carry
  // a junk prefix from mail gateways), so search rather than test offset 0.
  const head = bytes.subarray(0, Math.min(bytes.length, 1024));
  for (let i = 0; i + 5 <= head.length; i++) {
    if (head[i] === 0x25 && ascii(i, '%PDF-')) return 'pdf';
  }
  return null;
}
