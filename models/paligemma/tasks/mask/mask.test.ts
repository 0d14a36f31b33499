import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locToPixels } from '../parse';
import { boxEdgeToPixel, cocoStringToCounts, objectMask, rleToBitmap, rleToCocoString, type PixelBox } from './mask';

interface GoldenCase { box: PixelBox; width: number; height: number; counts: number[]; area: number }
const golden = JSON.parse(readFileSync(join(__dirname, 'testdata', 'pillow-masks.json'), 'utf8')) as { pillow: string; logits: number[]; cases: GoldenCase[] };
const logits = Float32Array.from(golden.logits);

/** A 64×64 map that is > 0 exactly on the left half (x < 32). */
const leftHalf = Float32Array.from({ length: 4096 }, (_, i) => (i % 64 < 32 ? 1 : -1));

describe(`objectMask against Pillow ${golden.pillow} (testdata/make-golden.py: big_vision's evaluator steps)`, () => {
  for (const c of golden.cases) {
    it(`box [${c.box.join(', ')}] in a ${c.width}×${c.height} image`, () => {
      const m = objectMask(logits, c.box, { width: c.width, height: c.height });
      expect(m.rle.size).toEqual([c.height, c.width]);
      expect(m.area).toBe(c.area);
      expect(m.rle.counts).toEqual(c.counts);
    });
  }
});

describe('objectMask', () => {
  it('puts the mask in the box on a non-square image, column-major, starting with zeros', () => {
    // 10 wide, 4 tall; box x 2…6, y 1…3: the left half of the box (x 2, 3) is inside.
    const m = objectMask(leftHalf, [2, 1, 6, 3], { width: 10, height: 4 });
    const bm = rleToBitmap(m.rle);
    const rows = Array.from({ length: 4 }, (_, y) => Array.from(bm.subarray(y * 10, y * 10 + 10)).join(''));
    expect(rows).toEqual(['0000000000', '0011000000', '0011000000', '0000000000']);
    expect(m.area).toBe(4);
    // Columns 0,1 (8 zeros) + column 2's top pixel → 9 zeros, then 2 ones, 2 zeros (bottom of col 2, top of col 3), 2 ones.
    expect(m.rle.counts).toEqual([9, 2, 2, 2, 25]);
  });

  it('a box from <loc1023> reaches the last column and row (parse.ts bins, no ulp loss)', () => {
    for (const [w, h] of [[640, 480], [1000, 3], [2480, 3508], [7, 1023]] as const) {
      const box = locToPixels([0, 0, 1023, 1023], { width: w, height: h });
      expect(box.map(boxEdgeToPixel)).toEqual([0, 0, w, h]);
      const m = objectMask(new Float32Array(4096).fill(1), box, { width: w, height: h });
      expect(m.area).toBe(w * h);
      expect(m.rle.counts).toEqual([0, w * h]);
    }
  });

  it('empty masks: all-negative logits, a box thinner than a pixel, a box outside the image', () => {
    const size = { width: 30, height: 20 };
    const neg = new Float32Array(4096).fill(-0.5);
    for (const [logitsMap, box] of [[neg, [1, 1, 20, 10]], [leftHalf, [5, 5, 5.9, 15]], [leftHalf, [40, 0, 60, 10]], [leftHalf, [0, -30, 10, -1]]] as const) {
      const m = objectMask(logitsMap, box as PixelBox, size);
      expect(m.area).toBe(0);
      expect(m.rle).toEqual({ size: [20, 30], counts: [600] });
    }
  });

  it('zero logits are outside (threshold is > 0, as big_vision)', () => {
    expect(objectMask(new Float32Array(4096), [0, 0, 8, 8], { width: 8, height: 8 }).area).toBe(0);
  });

  it('a box far larger than the image costs only the visible pixels', () => {
    const t = performance.now();
    const m = objectMask(leftHalf, [-1e6, -1e6, 1e6, 1e6], { width: 50, height: 40 });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(m.rle.counts.reduce((a, b) => a + b, 0)).toBe(2000);
  });

  it('refuses malformed input with a clear message', () => {
    expect(() => objectMask(leftHalf, [0, 0, 1, 1], { width: 0, height: 5 })).toThrow('image size 0×5: expected positive integers');
    expect(() => objectMask(new Float32Array(10), [0, 0, 1, 1], { width: 5, height: 5 })).toThrow(/expected 4096 values/);
    expect(() => objectMask(leftHalf, [0, NaN, 1, 1], { width: 5, height: 5 })).toThrow(/box \[0, NaN, 1, 1\]/);
  });
});

describe('COCO RLE helpers', () => {
  it('rleToBitmap checks the counts cover the image', () => {
    expect(() => rleToBitmap({ size: [2, 2], counts: [1, 2] })).toThrow('RLE counts cover 3 pixels, the 2×2 image has 4');
    expect(() => rleToBitmap({ size: [2, 2], counts: [3, 3] })).toThrow(/cover more than/);
    // 2 tall, 3 wide; column-major pixels 1 and 2 are (y 1, x 0) and (y 0, x 1).
    expect(Array.from(rleToBitmap({ size: [2, 3], counts: [1, 2, 3] }))).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it("rleToCocoString writes pycocotools' compressed string (hand-encoded example, incl. a negative delta)", () => {
    // 10 → ":", 20 → "d0" (bit 4 set, so a continuation carries the sign), 5 → "5", 2 − 20 = −18 → "^O".
    expect(rleToCocoString({ size: [1, 37], counts: [10, 20, 5, 2] })).toBe(':d05^O');
    expect(rleToCocoString({ size: [1, 40], counts: [40] })).toBe('X1');
    expect(cocoStringToCounts(':d05^O')).toEqual([10, 20, 5, 2]);
  });

  it('round-trips the golden masks through the string form', () => {
    for (const c of golden.cases) {
      const s = rleToCocoString({ size: [c.height, c.width], counts: c.counts });
      expect(cocoStringToCounts(s)).toEqual(c.counts);
    }
    expect(cocoStringToCounts(rleToCocoString({ size: [1, 1], counts: [123456789, 987654321, 5] }))).toEqual([123456789, 987654321, 5]);
    expect(() => cocoStringToCounts('X')).toThrow(/ends inside a count/);
  });
});
