import { describe, expect, it } from 'vitest';
import { squareToQuad, warpQuad, writeBgrHalfNorm } from './warp';
import type { Quad, RawImage } from './types';

function apply(H: number[], u: number, v: number): [number, number] {
  const w = H[6]! * u + H[7]! * v + H[8]!;
  return [(H[0]! * u + H[1]! * v + H[2]!) / w, (H[3]! * u + H[4]! * v + H[5]!) / w];
}

describe('squareToQuad', () => {
  it('maps the unit square corners onto a general quad', () => {
    const q: Quad = [[10, 5], [90, 12], [100, 60], [0, 50]];
    const H = squareToQuad(q);
    const corners: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
    corners.forEach(([u, v], i) => {
      const [x, y] = apply(H, u, v);
      expect(x).toBeCloseTo(q[i]![0], 6);
      expect(y).toBeCloseTo(q[i]![1], 6);
    });
  });
});

describe('warpQuad', () => {
  // Gradient image: R = x, G = y, B = 7.
  const W = 64, Hh = 32;
  const data = new Uint8Array(W * Hh * 3);
  for (let y = 0; y < Hh; y++) for (let x = 0; x < W; x++) data.set([x, y, 7], (y * W + x) * 3);
  const img: RawImage = { data, width: W, height: Hh, channels: 3 };

  it('copies an axis-aligned region pixel for pixel', () => {
    const out = warpQuad(img, [[10, 4], [30, 4], [30, 14], [10, 14]], 20, 10);
    expect(Array.from(out.slice(0, 3))).toEqual([10, 4, 7]);
    const last = (9 * 20 + 19) * 3;
    expect(Array.from(out.slice(last, last + 3))).toEqual([29, 13, 7]);
  });

  it('turns the crop when corners are relabelled (180°)', () => {
    const out = warpQuad(img, [[30, 14], [10, 14], [10, 4], [30, 4]], 20, 10);
    expect(Array.from(out.slice(0, 3))).toEqual([29, 13, 7]);
  });

  it('replicates borders outside the image', () => {
    const out = warpQuad(img, [[-10, -10], [0, -10], [0, 0], [-10, 0]], 2, 2);
    expect(Array.from(out.slice(0, 3))).toEqual([0, 0, 7]);
  });
});

describe('writeBgrHalfNorm', () => {
  it('writes BGR planes in [-1, 1] and leaves padding at 0', () => {
    const t = new Float32Array(3 * 2 * 1);
    writeBgrHalfNorm(t, 0, 2, 1, new Uint8Array([255, 0, 51]), 1);
    [51 / 127.5 - 1, 0, -1, 0, 1, 0].forEach((v, i) => expect(t[i]).toBeCloseTo(v, 6));
  });
});
