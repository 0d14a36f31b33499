import { describe, expect, it } from 'vitest';
import { sniffFormat } from './sniff';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffFormat', () => {
  it.each([
    ['png', bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13])],
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['gif', bytes('GIF89a', [1, 0, 1, 0])],
    ['gif', bytes('GIF87a', [1, 0, 1, 0])],
    ['tiff', bytes('II*\0', [8, 0, 0, 0])],
    ['tiff', bytes('MM\0*', [0, 0, 0, 8])],
    ['bmp', bytes('BM', new Array(30).fill(0))],
    ['pdf', bytes('%PDF-1.7\n')],
    ['dicom', bytes(new Array(128).fill(0), 'DICM', [2, 0])],
    // A dual-format file: a TIFF header in the DICOM preamble is still DICOM.
    ['dicom', bytes('II*\0', new Array(124).fill(0), 'DICM', [2, 0])],
    ['pdf', bytes('junk from a mail gateway\r\n%PDF-1.4\n')],
  ] as const)('recognises %s', (format, data) => {
    expect(sniffFormat(data)).toBe(format);
  });

  it.each([
    ['empty', bytes()],
    ['text', bytes('Hello, this is text')],
    ['a bare "BM" prefix', bytes('BMW owners club')],
    ['RIFF that is not WebP', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt ')],
    ['truncated PNG signature', bytes([0x89], 'PN')],
  ])('rejects %s', (_label, data) => {
    expect(sniffFormat(data)).toBeNull();
  });
});
