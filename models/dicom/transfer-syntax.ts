/** The transfer syntaxes Paliscope decodes, and how. One table so the parser,
 *  the frame reader and the error messages agree on what is supported. */

export type PixelEncoding =
  | 'native' // uncompressed, byte order from `littleEndian`
  | 'rle'
  | 'jpeg-baseline' // 8-bit lossy (process 1)
  | 'jpeg-lossless' // process 14, any selection value
  | 'jpeg-ls'
  | 'jpeg-2000';

export interface TransferSyntax {
  uid: string;
  name: string;
  encoding: PixelEncoding;
  littleEndian: boolean;
  /** Lossy syntaxes: decoded pixels are an approximation of the original. */
  lossy: boolean;
}

const table: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', encoding: 'native', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', encoding: 'native', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', encoding: 'native', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', encoding: 'native', littleEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', encoding: 'rle', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', encoding: 'jpeg-baseline', littleEndian: true, lossy: true },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless (Process 14)', encoding: 'jpeg-lossless', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless, first-order prediction (Process 14, SV1)', encoding: 'jpeg-lossless', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', encoding: 'jpeg-ls', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', encoding: 'jpeg-ls', littleEndian: true, lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', encoding: 'jpeg-2000', littleEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', encoding: 'jpeg-2000', littleEndian: true, lossy: true },
];

const byUid = new Map(table.map((t) => [t.uid, t]));

/** Names for syntaxes that are recognised but not decoded, so the message says what the file is. */
const knownUnsupported: Record<string, string> = {
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4, 12-bit lossy)',
  '1.2.840.10008.1.2.4.100': 'MPEG2 video',
  '1.2.840.10008.1.2.4.101': 'MPEG2 video',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.103': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 (RPCL) Lossless',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
};

export function transferSyntax(uid: string): TransferSyntax | undefined {
  return byUid.get(uid);
}

export function transferSyntaxLabel(uid: string): string {
  const name = byUid.get(uid)?.name ?? knownUnsupported[uid];
  return name ? `${name} (${uid})` : uid;
}

export const supportedTransferSyntaxes: readonly TransferSyntax[] = table;
