import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDicomImage } from './dicom-image';
import type { DicomFrame } from './pixels';
import { fixture, makeSource, missingTools, TOOL_FOR, type Encoding, type SourceImage } from './test-helpers';

const sources = {
  grey8: makeSource({ name: 'grey8', width: 64, height: 48, frames: 1, bitsAllocated: 8, bitsStored: 8, signed: false, samples: 1, photometric: 'MONOCHROME2' }),
  grey12: makeSource({ name: 'grey12', width: 64, height: 48, frames: 1, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2', windows: [{ center: 2048, width: 4096, label: 'FULL' }] }),
  grey16: makeSource({ name: 'grey16', width: 64, height: 48, frames: 1, bitsAllocated: 16, bitsStored: 16, signed: false, samples: 1, photometric: 'MONOCHROME2' }),
  signed16: makeSource({ name: 'signed16', width: 64, height: 48, frames: 1, bitsAllocated: 16, bitsStored: 16, signed: true, samples: 1, photometric: 'MONOCHROME2', rescale: { slope: 1, intercept: -1024 } }),
  mono1: makeSource({ name: 'mono1-12', width: 64, height: 48, frames: 1, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME1' }),
  rgb: makeSource({ name: 'rgb8', width: 64, height: 48, frames: 1, bitsAllocated: 8, bitsStored: 8, signed: false, samples: 3, photometric: 'RGB' }),
  multi: makeSource({ name: 'multi12', width: 32, height: 24, frames: 3, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2' }),
} satisfies Record<string, SourceImage>;

/** Every (source, transfer syntax) pair the tools can make, with the error bound: 0 for lossless, else a PSNR floor in dB. */
const cases: [keyof typeof sources, Encoding, { psnr?: number }][] = [
  ['grey8', 'explicit-le', {}],
  ['grey8', 'implicit-le', {}],
  ['grey8', 'explicit-be', {}],
  ['grey8', 'rle', {}],
  ['grey8', 'jpeg-baseline', { psnr: 35 }],
  ['grey8', 'jpeg-lossless-sv1', {}],
  ['grey8', 'jpeg-ls', {}],
  ['grey8', 'jpeg-2000', {}],
  ['grey12', 'explicit-le', {}],
  ['grey12', 'implicit-le', {}],
  ['grey12', 'explicit-be', {}],
  ['grey12', 'deflated', {}],
  ['grey12', 'rle', {}],
  ['grey12', 'jpeg-lossless-sv1', {}],
  ['grey12', 'jpeg-lossless-sv6', {}],
  ['grey12', 'jpeg-ls', {}],
  ['grey12', 'jpeg-ls-near', { psnr: 50 }],
  ['grey12', 'jpeg-2000', {}],
  ['grey12', 'jpeg-2000-lossy', { psnr: 30 }],
  ['grey16', 'explicit-le', {}],
  ['grey16', 'explicit-be', {}],
  ['grey16', 'rle', {}],
  ['grey16', 'jpeg-lossless-sv1', {}],
  ['grey16', 'jpeg-ls', {}],
  ['grey16', 'jpeg-2000', {}],
  ['signed16', 'explicit-le', {}],
  ['signed16', 'explicit-be', {}],
  ['signed16', 'rle', {}],
  ['signed16', 'jpeg-ls', {}],
  ['signed16', 'jpeg-2000', {}],
  ['mono1', 'explicit-le', {}],
  ['mono1', 'rle', {}],
  ['mono1', 'jpeg-ls', {}],
  ['rgb', 'explicit-le', {}],
  ['rgb', 'rle', {}],
  ['rgb', 'jpeg-ls', {}],
  ['rgb', 'jpeg-2000', {}],
  ['rgb', 'jpeg-baseline', { psnr: 30 }],
  ['rgb', 'jpeg-lossless-sv1', {}],
  ['multi', 'explicit-le', {}],
  ['multi', 'rle', {}],
  ['multi', 'jpeg-lossless-sv1', {}],
  ['multi', 'jpeg-ls', {}],
  ['multi', 'jpeg-2000', {}],
];

function frameValues(frame: DicomFrame): ArrayLike<number> {
  return frame.kind === 'grey' ? frame.stored : frame.rgb;
}

function psnr(a: ArrayLike<number>, b: ArrayLike<number>, peak: number): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}

describe('decoding every transfer syntax against the uncompressed original', () => {
  for (const [key, encoding, bound] of cases) {
    const src = sources[key];
    const tool = TOOL_FOR[encoding];
    const missing = missingTools.includes(tool) || missingTools.includes('dump2dcm');
    if (missing) console.warn(`skipping ${src.name} ${encoding}: ${tool} is not installed (Debian packages dcmtk, libgdcm-tools)`);
    it.skipIf(missing)(`${src.name} as ${encoding} ${bound.psnr ? `(PSNR ≥ ${bound.psnr} dB)` : '(exact)'}`, async () => {
      const img = openDicomImage(new Uint8Array(readFileSync(fixture(src, encoding))));
      expect(img.info.frames).toBe(src.frames);
      // Lossy colour is stored as YBR by the encoder; it decodes to RGB all the same.
      if (!bound.psnr || src.samples === 1) expect(img.info.photometric).toBe(src.photometric);
      expect(img.info.bitsStored).toBe(src.bitsStored);
      const perFrame = src.width * src.height * src.samples;
      for (let f = 0; f < src.frames; f++) {
        const frame = await img.decodeFrame(f);
        expect([frame.width, frame.height]).toEqual([src.width, src.height]);
        const got = frameValues(frame);
        const want = src.values.subarray(f * perFrame, (f + 1) * perFrame);
        expect(got.length).toBe(want.length);
        if (bound.psnr) {
          expect(psnr(got, want, 2 ** src.bitsStored - 1)).toBeGreaterThanOrEqual(bound.psnr);
        } else {
          // Exact: compare as plain arrays so a mismatch shows the first differing values.
          const diff = Array.from(want).findIndex((v, i) => got[i] !== v);
          expect(diff === -1 ? 'identical' : `pixel ${diff}: got ${got[diff]}, want ${want[diff]}`).toBe('identical');
        }
      }
    });
  }
});
