import { describe, expect, it } from 'vitest';
import { encodeBmp16, encodeBmp24, encodeBmp32Bitfields, encodeBmpIndexed, encodeBmpRle4, encodeBmpRle8, wrapRleBmp } from '../../e2e/fixtures/bmp-writer';
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
    expect([...decodeBmp(encodeBmpIndexed(indices, W, H, palette)).data]).toEqual([...expectedFromPalette]);
    const topDown = encodeBmpIndexed(indices, W, H, palette, { topDown: true });
    expect(readBmpHeader(topDown).topDown).toBe(true);
    expect([...decodeBmp(topDown).data]).toEqual([...expectedFromPalette]);
  });

  it('decodes 4-bit and 1-bit palette', () => {
    expect([...decodeBmp(encodeBmpIndexed(indices, W, H, palette, { bpp: 4 })).data]).toEqual([...expectedFromPalette]);
    const bits = indices.map((i) => i & 1);
    const two: [number, number, number][] = [
      [0, 0, 0],
      [250, 240, 230],
    ];
    const expected = [...bits].flatMap((i) => two[i]!);
    expect([...decodeBmp(encodeBmpIndexed(bits, W, H, two, { bpp: 1 })).data]).toEqual(expected);
  });

  it('decodes 16-bit X1R5G5B5, scaling 5-bit channels to 0..255', () => {
    const out = decodeBmp(encodeBmp16(rgb, W, H)).data;
    const expected = [...rgb].map((v) => Math.round(((v >> 3) * 255) / 31));
    expect([...out]).toEqual(expected);
  });

  it('decodes RLE4', () => {
    const file = encodeBmpRle4(indices, W, H, palette);
    expect(readBmpHeader(file).compression).toBe(2);
    expect([...decodeBmp(file).data]).toEqual([...expectedFromPalette]);
  });

  it('decodes RLE8', () => {
    const file = encodeBmpRle8(indices, W, H, palette);
    expect(readBmpHeader(file).compression).toBe(1);
    expect([...decodeBmp(file).data]).toEqual([...expectedFromPalette]);
  });

  it('decodes RLE absolute runs and deltas; skipped pixels take palette entry 0', () => {
    const px = (i: number): number[] => palette[i]!;
    // 4×2, stored bottom row first.
    const rle8 = wrapRleBmp(
      [0, 3, 1, 2, 3, 0, /* absolute run of 3, padded */ 1, 2, /* one pixel of 2 */ 0, 0, /* end of line */
        0, 2, 2, 0, /* delta: skip 2 pixels */ 2, 1, /* two pixels of 1 */ 0, 1 /* end of bitmap */],
      4, 2, palette, 'rle8');
    expect([...decodeBmp(rle8).data]).toEqual([...px(0), ...px(0), ...px(1), ...px(1), ...px(1), ...px(2), ...px(3), ...px(2)]);
    const rle4 = wrapRleBmp([0, 3, 0x12, 0x30, 1, 0x22, 0, 0, 4, 0x31, 0, 1], 4, 2, palette, 'rle4');
    expect([...decodeBmp(rle4).data]).toEqual([...px(3), ...px(1), ...px(3), ...px(1), ...px(1), ...px(2), ...px(3), ...px(2)]);
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
