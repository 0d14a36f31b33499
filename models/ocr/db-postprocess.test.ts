import { describe, expect, it } from 'vitest';
import { boxScore, connectedComponents, dbPostprocess, DEFAULT_DETECTION } from './db-postprocess';

function map(width: number, height: number, rects: [number, number, number, number, number][]) {
  const data = new Float32Array(width * height).fill(0.05);
  for (const [x0, y0, x1, y1, p] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = p;
  return { data, width, height };
}

describe('connectedComponents', () => {
  it('separates blobs and keeps 8-connected diagonals together', () => {
    const w = 6, h = 4;
    const b = new Uint8Array(w * h);
    [0, 7, 14, 5, 11].forEach((i) => (b[i] = 1));
    const comps = connectedComponents(b, w, h);
    expect(comps.map((c) => c.length).sort()).toEqual([2, 3]);
  });
});

describe('dbPostprocess', () => {
  it('turns text kernels into unclipped boxes and drops weak ones', () => {
    const m = map(200, 100, [
      [20, 20, 120, 30, 0.9], // strong line kernel 100×10
      [20, 60, 120, 70, 0.4], // above thresh, below box_thresh
      [150, 80, 151, 81, 0.9], // a speck below min size
    ]);
    const boxes = dbPostprocess(m, DEFAULT_DETECTION);
    expect(boxes).toHaveLength(1);
    const [tl, tr, br] = boxes[0]!.quad;
    // Kernel spans pixel centres 20..119 × 20..29; unclip distance = 99*9*1.5/216 ≈ 6.2.
    expect(tl[0]).toBeCloseTo(20 - 6.2, 0);
    expect(tr[0]).toBeCloseTo(119 + 6.2, 0);
    expect(br[1] - tr[1]).toBeCloseTo(9 + 12.4, 0);
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
  });

  it('scores the mean probability inside the quad', () => {
    const m = map(10, 10, [[0, 0, 5, 10, 1]]);
    expect(boxScore(m, [[0, 0], [9, 0], [9, 9], [0, 9]])).toBeCloseTo(0.5 + 0.05 / 2, 5);
  });

  it('finds nothing on a blank map', () => {
    expect(dbPostprocess(map(64, 64, []), DEFAULT_DETECTION)).toEqual([]);
  });
});
