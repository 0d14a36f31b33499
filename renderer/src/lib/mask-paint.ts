// Colours and pixels for segmentation masks: each object its own hue, a translucent fill and an opaque outline, the
// highlighted object stronger and drawn last. Pure functions over RGBA arrays (ImageData's layout) plus one drawing
// routine that needs only the few canvas calls it uses, so the tests run without a browser.
import { decodeMaskRle, maskEdges, outlineThickness, type MaskBitmap, type MaskRleLike } from './mask-rle';

export type Rgb = [number, number, number];

/** Distinct hues for consecutive objects (golden-angle steps), saturated and mid-dark so they show on white paper. */
export function maskColor(index: number): Rgb {
  const hue = (index * 137.508) % 360;
  const s = 0.8, l = 0.45;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = hue / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

export interface MaskStyle { fillAlpha: number; edgeAlpha: number }

export const MASK_STYLE: MaskStyle = { fillAlpha: 0.3, edgeAlpha: 0.9 };
export const MASK_STYLE_HIGHLIGHTED: MaskStyle = { fillAlpha: 0.55, edgeAlpha: 1 };
/** Others fade a little while one is highlighted, so the highlighted one reads at a glance. */
export const MASK_STYLE_DIMMED: MaskStyle = { fillAlpha: 0.18, edgeAlpha: 0.6 };

/** The RGBA pixels (ImageData layout) of one mask's crop: fill inside, outline on the edge, transparent elsewhere. */
export function paintMask(m: MaskBitmap, edges: Uint8Array, color: Rgb, style: MaskStyle): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(m.width * m.height * 4);
  const fill = Math.round(style.fillAlpha * 255), edge = Math.round(style.edgeAlpha * 255);
  for (let i = 0; i < m.data.length; i++) {
    if (!m.data[i]) continue;
    out[i * 4] = color[0]; out[i * 4 + 1] = color[1]; out[i * 4 + 2] = color[2];
    out[i * 4 + 3] = edges[i] ? edge : fill;
  }
  return out;
}

export interface DecodedMask { index: number; bitmap: MaskBitmap; edges: Uint8Array; size: readonly [number, number] }

/** Decodes each non-null mask once (outline thickness from the page size); masks that are empty or malformed drop out. */
export function prepareMasks(masks: readonly ({ rle: MaskRleLike } | null)[]): DecodedMask[] {
  const out: DecodedMask[] = [];
  masks.forEach((m, index) => {
    if (!m) return;
    const bitmap = decodeMaskRle(m.rle);
    if (!bitmap) return;
    const [h, w] = m.rle.size;
    out.push({ index, bitmap, edges: maskEdges(bitmap, outlineThickness(w, h)), size: m.rle.size });
  });
  return out;
}

/** The canvas calls drawMasks makes (a CanvasRenderingContext2D has them all). */
export interface MaskTarget {
  clearRect(x: number, y: number, w: number, h: number): void;
  drawImage(image: CanvasImageSource, dx: number, dy: number, dw: number, dh: number): void;
  imageSmoothingEnabled: boolean;
}

/**
 * Draws the masks over a target of `width`×`height` pixels: each crop is painted into its own small canvas (made by
 * `scratch`) and composited with drawImage, so translucent fills of overlapping objects blend instead of replacing
 * each other (putImageData would replace). Masks made on a page of another size are scaled to the target. The
 * highlighted object is drawn last, on top, stronger; the others dimmed while one is highlighted.
 */
export function drawMasks(
  target: MaskTarget, width: number, height: number, decoded: readonly DecodedMask[], highlighted: number | null,
  scratch: (pixels: Uint8ClampedArray<ArrayBuffer>, w: number, h: number) => CanvasImageSource,
): number {
  target.clearRect(0, 0, width, height);
  target.imageSmoothingEnabled = false;
  const order = [...decoded].sort((a, b) => Number(a.index === highlighted) - Number(b.index === highlighted));
  let drawn = 0;
  for (const d of order) {
    const style = d.index === highlighted ? MASK_STYLE_HIGHLIGHTED : highlighted === null ? MASK_STYLE : MASK_STYLE_DIMMED;
    const [h, w] = d.size;
    const sx = width / w, sy = height / h;
    const b = d.bitmap;
    const img = scratch(paintMask(b, d.edges, maskColor(d.index), style), b.width, b.height);
    target.drawImage(img, b.x * sx, b.y * sy, b.width * sx, b.height * sy);
    drawn++;
  }
  return drawn;
}
