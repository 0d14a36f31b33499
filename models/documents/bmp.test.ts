import { describe, expect, it } from 'vitest';
import { encodeBmp24, encodeBmp32Bitfields, encodeBmp8, encodeBmpRle8 } from '../../e2e/fixtures/bmp-writer';
import { BmpError, decodeBmp, readBmpHeader } from './bmp';

// 5×3 image with a distinct colour per pixel; 5 px rows exercise row padding.
const W = 5;
const H = 3;
const rgb = new Uint8Array(W * H * 3);
for (let i = 0; i < W * H; i++) {
  rgb[i * 3] = i * 17;
  rgb[i * 3 + 1] = 255 - i * 13;
  rgb[i * 3 + 2] = (i * 53) & 0xff;
}
const palette: [number, number, number][] = [
  [255, 255, 255],
  [200, 0, 0],
  [0, 150, 0],
  [0, 0, 100],
];
const indices = Uint8Array.from([0, 1, 1, 1, 2, 3, 3, 0, 0, 0, 2, 2, 2, 2, 1]);
const expectedFromPalette = Uint8Array.from([...indices].flatMap((i) => palette[i]!));

describe('BMP decoder', () => {
  it('decodes 24-bit bottom-up with row padding', () => {
    const out = decodeBmp(encodeBmp24(rgb, W, H));
    expect(out.width).toBe(W);
    expect(out.height).toBe(H);
    expect([...out.data]).toEqual([...rgb]);
  });

  it('decodes 8-bit palette, bottom-up and top-down', () => {
    expect([...decodeBmp(encodeBmp8(indices, W, H, palette)).data]).toEqual([...expectedFromPalette]);
    const topDown = encodeBmp8(indices, W, H, palette, true);
    expect(readBmpHeader(topDown).topDown).toBe(true);
    expect([...decodeBmp(topDown).data]).toEqual([...expectedFromPalette]);
  });

  it('decodes RLE8', () => {
    const file = encodeBmpRle8(indices, W, H, palette);
    expect(readBmpHeader(file).compression).toBe(1);
    expect([...decodeBmp(file).data]).toEqual([...expectedFromPalette]);
  });

  it('decodes 32-bit BI_BITFIELDS', () => {
    expect([...decodeBmp(encodeBmp32Bitfields(rgb, W, H)).data]).toEqual([...rgb]);
  });

  it('rejects truncated pixel data and nonsense headers', () => {
    const full = encodeBmp24(rgb, W, H);
    expect(() => decodeBmp(full.subarray(0, full.length - 10))).toThrow(BmpError);
    const rle = encodeBmpRle8(indices, W, H, palette);
    expect(() => decodeBmp(rle.subarray(0, rle.length - 6))).toThrow(/truncated/);
    const bad = Buffer.from(full);
    bad.writeUInt16LE(7, 28); // 7 bits per pixel does not exist
    expect(() => readBmpHeader(bad)).toThrow(/bit depth 7/);
    const huge = Buffer.from(full);
    huge.writeInt32LE(100_000, 18);
    huge.writeInt32LE(100_000, 22);
    expect(() => readBmpHeader(huge)).toThrow(/too large/);
  });
});
