/**
 * DICOMDIR (PS3.10 media storage directory): the list of image files it
 * references. The paths come from someone else's media, so each is checked to
 * stay inside the folder that holds the DICOMDIR.
 */
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { DicomError } from './errors';
import { parseDicomBytes, tag } from './parse';

const DIRECTORY_RECORD_SEQUENCE = tag(0x0004, 0x1220);
const RECORD_TYPE = tag(0x0004, 0x1430);
const REFERENCED_FILE_ID = tag(0x0004, 0x1500);

/** Record types whose referenced files hold pixel data. */
const IMAGE_RECORDS = new Set(['IMAGE']);

export const DEFAULT_MAX_DICOMDIR_FILES = 1000;

/** Absolute paths of the image files a DICOMDIR references, in directory order. */
export function dicomdirImageFiles(bytes: Uint8Array, root: string, maxFiles = DEFAULT_MAX_DICOMDIR_FILES): string[] {
  const parsed = parseDicomBytes(bytes);
  const seq = parsed.dataset.elements[DIRECTORY_RECORD_SEQUENCE];
  if (!seq?.items) throw new DicomError('CORRUPT', 'the DICOMDIR has no directory record sequence (0004,1220)');
  const files: string[] = [];
  const base = resolve(root);
  for (const item of seq.items) {
    const ds = item.dataSet;
    if (!ds) continue;
    const type = ds.string(RECORD_TYPE)?.trim().toUpperCase();
    if (!type || !IMAGE_RECORDS.has(type)) continue;
    const id = ds.string(REFERENCED_FILE_ID);
    if (!id) continue;
    const parts = id.split('\\').map((p) => p.trim()).filter(Boolean);
    const target = resolve(base, normalize(parts.join(sep)));
    const rel = relative(base, target);
    if (parts.length === 0 || rel.startsWith('..') || isAbsolute(rel)) {
      throw new DicomError('CORRUPT', `the DICOMDIR references "${id}", which lies outside its folder`);
    }
    files.push(target);
    if (files.length > maxFiles) throw new DicomError('TOO_LARGE', `the DICOMDIR references more than ${maxFiles} images`);
  }
  if (files.length === 0) throw new DicomError('NO_PIXEL_DATA', 'the DICOMDIR references no images');
  return files;
}
