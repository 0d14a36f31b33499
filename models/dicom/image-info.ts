/**
 * The image pixel module (PS3.3 C.7.6.3) plus the modality and VOI transforms
 * a viewer needs, read once and checked: a header that lies about its size or
 * depth is refused here, before any decoder sees the bytes.
 */
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors';
import { tag } from './parse';

export type Photometric = 'MONOCHROME1' | 'MONOCHROME2' | 'RGB' | 'YBR_FULL' | 'YBR_FULL_422' | 'YBR_RCT' | 'YBR_ICT' | 'YBR_PARTIAL_420';

export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/** A window from the file's header (Window Center/Width, PS3.3 C.11.2). */
export interface WindowPreset {
  center: number;
  width: number;
  /** Window Center & Width Explanation, or "Header window N". */
  label: string;
}

export interface ImageInfo {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  photometric: Photometric;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  /** 0 = colour-by-pixel (RGBRGB…), 1 = colour-by-plane (RR…GG…BB…). */
  planarConfiguration: 0 | 1;
  frames: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windows: WindowPreset[];
  voiFunction: VoiFunction;
}

const PHOTOMETRICS = new Set<string>(['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT', 'YBR_PARTIAL_420']);

const trimmed = (ds: DataSet, t: string): string | undefined => {
  const v = ds.string(t)?.replace(/\0/g, '').trim();
  return v ? v : undefined;
};

/** Multi-valued decimal strings (DS), e.g. "40\400". */
function decimals(ds: DataSet, t: string): number[] {
  const raw = trimmed(ds, t);
  if (!raw) return [];
  return raw.split('\\').map((s) => Number.parseFloat(s)).filter((n) => Number.isFinite(n));
}

export function isMonochrome(info: Pick<ImageInfo, 'photometric'>): boolean {
  return info.photometric === 'MONOCHROME1' || info.photometric === 'MONOCHROME2';
}

export function readImageInfo(ds: DataSet): ImageInfo {
  const rows = ds.uint16(tag(0x0028, 0x0010)) ?? 0;
  const columns = ds.uint16(tag(0x0028, 0x0011)) ?? 0;
  if (!rows || !columns) throw new DicomError('CORRUPT', `the image has no size (Rows ${rows}, Columns ${columns})`);
  const samples = ds.uint16(tag(0x0028, 0x0002)) ?? 1;
  if (samples !== 1 && samples !== 3) throw new DicomError('UNSUPPORTED', `${samples} samples per pixel are not supported (1 or 3 are)`);
  const photometricRaw = trimmed(ds, tag(0x0028, 0x0004)) ?? (samples === 1 ? 'MONOCHROME2' : 'RGB');
  if (!PHOTOMETRICS.has(photometricRaw)) {
    throw new DicomError('UNSUPPORTED', `the photometric interpretation ${photometricRaw} is not supported (MONOCHROME1, MONOCHROME2, RGB and YBR are)`);
  }
  const photometric = photometricRaw as Photometric;
  if ((samples === 1) !== (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2')) {
    throw new DicomError('CORRUPT', `${photometric} does not agree with ${samples} sample(s) per pixel`);
  }
  const bitsAllocated = ds.uint16(tag(0x0028, 0x0100)) ?? 0;
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new DicomError('UNSUPPORTED', `${bitsAllocated}-bit allocated pixels are not supported (8 and 16 are)`);
  }
  if (samples === 3 && bitsAllocated !== 8) throw new DicomError('UNSUPPORTED', 'colour images with more than 8 bits per sample are not supported');
  const bitsStored = ds.uint16(tag(0x0028, 0x0101)) ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new DicomError('CORRUPT', `Bits Stored ${bitsStored} is outside 1–${bitsAllocated}`);
  const highBit = ds.uint16(tag(0x0028, 0x0102)) ?? bitsStored - 1;
  const framesRaw = trimmed(ds, tag(0x0028, 0x0008));
  const frames = framesRaw === undefined ? 1 : Number.parseInt(framesRaw, 10);
  if (!Number.isInteger(frames) || frames < 1) throw new DicomError('CORRUPT', `Number of Frames "${framesRaw}" is not a positive integer`);
  const slope = decimals(ds, tag(0x0028, 0x1053))[0];
  const intercept = decimals(ds, tag(0x0028, 0x1052))[0];
  const centers = decimals(ds, tag(0x0028, 0x1050));
  const widths = decimals(ds, tag(0x0028, 0x1051));
  const explanations = (trimmed(ds, tag(0x0028, 0x1055)) ?? '').split('\\');
  const windows: WindowPreset[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    // PS3.3 C.11.2.1.2: Window Width shall be ≥ 1; a header saying otherwise is ignored, not trusted.
    if (widths[i]! >= 1) windows.push({ center: centers[i]!, width: widths[i]!, label: explanations[i]?.trim() || `Header window ${i + 1}` });
  }
  const fn = trimmed(ds, tag(0x0028, 0x1056));
  return {
    rows,
    columns,
    samplesPerPixel: samples,
    photometric,
    bitsAllocated,
    bitsStored,
    highBit,
    signed: (ds.uint16(tag(0x0028, 0x0103)) ?? 0) === 1,
    planarConfiguration: (ds.uint16(tag(0x0028, 0x0006)) ?? 0) === 1 ? 1 : 0,
    frames,
    rescaleSlope: slope !== undefined && slope !== 0 ? slope : 1,
    rescaleIntercept: intercept ?? 0,
    windows,
    voiFunction: fn === 'LINEAR_EXACT' || fn === 'SIGMOID' ? fn : 'LINEAR',
  };
}
