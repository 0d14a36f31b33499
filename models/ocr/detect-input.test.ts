import { describe, expect, it } from 'vitest';
import { detectionInput, detectionSize } from './detect-input';

const opts = { limitSideLen: 960, minShortSide: 48 };

describe('detectionSize', () => {
  it('keeps the aspect ratio with both sides multiples of 32', () => {
    const s = detectionSize(1275, 1650, opts);
    expect(s.height).toBe(960);
    expect(s.width % 32).toBe(0);
    expect(Math.abs(s.width / s.height - 1275 / 1650)).toBeLessThan(0.03);
  });
  it('never upscales a small page beyond rounding, and survives 1×1', () => {
    expect(detectionSize(300, 200, opts)).toEqual({ width: 288, height: 192 });
    expect(detectionSize(1, 1, opts)).toEqual({ width: 32, height: 32 });
  });
  it('keeps a 20000-px strip tall enough to read', () => {
    const s = detectionSize(20000, 60, opts);
    expect(s.height).toBe(64);
    expect(s.width).toBeGreaterThan(10000);
  });
});

describe('detectionInput', () => {
  it('normalises BGR planes with the ImageNet statistics', async () => {
    const data = new Uint8Array(32 * 32 * 3);
    for (let i = 0; i < data.length; i += 3) data.set([255, 0, 0], i); // pure red
    const t = await detectionInput({ data, width: 32, height: 32, channels: 3 }, { width: 32, height: 32 });
    const plane = 32 * 32;
    expect(t[0]).toBeCloseTo((0 - 0.485) / 0.229, 4); // B plane
    expect(t[2 * plane]).toBeCloseTo((1 - 0.406) / 0.225, 4); // R plane
  });
});
