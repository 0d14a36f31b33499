import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../runtime/errors';
import { pillowResizeRgb } from './pillow-resize';
import { preprocessImage, resizeToRgb, rgbToPixels } from './preprocess';
import { testImagePng, testImageRgb, type TestImageKind } from './test-images';

/** Mean and max |sharp − Pillow| in [-1, 1] units. */
async function deviation(kind: TestImageKind, size: number): Promise<{ mean: number; max: number }> {
  const { rgb, width, height } = testImageRgb(kind);
  const ref = pillowResizeRgb(rgb, width, height, size, size);
  const out = (await resizeToRgb(await testImagePng(kind), size)).rgb;
  let sum = 0, max = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ref[i]! - out[i]!) / 127.5;
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / ref.length, max };
}

describe('preprocess', () => {
  // Bounds sit just above the figures measured with sharp 0.35.5 / libvips 8.18.7 (see preprocess.ts): a libvips change
  // that moves the resize away from Pillow's antialiased bicubic fails here.
  const bounds: Record<TestImageKind, { mean: number; max: number }> = {
    photo: { mean: 0.002, max: 0.06 },
    noise: { mean: 0.0045, max: 0.04 },
    text: { mean: 0.02, max: 0.15 },
    small: { mean: 0.0065, max: 0.18 },
  };
  for (const kind of Object.keys(bounds) as TestImageKind[]) {
    it(`sharp resize of "${kind}" stays within the measured deviation from Pillow`, async () => {
      const d = await deviation(kind, 224);
      expect(d.mean).toBeLessThan(bounds[kind].mean);
      expect(d.max).toBeLessThan(bounds[kind].max);
    });
  }

  it("resampler 'pillow' reproduces the Pillow reference exactly", async () => {
    const { rgb, width, height } = testImageRgb('text');
    const out = await resizeToRgb(await testImagePng('text'), 56, 'pillow');
    expect(Buffer.from(out.rgb).equals(Buffer.from(pillowResizeRgb(rgb, width, height, 56, 56)))).toBe(true);
  });

  it('writes NCHW planes in [-1, 1]: a pure red image gives R = 1, G = B = -1', async () => {
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
    const p = await preprocessImage(png, { size: 14 });
    const plane = 14 * 14;
    expect(p.pixels.length).toBe(3 * plane);
    expect(p.pixels.subarray(0, plane).every((v) => v === 1)).toBe(true);
    expect(p.pixels.subarray(plane).every((v) => v === -1)).toBe(true);
    expect([p.width, p.height]).toEqual([30, 20]);
  });

  it('applies the EXIF orientation before resizing', async () => {
    // Left half white, right half black, stored with orientation 6 (display = rotate 90° clockwise): after
    // orienting, the top half is white and the bottom half black, and the size is 20×30.
    const { rgb } = { rgb: new Uint8Array(30 * 20 * 3) };
    for (let y = 0; y < 20; y++) for (let x = 0; x < 15; x++) rgb.fill(255, (y * 30 + x) * 3, (y * 30 + x) * 3 + 3);
    const jpeg = await sharp(Buffer.from(rgb), { raw: { width: 30, height: 20, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const p = await preprocessImage(jpeg, { size: 10 });
    expect([p.width, p.height]).toEqual([20, 30]);
    const R = p.pixels.subarray(0, 100);
    expect(R[1 * 10 + 5]).toBeGreaterThan(0.9); // top row region: white
    expect(R[8 * 10 + 5]).toBeLessThan(-0.9); // bottom: black
  });

  it('turns grey and RGBA inputs into 3 planes (alpha dropped, not composited)', async () => {
    const grey = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 64, g: 64, b: 64 } } }).greyscale().png().toBuffer();
    const g = await preprocessImage(grey, { size: 4 });
    expect(g.pixels.length).toBe(48);
    expect(Math.abs(g.pixels[0]! - (64 / 127.5 - 1))).toBeLessThan(1e-6);
    const rgba = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0 } } }).png().toBuffer();
    const a = await preprocessImage(rgba, { size: 4 });
    expect(a.pixels[2 * 16]).toBe(1); // blue kept although fully transparent
  });

  it('rejects undecodable bytes with BAD_INPUT naming the input', async () => {
    const e = await preprocessImage(Buffer.from('not an image at all'), { size: 14 }).catch((x: unknown) => x);
    expect(isEngineError(e, 'BAD_INPUT')).toBe(true);
    expect(String((e as Error).message)).toMatch(/image buffer \(19 bytes\)/);
  });

  it('rgbToPixels checks its input length', () => {
    expect(() => rgbToPixels(new Uint8Array(5), 2)).toThrow(/expected 12 bytes/);
  });
});
