// Deterministic synthetic test images (PNG bytes) for preprocessing tests: no binary fixtures in the repo, and each
// image stresses a different part of a resampler (smooth content, full-band noise, thin high-contrast strokes under a
// large downscale, and an upscale).
import sharp from 'sharp';
import { seededRandom as rng } from '../runtime/sampler';

export type TestImageKind = 'photo' | 'noise' | 'text' | 'small';
export const TEST_IMAGE_SIZES: Record<TestImageKind, [number, number]> = {
  photo: [640, 480], noise: [300, 200], text: [1200, 1600], small: [90, 60],
};

export function testImageRgb(kind: TestImageKind, seed = 1): { rgb: Uint8Array; width: number; height: number } {
  const [w, h] = TEST_IMAGE_SIZES[kind];
  const r = rng(seed);
  const rgb = new Uint8Array(w * h * 3);
  const circles = Array.from({ length: 6 }, () => ({ x: r() * w, y: r() * h, rad: 20 + r() * w / 4, c: [r() * 255, r() * 255, r() * 255] }));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        let v: number;
        if (kind === 'noise' || kind === 'small') v = r() * 255;
        else if (kind === 'text') {
          // Rows of 2-px strokes and 1-px gaps, like small print on a scanned page.
          const inLine = y % 40 < 14;
          v = inLine && (x % 7 < 2 || (y % 40) % 5 === 0) && (x % 97) < 80 ? 20 : 245;
        } else {
          v = 128 + 100 * Math.sin(x / 37 + c) * Math.cos(y / 53 - c);
          for (const ci of circles) if ((x - ci.x) ** 2 + (y - ci.y) ** 2 < ci.rad ** 2) v = ci.c[c]!;
          v += (r() - 0.5) * 12;
        }
        rgb[o + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { rgb, width: w, height: h };
}

export async function testImagePng(kind: TestImageKind, seed = 1): Promise<Buffer> {
  const { rgb, width, height } = testImageRgb(kind, seed);
  return sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } }).png().toBuffer();
}
