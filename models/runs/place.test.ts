import { describe, expect, it } from 'vitest';
import { embedRle, placeOnPage, regionProblem } from './place';

/** Column-major bitmap from an RLE, for checking. */
function decode(rle: { size: [number, number]; counts: number[] }): number[][] {
  const [h, w] = rle.size;
  const flat: number[] = [];
  rle.counts.forEach((n, i) => flat.push(...Array<number>(n).fill(i % 2)));
  expect(flat).toHaveLength(h * w);
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => flat[x * h + y]!));
}
function encode(rows: number[][]): { size: [number, number]; counts: number[] } {
  const h = rows.length;
  const w = rows[0]!.length;
  const counts: number[] = [];
  let v = 0;
  let n = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      if (rows[y]![x] === v) n++;
      else {
        counts.push(n);
        v = 1 - v;
        n = 1;
      }
    }
  }
  counts.push(n);
  return { size: [h, w], counts };
}

describe('embedRle', () => {
  it('puts the crop\'s mask at its place on the page, zeros elsewhere', () => {
    const crop = [
      [1, 0, 1],
      [1, 1, 0],
    ];
    const page = embedRle(encode(crop), { x: 2, y: 1, width: 3, height: 2 }, { width: 6, height: 4 });
    expect(decode(page)).toEqual([
      [0, 0, 0, 0, 0, 0],
      [0, 0, 1, 0, 1, 0],
      [0, 0, 1, 1, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  it('handles masks touching the page edges, full and empty masks', () => {
    const full = embedRle(encode([[1, 1], [1, 1]]), { x: 0, y: 0, width: 2, height: 2 }, { width: 2, height: 2 });
    expect(full.counts).toEqual([0, 4]);
    const empty = embedRle(encode([[0, 0]]), { x: 1, y: 1, width: 2, height: 1 }, { width: 3, height: 2 });
    expect(empty.counts).toEqual([6]);
    const corner = embedRle(encode([[1]]), { x: 2, y: 1, width: 1, height: 1 }, { width: 3, height: 2 });
    expect(decode(corner)).toEqual([[0, 0, 0], [0, 0, 1]]);
  });
});

describe('placeOnPage', () => {
  it('shifts boxes by the region and reports the page size', () => {
    const placed = placeOnPage({ kind: 'boxes', task: 'detect', width: 100, height: 50, warnings: [], objects: [{ label: 'a', box: [0, 0, 100, 50] }] }, { x: 10, y: 20, width: 100, height: 50 }, { width: 300, height: 200 });
    expect(placed).toEqual({ kind: 'boxes', task: 'detect', width: 300, height: 200, warnings: [], objects: [{ label: 'a', box: [10, 20, 110, 70] }] });
  });

  it('leaves results without boxes as they are', () => {
    const verdict = { kind: 'verdict' as const, text: 'true', answer: true, warnings: [] };
    expect(placeOnPage(verdict, { x: 1, y: 1, width: 8, height: 8 }, { width: 10, height: 10 })).toBe(verdict);
  });
});

describe('regionProblem', () => {
  it('refuses a region that leaves the page, naming both sizes', () => {
    expect(regionProblem({ x: 90, y: 0, width: 20, height: 10 }, { width: 100, height: 100 }, 'page 2 of scan.pdf')).toBe(
      'the region 20×10 at (90, 0) is not inside page 2 of scan.pdf, which is 100×100 px',
    );
    expect(regionProblem({ x: 80, y: 90, width: 20, height: 10 }, { width: 100, height: 100 }, 'p')).toBeNull();
  });
});
