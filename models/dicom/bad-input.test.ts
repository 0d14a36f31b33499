import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDicomImage, type DicomLimits } from './dicom-image';
import { DicomError, type DicomFailure } from './errors';
import { parseDicomBytes } from './parse';
import { DICOM_FIXTURE_DIR, fixture, makeSource, missingTools } from './test-helpers';

const src = makeSource({ name: 'bad-grey12', width: 64, height: 48, frames: 1, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2' });
const multi = makeSource({ name: 'bad-multi', width: 16, height: 16, frames: 4, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2' });

const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

/** Open and decode every frame; resolve with the failure the loader would report. */
async function failure(bytes: Uint8Array, limits?: DicomLimits): Promise<{ failure: DicomFailure; message: string }> {
  try {
    const img = openDicomImage(bytes, limits);
    for (let f = 0; f < img.info.frames; f++) await img.decodeFrame(f);
  } catch (e) {
    if (e instanceof DicomError) return { failure: e.failure, message: e.message };
    throw e;
  }
  throw new Error('expected the file to be refused');
}

const needed = ['dump2dcm', 'dcmcjpeg', 'gdcmconv', 'dcmcrle'] as const;
const missing = needed.filter((t) => missingTools.includes(t));
if (missing.length) console.warn(`skipping DICOM bad-input tests: ${missing.join(', ')} not installed (Debian packages dcmtk, libgdcm-tools)`);

describe.skipIf(missing.length > 0)('bad DICOM input gets a clear reason', () => {
  it('refuses a file without the DICM marker', async () => {
    expect(await failure(new Uint8Array(300).fill(7))).toMatchObject({ failure: 'NOT_DICOM', message: expect.stringContaining('DICM') });
  });

  it('reports a truncated uncompressed file as truncated', async () => {
    const whole = read(fixture(src, 'explicit-le'));
    expect(await failure(whole.subarray(0, whole.length - 1000))).toMatchObject({ failure: 'TRUNCATED', message: expect.stringContaining('truncated') });
  });

  it('reports a truncated compressed file as truncated or corrupt, never as pixels', async () => {
    const whole = read(fixture(src, 'jpeg-2000'));
    const r = await failure(whole.subarray(0, Math.floor(whole.length * 0.7)));
    expect(['TRUNCATED', 'CORRUPT']).toContain(r.failure);
  });

  it('names an unsupported transfer syntax', async () => {
    const r = await failure(read(fixture(src, 'jpeg-extended')));
    expect(r).toMatchObject({ failure: 'UNSUPPORTED' });
    expect(r.message).toContain('JPEG Extended');
    expect(r.message).toContain('1.2.840.10008.1.2.4.51');
  });

  it('says when there is no pixel data', async () => {
    const dumpPath = join(DICOM_FIXTURE_DIR, 'no-pixels.txt');
    const out = join(DICOM_FIXTURE_DIR, 'no-pixels.dcm');
    if (!existsSync(out)) {
      fixture(src, 'explicit-le'); // makes the folder
      writeFileSync(dumpPath, '(0008,0016) UI [1.2.840.10008.5.1.4.1.1.88.11]\n(0008,0060) CS [SR]\n(0010,0010) PN [Doe^Jane]\n');
      execFileSync('dump2dcm', ['+te', dumpPath, out]);
    }
    expect(await failure(read(out))).toMatchObject({ failure: 'NO_PIXEL_DATA', message: expect.stringContaining('no pixel data') });
  });

  it('refuses more frames than the limit before decoding any', async () => {
    const r = await failure(read(fixture(multi, 'explicit-le')), { maxFrames: 3 });
    expect(r).toMatchObject({ failure: 'TOO_LARGE', message: expect.stringContaining('4 frames') });
  });

  it('refuses frames whose decoded total passes the byte limit before decoding any', async () => {
    const r = await failure(read(fixture(multi, 'explicit-le')), { maxDecodedBytes: 1000 });
    expect(r).toMatchObject({ failure: 'TOO_LARGE', message: expect.stringContaining('more than the 1000-byte limit') });
  });

  it('refuses frames larger than the pixel limit', async () => {
    expect(await failure(read(fixture(src, 'jpeg-2000')), { maxFramePixels: 1000 })).toMatchObject({ failure: 'TOO_LARGE' });
  });

  it('refuses a header whose frame count the pixel data cannot hold', async () => {
    const bytes = read(fixture(multi, 'explicit-le'));
    // Rewrite "4 " (Number of Frames, IS) as "9 ": the pixel data holds only four frames.
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf('4 ', text.indexOf('\x28\x00\x08\x00IS'));
    const lied = Uint8Array.from(bytes);
    lied[at] = '9'.charCodeAt(0);
    expect(await failure(lied)).toMatchObject({ failure: 'TRUNCATED', message: expect.stringContaining('frame 5 of 9') });
  });

  it('reports a damaged RLE frame', async () => {
    const bytes = Uint8Array.from(read(fixture(src, 'rle')));
    // The RLE header starts with the segment count (2 for 16-bit grey); claim 3.
    const text = Buffer.from(bytes).toString('latin1');
    const header = text.lastIndexOf('\x02\x00\x00\x00\x40\x00\x00\x00');
    bytes[header] = 3;
    expect(await failure(bytes)).toMatchObject({ failure: 'CORRUPT', message: expect.stringContaining('segments') });
  });

  it('bounds what a deflated data set may inflate to', () => {
    const bytes = read(fixture(src, 'deflated'));
    expect(() => parseDicomBytes(bytes, { maxInflatedBytes: 1000 })).toThrow(/inflates to more than 1000 bytes/);
  });
});
