import { describe, expect, it } from 'vitest';
import { decodeMaskRle, maskEdges, outlineThickness, type MaskBitmap } from './mask-rle';

/** Column-major COCO counts of a row-major 0/1 picture (what main sends), written independently of the decoder. */
function encode(rows: string[]): { size: [number, number]; counts: number[] } {
  const h = rows.length, w = rows[0]!.length;
  const counts: number[] = [];
  let value = '0', run = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const v = rows[y]![x]!;
      if (v === value) run++;
      else { counts.push(run); value = v; run = 1; }
    }
  }
  counts.push(run);
  return { size: [h, w], counts };
}

const picture = (m: MaskBitmap, data = m.data): string[] =>
  Array.from({ length: m.height }, (_, y) => Array.from(data.subarray(y * m.width, (y + 1) * m.width)).join(''));

describe('decodeMaskRle', () => {
  it('crops a non-square page mask to its bounding box, row-major', () => {
    const rows = [
      '00000000',
      '00110000',
      '00111100',
      '00000100',
      '00000000',
    ];
    const m = decodeMaskRle(encode(rows))!;
    expect([m.x, m.y, m.width, m.height, m.area]).toEqual([2, 1, 4, 3, 7]);
    expect(picture(m)).toEqual(['1100', '1111', '0001']);
  });

  it('runs that wrap from one column to the next (a mask touching the top and bottom edges)', () => {
    const rows = ['011', '011', '001'];
    const rle = encode(rows);
    expect(rle.counts).toEqual([3, 2, 1, 3]);
    const m = decodeMaskRle(rle)!;
    expect([m.x, m.y, m.width, m.height]).toEqual([1, 0, 2, 3]);
    expect(picture(m)).toEqual(['11', '11', '01']);
  });

  it('a counts list starting with a zero-length run (mask at the top-left pixel)', () => {
    const m = decodeMaskRle({ size: [2, 2], counts: [0, 1, 3] })!;
    expect([m.x, m.y, m.width, m.height, m.area]).toEqual([0, 0, 1, 1, 1]);
  });

  it('empty and malformed masks give null, never an exception', () => {
    expect(decodeMaskRle({ size: [3, 4], counts: [12] })).toBeNull();
    expect(decodeMaskRle({ size: [3, 4], counts: [5, 0, 7] })).toBeNull();
    expect(decodeMaskRle({ size: [3, 4], counts: [5, 2] })).toBeNull();
    expect(decodeMaskRle({ size: [3, 4], counts: [5, -2, 9] })).toBeNull();
    expect(decodeMaskRle({ size: [3, 4], counts: [5.5, 6.5] })).toBeNull();
    expect(decodeMaskRle({ size: [0, 4], counts: [0] })).toBeNull();
  });
});

describe('maskEdges', () => {
  const m = decodeMaskRle(encode(['0000000', '0111110', '0111110', '0111110', '0111110', '0000000']))!;

  it('one pixel deep: the ring of inside pixels next to outside ones', () => {
    expect(picture(m, maskEdges(m, 1))).toEqual(['11111', '10001', '10001', '11111']);
  });

  it('two pixels deep', () => {
    expect(picture(m, maskEdges(m, 2))).toEqual(['11111', '11111', '11111', '11111']);
  });

  it('outline thickness grows with the page, within 1…6 px', () => {
    expect(outlineThickness(200, 300)).toBe(1);
    expect(outlineThickness(2480, 3508)).toBe(5);
    expect(outlineThickness(20000, 30000)).toBe(6);
  });
});
