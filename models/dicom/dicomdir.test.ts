import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dicomdirImageFiles } from './dicomdir';
import { DicomError } from './errors';
import { dicomdirFixture, fixture, makeSource, missingTools } from './test-helpers';

const a = makeSource({ name: 'dir-a', width: 16, height: 16, frames: 1, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2' });
const b = makeSource({ name: 'dir-b', width: 16, height: 16, frames: 2, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2' });

const missing = missingTools.includes('dcmmkdir') || missingTools.includes('dump2dcm');
if (missing) console.warn('skipping DICOMDIR tests: dcmmkdir or dump2dcm is not installed (Debian package dcmtk)');

describe.skipIf(missing)('DICOMDIR', () => {
  it('lists the referenced images, as paths inside the folder', () => {
    const dir = dicomdirFixture('dicomdir-study', [fixture(a, 'explicit-le'), fixture(b, 'explicit-le')]);
    const files = dicomdirImageFiles(new Uint8Array(readFileSync(join(dir, 'DICOMDIR'))), dir);
    expect([...files].sort()).toEqual([join(dir, 'IMAGES', 'IM00000'), join(dir, 'IMAGES', 'IM00001')]);
  });

  it('refuses a reference that climbs out of the folder', () => {
    const dir = dicomdirFixture('dicomdir-study', [fixture(a, 'explicit-le'), fixture(b, 'explicit-le')]);
    const bytes = Uint8Array.from(readFileSync(join(dir, 'DICOMDIR')));
    // Rewrite "IMAGES\IM00000" as "..\..\\IM00000" (same length): a path outside the DICOMDIR's folder.
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf('IMAGES\\IM00000');
    Buffer.from('..\\..\\\\IM00000', 'latin1').copy(bytes, at);
    expect(() => dicomdirImageFiles(bytes, dir)).toThrow(DicomError);
    expect(() => dicomdirImageFiles(bytes, dir)).toThrow(/outside its folder/);
  });

  it('bounds the number of images', () => {
    const dir = dicomdirFixture('dicomdir-study', [fixture(a, 'explicit-le'), fixture(b, 'explicit-le')]);
    expect(() => dicomdirImageFiles(new Uint8Array(readFileSync(join(dir, 'DICOMDIR'))), dir, 1)).toThrow(/more than 1 images/);
  });
});
