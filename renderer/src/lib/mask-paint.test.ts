import { describe, expect, it } from 'vitest';
import { drawMasks, maskColor, MASK_STYLE, MASK_STYLE_DIMMED, MASK_STYLE_HIGHLIGHTED, paintMask, prepareMasks, type MaskTarget } from './mask-paint';
import { decodeMaskRle, maskEdges } from './mask-rle';

describe('maskColor', () => {
  it('gives neighbouring objects clearly different colours', () => {
    const colors = Array.from({ length: 8 }, (_, i) => maskColor(i));
    for (let i = 0; i < colors.length; i++) {
      for (let j = i + 1; j < colors.length; j++) {
        const d = Math.hypot(...colors[i]!.map((c, k) => c - colors[j]![k]!));
        expect(d, `colours ${i} and ${j}`).toBeGreaterThan(40);
      }
    }
    for (const c of colors) for (const v of c) expect(v >= 0 && v <= 255 && Number.isInteger(v)).toBe(true);
  });
});

describe('paintMask', () => {
  it('fills inside pixels translucently, outlines opaquely, leaves the rest transparent', () => {
    // 3×3 block in a 5×5 page: the centre is fill, the ring edge.
    const m = decodeMaskRle({ size: [5, 5], counts: [6, 3, 2, 3, 2, 3, 6] })!;
    const px = paintMask(m, maskEdges(m, 1), [10, 20, 30], { fillAlpha: 0.5, edgeAlpha: 1 });
    expect(px.length).toBe(3 * 3 * 4);
    expect(Array.from(px.subarray(16, 20))).toEqual([10, 20, 30, 128]); // centre
    expect(Array.from(px.subarray(0, 4))).toEqual([10, 20, 30, 255]); // corner of the ring
    const hole = decodeMaskRle({ size: [1, 3], counts: [0, 1, 1, 1] })!;
    expect(Array.from(paintMask(hole, maskEdges(hole), [1, 2, 3], MASK_STYLE).subarray(4, 8))).toEqual([0, 0, 0, 0]);
  });
});

describe('drawMasks', () => {
  function fakeTarget() {
    const calls: { op: string; args: unknown[] }[] = [];
    const t: MaskTarget = {
      imageSmoothingEnabled: true,
      clearRect: (...args) => { calls.push({ op: 'clear', args }); },
      drawImage: (...args) => { calls.push({ op: 'draw', args: args.slice(1) }); },
    };
    return { t, calls };
  }
  const masks = [
    { rle: { size: [10, 20] as [number, number], counts: [22, 3, 7, 3, 165] }, area: 6 }, // 2 columns × 3 rows at (2, 2)
    null,
    { rle: { size: [10, 20] as [number, number], counts: [200] }, area: 0 }, // empty: nothing to draw
    { rle: { size: [10, 20] as [number, number], counts: [150, 10, 40] }, area: 10 }, // column 15
  ];

  it('draws every non-empty mask at its crop, scaled to the canvas, without smoothing', () => {
    const { t, calls } = fakeTarget();
    const styles: number[] = [];
    const n = drawMasks(t, 40, 20, prepareMasks(masks), null, (px) => { styles.push(Math.max(...px.filter((_, i) => i % 4 === 3))); return {} as CanvasImageSource; });
    expect(n).toBe(2);
    expect(t.imageSmoothingEnabled).toBe(false);
    expect(calls).toEqual([
      { op: 'clear', args: [0, 0, 40, 20] },
      { op: 'draw', args: [4, 4, 4, 6] },
      { op: 'draw', args: [30, 0, 2, 20] },
    ]);
    expect(styles).toEqual([Math.round(MASK_STYLE.edgeAlpha * 255), Math.round(MASK_STYLE.edgeAlpha * 255)]);
  });

  it('draws the highlighted object last and stronger, the others dimmed', () => {
    const { t, calls } = fakeTarget();
    const fills: number[] = [];
    drawMasks(t, 20, 10, prepareMasks(masks), 0, (px) => {
      const alphas = px.filter((_, i) => i % 4 === 3 && px[i]! > 0);
      fills.push(Math.min(...alphas));
      return {} as CanvasImageSource;
    });
    expect(calls.slice(1).map((c) => c.args)).toEqual([[15, 0, 1, 10], [2, 2, 2, 3]]);
    // Mask 3 (one column) is all outline; mask 0 (2×3) too: compare the edge alpha used.
    expect(fills).toEqual([Math.round(MASK_STYLE_DIMMED.edgeAlpha * 255), Math.round(MASK_STYLE_HIGHLIGHTED.edgeAlpha * 255)]);
  });
});
