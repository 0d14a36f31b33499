import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DICOM_FIXTURE_DIR, dicomdirFixture, fixture, makeSource, missingTools } from '../dicom/test-helpers';
import { applyWindow } from '../dicom/window';
import { DocumentError } from './errors';
import { DocumentLoader } from './loader';

const grey = makeSource({ name: 'loader-grey12', width: 40, height: 30, frames: 1, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME1', windows: [{ center: 1000, width: 2000, label: 'LUNG' }, { center: 2048, width: 4096, label: 'FULL' }] });
const multi = makeSource({ name: 'loader-multi', width: 20, height: 10, frames: 3, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2' });

const missing = ['dump2dcm', 'dcmcjpls', 'dcmmkdir'].filter((t) => missingTools.includes(t as never));
if (missing.length) console.warn(`skipping DICOM loader tests: ${missing.join(', ')} not installed (Debian package dcmtk)`);

describe.skipIf(missing.length > 0)('DocumentLoader opens DICOM', () => {
  const loader = new DocumentLoader({ inThreadPdf: true });
  afterAll(() => loader.dispose());

  it('opens a .dcm through the header window, MONOCHROME1 inverted', async () => {
    const doc = await loader.openDocument({ path: fixture(grey, 'jpeg-ls') });
    expect(doc.format).toBe('dicom');
    expect(doc.pages).toEqual([{ index: 0, width: 40, height: 30 }]);
    expect(doc.dicom?.metadata.fields.find((f) => f.keyword === 'PatientName')).toMatchObject({ identifying: true });
    const info = await doc.dicom!.pageInfo(0);
    expect(info.windows.map((w) => w.label)).toEqual(['LUNG', 'FULL']);
    expect(info.defaultWindow).toEqual({ center: 1000, width: 2000 });
    const page = await doc.renderPage(0);
    // Pixel (0,0) holds the lowest value: white in MONOCHROME1.
    expect(page.data[0]).toBe(255);
    const full = await doc.renderPage(0, { window: { center: 2048, width: 4096 } });
    expect(full).not.toBe(page);
    // The loader's mapping is models/dicom's: compare with it directly.
    const frame = { kind: 'grey' as const, width: 40, height: 30, stored: Uint16Array.from(grey.values) };
    const want = applyWindow(frame, { ...baseInfo, photometric: 'MONOCHROME1' }, { center: 2048, width: 4096 });
    expect(Buffer.from(full.data).equals(Buffer.from(want.data))).toBe(true);
    const preview = await doc.pagePreview(0, { maxSide: 20, window: { center: 2048, width: 4096, invert: true } });
    expect([preview.width, preview.height]).toEqual([20, 15]);
    await doc.close();
  });

  it('recognises a file without extension by its DICM marker', async () => {
    const dir = join(DICOM_FIXTURE_DIR, 'no-extension');
    mkdirSync(dir, { recursive: true });
    copyFileSync(fixture(grey, 'explicit-le'), join(dir, 'IM0001'));
    const doc = await loader.openDocument({ path: join(dir, 'IM0001') });
    expect(doc.format).toBe('dicom');
    await doc.close();
  });

  it('shows each frame of a multi-frame file as a page', async () => {
    const doc = await loader.openDocument({ path: fixture(multi, 'rle') });
    expect(doc.pages).toHaveLength(3);
    const third = await doc.renderPage(2);
    expect([third.width, third.height]).toEqual([20, 10]);
    await doc.close();
  });

  it('opens a DICOMDIR folder with every frame of every image as pages', async () => {
    const dir = dicomdirFixture('loader-dicomdir', [fixture(grey, 'explicit-le'), fixture(multi, 'explicit-le')]);
    const doc = await loader.openDocument({ path: dir });
    expect(doc.pages).toHaveLength(4);
    expect(doc.dicom?.files).toBe(2);
    await doc.close();
  });

  it('names the file and the reason for a truncated DICOM', async () => {
    const bytes = readFileSync(fixture(grey, 'explicit-le'));
    const path = join(DICOM_FIXTURE_DIR, 'cut-short.dcm');
    writeFileSync(path, bytes.subarray(0, bytes.length - 500));
    const err = await loader.openDocument({ path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentError);
    expect((err as DocumentError).code).toBe('CORRUPT_FILE');
    expect((err as DocumentError).message).toMatch(/cut-short\.dcm: .*truncated/);
  });

  it('refuses an uploaded DICOMDIR, which only lists other files', async () => {
    const dir = dicomdirFixture('loader-dicomdir', [fixture(grey, 'explicit-le'), fixture(multi, 'explicit-le')]);
    const err = await loader.openDocument({ name: 'DICOMDIR', bytes: new Uint8Array(readFileSync(join(dir, 'DICOMDIR'))) }).catch((e: unknown) => e);
    expect((err as DocumentError).message).toMatch(/^DICOMDIR: a DICOMDIR only lists other files/);
  });
});

const baseInfo = {
  rows: 30, columns: 40, samplesPerPixel: 1 as const, photometric: 'MONOCHROME2' as const, bitsAllocated: 16 as const, bitsStored: 12, highBit: 11,
  signed: false, planarConfiguration: 0 as const, frames: 1, rescaleSlope: 1, rescaleIntercept: 0, windows: [], voiFunction: 'LINEAR' as const,
};
