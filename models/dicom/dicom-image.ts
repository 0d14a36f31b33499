/**
 * One DICOM file opened for viewing and inference: parsed and checked once,
 * frames decoded on demand. Everything a caller needs — size, frames, header
 * windows, metadata — is known before any pixel is decoded.
 */
import type { Element } from 'dicom-parser';
import { DicomError } from './errors';
import { readImageInfo, type ImageInfo } from './image-info';
import { extractMetadata, type DicomMetadata } from './metadata';
import { parseDicomBytes, pixelDataElement, type ParsedDicom } from './parse';
import { decodeFrame, framePixelsWithinLimit, type DicomFrame } from './pixels';
import { transferSyntaxLabel } from './transfer-syntax';
import { applyWindow, defaultWindow, type RgbImage, type WindowLevel } from './window';

export interface DicomLimits {
  /** Files with more frames are refused (default 1000). */
  maxFrames?: number;
  /** Frames with more pixels are refused (default 100 Mpx). */
  maxFramePixels?: number;
  /** Refuse files whose decoded frames would together exceed this many bytes (default 8 GiB): a study that size is not read page by page in a desktop app. */
  maxDecodedBytes?: number;
}

export const DEFAULT_MAX_FRAMES = 1000;

export interface DicomImage {
  info: ImageInfo;
  metadata: DicomMetadata;
  transferSyntax: { uid: string; label: string; lossy: boolean };
  decodeFrame(index: number): Promise<DicomFrame>;
  /** 8-bit RGB through `window` (default: the header's first window, else the frame's range) and the window used. */
  render(index: number, window?: WindowLevel): Promise<{ image: RgbImage; window: WindowLevel }>;
}

export function openDicomImage(bytes: Uint8Array, limits: DicomLimits = {}): DicomImage {
  const parsed: ParsedDicom = parseDicomBytes(bytes);
  const metadata = extractMetadata(parsed.dataset);
  const el: Element = pixelDataElement(parsed);
  const info = readImageInfo(parsed.dataset);
  const maxFrames = limits.maxFrames ?? DEFAULT_MAX_FRAMES;
  if (info.frames > maxFrames) throw new DicomError('TOO_LARGE', `it has ${info.frames} frames, more than the ${maxFrames}-frame limit`);
  framePixelsWithinLimit(info, { maxPixels: limits.maxFramePixels });
  const maxDecoded = limits.maxDecodedBytes ?? 8 * 2 ** 30;
  const decodedBytes = info.frames * info.rows * info.columns * 3;
  if (decodedBytes > maxDecoded) throw new DicomError('TOO_LARGE', `its ${info.frames} frames decode to ${decodedBytes} bytes, more than the ${maxDecoded}-byte limit`);
  const syntax = parsed.syntax!;
  return {
    info,
    metadata,
    transferSyntax: { uid: parsed.transferSyntaxUid, label: transferSyntaxLabel(parsed.transferSyntaxUid), lossy: syntax.lossy },
    decodeFrame: (index) => decodeFrame(parsed, el, info, index, { maxPixels: limits.maxFramePixels }),
    render: async (index, window) => {
      const frame = await decodeFrame(parsed, el, info, index, { maxPixels: limits.maxFramePixels });
      const w = window ?? defaultWindow(info, frame);
      return { image: applyWindow(frame, info, w), window: w };
    },
  };
}
