import { describe, expect, it } from 'vitest';
import { bicubic, pillowResizeRgb } from './pillow-resize';

const gray = (vals: number[]) => Uint8Array.from(vals.flatMap((v) => [v, v, v]));
const red = (rgb: Uint8Array) => [...rgb].filter((_, i) => i % 3 === 0);

describe('Pillow bicubic reference', () => {
  it('kernel is Keys a = -0.5: 1 at 0, 0 at integers, −0.0625·… at 1.5', () => {
    expect(bicubic(0)).toBe(1);
    expect(bicubic(1) + 0).toBe(0);
    expect(bicubic(2) + 0).toBe(0);
    // a(x³ − 5x² + 8x − 4) at x = 1.5 with a = −0.5: −0.5·(3.375 − 11.25 + 12 − 4) = −0.0625
    expect(bicubic(1.5)).toBeCloseTo(-0.0625, 12);
    expect(bicubic(0.5)).toBeCloseTo(0.5625, 12);
  });

  it('same size is the identity; a constant image stays constant under any resize', () => {
    const src = gray([3, 200, 17, 90]);
    expect(pillowResizeRgb(src, 4, 1, 4, 1)).toEqual(src);
    const flat = new Uint8Array(37 * 23 * 3).fill(131);
    expect(new Set(pillowResizeRgb(flat, 37, 23, 11, 50))).toEqual(new Set([131]));
  });

  it('2× downscale of a step uses the widened kernel (support 4 input pixels), by hand', () => {
    // 8 px [0,0,0,0,255,255,255,255] → 4. Output 1: centre 3, taps x = 0..6 at distances (x + 0.5 − 3)/2:
    // weights bicubic(−1.25, −0.75, −0.25, 0.25, 0.75, 1.25, 1.75) — sum of those on the 255 side over the total.
    const w = [-1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 1.75].map(bicubic);
    const total = w.reduce((a, b) => a + b, 0);
    const expected = Math.round((255 * (w[4]! + w[5]! + w[6]!)) / total);
    const out = red(pillowResizeRgb(gray([0, 0, 0, 0, 255, 255, 255, 255]), 8, 1, 4, 1));
    expect(out[1]).toBe(expected);
    expect(out[0]).toBe(0);
    expect(out[3]).toBe(255);
  });
});
