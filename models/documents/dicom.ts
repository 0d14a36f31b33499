/**
 * DICOM in the document loader: a file's frames, or the images a DICOMDIR
 * references, become pages. Pixels go through the window/level mapping
 * (models/dicom/window.ts) so the viewer and the model see the same grey
 * levels; the default window is the header's, else the frame's full range.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  DicomError,
  applyWindow,
  defaultWindow,
  dicomdirImageFiles,
  isMonochrome,
  modalityRange,
  openDicomImage,
  parseDicomBytes,
  type DicomFrame,
  type DicomImage,
  type DicomLimits,
} from '../dicom';
import type { DicomDocumentInfo, DicomPageInfo, DisplayWindow, PageInfo, RawImage } from './types';

/** Media Storage Directory Storage: the SOP class of a DICOMDIR. */
const DICOMDIR_CLASS = '1.2.840.10008.1.3.10';

export interface DicomSource {
  pages: PageInfo[];
  info: DicomDocumentInfo;
  render(index: number, window?: DisplayWindow): Promise<RawImage>;
  /** The page's windows, default window and value range (decodes the frame once). */
  pageInfo(index: number): Promise<DicomPageInfo>;
}

interface Part {
  image: DicomImage;
  file: string;
}

function isDicomdir(bytes: Uint8Array): boolean {
  try {
    // Only the meta header is needed to tell; a full parse happens later anyway.
    const uid = parseDicomBytes(bytes).dataset.string('x00020002')?.replace(/\0/g, '').trim();
    return uid === DICOMDIR_CLASS;
  } catch {
    return false;
  }
}

async function readReferenced(path: string, budget: { bytes: number }): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new DicomError('CORRUPT', `the DICOMDIR references ${basename(path)}, which is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof DicomError) throw e;
    throw new DicomError('CORRUPT', `the DICOMDIR references ${basename(path)}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  budget.bytes -= size;
  if (budget.bytes < 0) throw new DicomError('TOO_LARGE', 'the images the DICOMDIR references are together larger than the file-size limit');
  return new Uint8Array(await readFile(path));
}

/** `file` is the path (or name) of the DICOM file or DICOMDIR; `maxBytes` bounds what a DICOMDIR may make us read. */
export async function openDicomSource(file: string, bytes: Uint8Array, opts: { fromPath: boolean; maxBytes: number; limits?: DicomLimits }): Promise<DicomSource> {
  const parts: Part[] = [];
  if (isDicomdir(bytes)) {
    if (!opts.fromPath) throw new DicomError('UNSUPPORTED', 'a DICOMDIR only lists other files: open it from its folder (File → Open) rather than uploading it alone');
    const budget = { bytes: opts.maxBytes };
    const maxFrames = opts.limits?.maxFrames ?? 1000;
    let frames = 0;
    for (const path of dicomdirImageFiles(bytes, dirname(file))) {
      const name = basename(path);
      try {
        const image = openDicomImage(await readReferenced(path, budget), opts.limits);
        frames += image.info.frames;
        if (frames > maxFrames) throw new DicomError('TOO_LARGE', `the study has more than ${maxFrames} frames`);
        parts.push({ image, file: name });
      } catch (e) {
        if (e instanceof DicomError) throw new DicomError(e.failure, `${name} (listed in the DICOMDIR): ${e.message}`, { cause: e });
        throw e;
      }
    }
  } else {
    parts.push({ image: openDicomImage(bytes, opts.limits), file: basename(file) });
  }
  const pageParts: { part: Part; frame: number }[] = [];
  for (const part of parts) for (let f = 0; f < part.image.info.frames; f++) pageParts.push({ part, frame: f });
  const pages = pageParts.map(({ part }, index) => ({ index, width: part.image.info.columns, height: part.image.info.rows }));
  const first = parts[0]!.image;

  // Window changes re-map the same frame: keep the last few decoded frames so a drag costs a lookup table, not a decode.
  const decoded = new Map<number, Promise<DicomFrame>>();
  const frameOf = (index: number): Promise<DicomFrame> => {
    let p = decoded.get(index);
    if (!p) {
      const { part, frame } = pageParts[index]!;
      p = part.image.decodeFrame(frame);
      p.catch(() => decoded.delete(index));
      decoded.set(index, p);
      while (decoded.size > 3) decoded.delete(decoded.keys().next().value!);
    }
    return p;
  };

  return {
    pages,
    info: {
      metadata: first.metadata,
      transferSyntax: first.transferSyntax.label,
      lossy: parts.some((p) => p.image.transferSyntax.lossy),
      files: parts.length,
    },
    render: async (index, window) => {
      const { part } = pageParts[index]!;
      const frame = await frameOf(index);
      const w = window ?? defaultWindow(part.image.info, frame);
      return applyWindow(frame, part.image.info, w);
    },
    pageInfo: async (index) => {
      const { part, frame: frameIndex } = pageParts[index]!;
      const info = part.image.info;
      const frame = await frameOf(index);
      const w = defaultWindow(info, frame);
      const range = frame.kind === 'grey' ? modalityRange(frame, info) : { min: 0, max: 255 };
      return {
        file: part.file,
        frame: frameIndex,
        frames: info.frames,
        photometric: info.photometric,
        monochrome: isMonochrome(info),
        bitsStored: info.bitsStored,
        windows: info.windows,
        defaultWindow: { center: w.center, width: w.width },
        range,
      };
    },
  };
}
