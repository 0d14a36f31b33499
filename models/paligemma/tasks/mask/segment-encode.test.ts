import { describe, expect, it } from 'vitest';
import { decodeMasks } from './decoder-ts';
import { encodeMasks } from './encoder-ts';
import { randomVaeEncoderWeights, randomVaeWeights } from './fixture';
import { objectMask, rleToBitmap, type CocoRle } from './mask';
import { cropRle, encodeSegments, encoderInput, resizeTriangle, rleIou } from './segment-encode';
import { parseBoxes } from '../parse';
import { serializeSegments } from '../serialize';

/** Column-major RLE of a row-major bitmap. */
function toRle(bits: Uint8Array, w: number, h: number): CocoRle {
  const counts: number[] = [];
  let v = 0, run = 0;
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) {
    const b = bits[y * w + x]!;
    if (b !== v) { counts.push(run); v = b; run = 0; }
    run++;
  }
  counts.push(run);
  return { size: [h, w], counts };
}

function ellipse(w: number, h: number, cx: number, cy: number, rx: number, ry: number): Uint8Array {
  const b = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1) b[y * w + x] = 1;
  return b;
}

describe('mask helpers', () => {
  const W = 120, H = 90;
  const bits = ellipse(W, H, 50, 40, 30, 20);
  const rle = toRle(bits, W, H);

  it('cropRle equals cutting the bitmap', () => {
    const crop = cropRle(rle, 15, 12, 90, 70);
    for (let y = 12; y < 70; y++) for (let x = 15; x < 90; x++) expect(crop[(y - 12) * 75 + (x - 15)]).toBe(bits[y * W + x]);
    expect(Array.from(rleToBitmap(rle))).toEqual(Array.from(bits));
  });

  it('rleIou equals the IoU counted on bitmaps', () => {
    const other = ellipse(W, H, 60, 45, 25, 25);
    let inter = 0, union = 0;
    bits.forEach((b, i) => { inter += b & other[i]!; union += b | other[i]!; });
    expect(rleIou(rle, toRle(other, W, H))).toBeCloseTo(inter / union, 12);
    expect(rleIou(rle, rle)).toBe(1);
    expect(() => rleIou(rle, { size: [1, 1], counts: [1] })).toThrow(/different sizes/);
  });

  it('resizeTriangle keeps constants, and interpolates half-pixel bilinearly when enlarging', () => {
    expect(Array.from(resizeTriangle(new Float32Array(12).fill(0.75), 4, 3, 64, 64)).every((v) => Math.abs(v - 0.75) < 1e-6)).toBe(true);
    // 2 → 4 along x: centres at 0.25, 0.75, 1.25, 1.75 input pixels → 0, 0.25, 0.75, 1 of the way from a to b.
    expect(Array.from(resizeTriangle(Float32Array.from([0, 1]), 2, 1, 4, 1))).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('encodeSegments: reviewed masks → loc + seg tokens (random VQ-VAE weights)', () => {
  const enc = randomVaeEncoderWeights({ seed: 5, embeddingDim: 64 });
  const dec = randomVaeWeights({ seed: 5, embeddingDim: 64 });
  const size = { width: 320, height: 240 };

  it('codes are the encoder\'s for the mask cropped to the box the bins describe; parse reads back bins and codes; IoU is measured', async () => {
    const a = ellipse(320, 240, 100, 80, 60, 40), b = ellipse(320, 240, 240, 170, 50, 50);
    const objects = [
      { label: 'blob', box: [40, 40, 160, 120] as [number, number, number, number], mask: toRle(a, 320, 240) },
      { label: 'ball', box: [190, 120, 290, 220] as [number, number, number, number], mask: toRle(b, 320, 240) },
    ];
    const encoded = await encodeSegments(objects, size, enc, async (codes) => decodeMasks(dec, codes));
    encoded.forEach((e, i) => {
      expect(e.codes).toEqual(encodeMasks(enc, [encoderInput(objects[i]!.mask, e.locs, size)])[0]);
      // The IoU is what it says: the reviewed mask against the mask its codes decode to.
      const decoded = objectMask(decodeMasks(dec, [e.codes])[0]!, parseBoxes('segment', serializeSegments([e]), size).objects[0]!.box, size);
      expect(e.iou).toBeCloseTo(rleIou(objects[i]!.mask, decoded.rle), 12);
      expect(e.iou).toBeGreaterThanOrEqual(0);
      expect(e.iou).toBeLessThanOrEqual(1);
    });
    const back = parseBoxes('segment', serializeSegments(encoded), size);
    expect(back.warnings).toEqual([]);
    back.objects.forEach((o, i) => {
      expect(o.label).toBe(objects[i]!.label);
      expect(o.seg).toEqual(encoded[i]!.codes);
      o.box.forEach((v, k) => expect(Math.abs(v - objects[i]!.box[k]!)).toBeLessThanOrEqual((k % 2 ? 240 : 320) / 1023 / 2 + 1e-9));
    });
  });

  it('the encoder input is the mask inside the box: a full box is ones (bar the edge row the decoder\'s truncation adds), a disjoint mask zeros', () => {
    const full = new Uint8Array(320 * 240);
    for (let y = 50; y < 150; y++) for (let x = 60; x < 200; x++) full[y * 320 + x] = 1;
    const rle = toRle(full, 320, 240);
    const inside = encoderInput(rle, [Math.round(50 / 240 * 1023), Math.round(60 / 320 * 1023), Math.round(150 / 240 * 1023), Math.round(200 / 320 * 1023)], size);
    // y0 = 213 bins reads back as 49.97 px, truncated to row 49, which is outside the mask: the top rows blend.
    expect(Math.min(...inside.slice(4 * 64))).toBeGreaterThan(0.999);
    expect(inside.reduce((a, b) => a + b, 0) / 4096).toBeGreaterThan(0.98);
    const outside = encoderInput(rle, [900, 900, 1000, 1000], size);
    expect(Math.max(...outside)).toBe(0);
  });

  it('refuses a mask of another image size and a box under one bin, naming the object', async () => {
    const m = { size: [10, 10] as [number, number], counts: [100] };
    await expect(encodeSegments([{ label: 'x', box: [0, 0, 50, 50], mask: m }], size, enc)).rejects.toThrow(/object 1 \(x\): its mask is 10×10, the image 320×240/);
    const ok = { size: [240, 320] as [number, number], counts: [320 * 240] };
    await expect(encodeSegments([{ label: 'thin', box: [10, 10, 10.1, 100], mask: ok }], size, enc)).rejects.toThrow(/object 1 \(thin\): .*under one bin/);
  });
});
