// Perspective crop of a text quad out of a raw RGB page. sharp (libvips) offers affine transforms
// only, which cannot map an arbitrary quadrilateral onto a rectangle, and round-tripping each of
// hundreds of crops through sharp would also cost more than sampling them here directly.
import type { Quad, RawImage } from './types';

/** 3×3 homography (row-major) mapping the unit square (0,0),(1,0),(1,1),(0,1) onto quad corners. */
export function squareToQuad(q: Quad): number[] {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
  const dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  if (Math.abs(sx) < 1e-9 && Math.abs(sy) < 1e-9) {
    // Parallelogram: the map is affine.
    return [x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0, 0, 1];
  }
  const den = dx1 * dy2 - dx2 * dy1;
  const g = den === 0 ? 0 : (sx * dy2 - dx2 * sy) / den;
  const h = den === 0 ? 0 : (dx1 * sy - sx * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

/**
 * Samples `quad` (tl, tr, br, bl — tl ends up top-left of the output) into an outW×outH RGB image.
 * Bilinear interpolation with replicated borders, like cv2.warpPerspective(BORDER_REPLICATE) in
 * PP-OCR; when the crop is shrunk, each output pixel averages a small grid of samples so thin
 * strokes do not alias away.
 */
export function warpQuad(img: RawImage, quad: Quad, outW: number, outH: number): Uint8Array {
  const out = new Uint8Array(outW * outH * 3);
  const H = squareToQuad(quad);
  const [a, b, c, d, e, f, g, h] = H as [number, number, number, number, number, number, number, number];
  const srcW = Math.max(Math.hypot(quad[1][0] - quad[0][0], quad[1][1] - quad[0][1]), 1);
  const srcH = Math.max(Math.hypot(quad[3][0] - quad[0][0], quad[3][1] - quad[0][1]), 1);
  const ssx = Math.min(4, Math.max(1, Math.ceil(srcW / outW)));
  const ssy = Math.min(4, Math.max(1, Math.ceil(srcH / outH)));
  const W = img.width, Hh = img.height, src = img.data;
  const maxX = W - 1, maxY = Hh - 1;
  const n = ssx * ssy;
  if (n === 1) {
    // One sample per output pixel (recognizer crops are enlarged): the same arithmetic as below in
    // the same order, with the column terms computed once per crop instead of once per pixel.
    const au = new Float64Array(outW), du = new Float64Array(outW), gu = new Float64Array(outW);
    for (let ox = 0; ox < outW; ox++) {
      const u = (ox + 0.5) / outW;
      au[ox] = a * u;
      du[ox] = d * u;
      gu[ox] = g * u;
    }
    // Rectangles (the detector's boxes) have g = h = 0, so w is exactly 1 and needs no division.
    const affine = g === 0 && h === 0;
    for (let oy = 0; oy < outH; oy++) {
      const v = (oy + 0.5) / outH;
      const bv = b * v, ev = e * v, hv = h * v;
      let o = oy * outW * 3;
      for (let ox = 0; ox < outW; ox++, o += 3) {
        let x = au[ox]! + bv + c;
        let y = du[ox]! + ev + f;
        if (!affine) {
          const w = gu[ox]! + hv + 1;
          x /= w;
          y /= w;
        }
        x -= 0.5;
        y -= 0.5;
        if (x < 0) x = 0; else if (x > maxX) x = maxX;
        if (y < 0) y = 0; else if (y > maxY) y = maxY;
        const x0 = Math.floor(x), y0 = Math.floor(y);
        const x1 = x0 < maxX ? x0 + 1 : x0, y1 = y0 < maxY ? y0 + 1 : y0;
        const fx = x - x0, fy = y - y0;
        const i00 = (y0 * W + x0) * 3, i10 = (y0 * W + x1) * 3, i01 = (y1 * W + x0) * 3, i11 = (y1 * W + x1) * 3;
        const w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
        out[o] = Math.round(src[i00]! * w00 + src[i10]! * w10 + src[i01]! * w01 + src[i11]! * w11);
        out[o + 1] = Math.round(src[i00 + 1]! * w00 + src[i10 + 1]! * w10 + src[i01 + 1]! * w01 + src[i11 + 1]! * w11);
        out[o + 2] = Math.round(src[i00 + 2]! * w00 + src[i10 + 2]! * w10 + src[i01 + 2]! * w01 + src[i11 + 2]! * w11);
      }
    }
    return out;
  }
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let r = 0, gg = 0, bb = 0;
      for (let sy = 0; sy < ssy; sy++) {
        const v = (oy + (sy + 0.5) / ssy) / outH;
        for (let sx = 0; sx < ssx; sx++) {
          const u = (ox + (sx + 0.5) / ssx) / outW;
          const w = g * u + h * v + 1;
          // Source pixel centres sit at integer + 0.5 in continuous coordinates.
          let x = (a * u + b * v + c) / w - 0.5;
          let y = (d * u + e * v + f) / w - 0.5;
          if (x < 0) x = 0; else if (x > maxX) x = maxX;
          if (y < 0) y = 0; else if (y > maxY) y = maxY;
          const x0 = Math.floor(x), y0 = Math.floor(y);
          const x1 = x0 < maxX ? x0 + 1 : x0, y1 = y0 < maxY ? y0 + 1 : y0;
          const fx = x - x0, fy = y - y0;
          const i00 = (y0 * W + x0) * 3, i10 = (y0 * W + x1) * 3, i01 = (y1 * W + x0) * 3, i11 = (y1 * W + x1) * 3;
          const w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
          r += src[i00]! * w00 + src[i10]! * w10 + src[i01]! * w01 + src[i11]! * w11;
          gg += src[i00 + 1]! * w00 + src[i10 + 1]! * w10 + src[i01 + 1]! * w01 + src[i11 + 1]! * w11;
          bb += src[i00 + 2]! * w00 + src[i10 + 2]! * w10 + src[i01 + 2]! * w01 + src[i11 + 2]! * w11;
        }
      }
      const o = (oy * outW + ox) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(gg / n);
      out[o + 2] = Math.round(bb / n);
    }
  }
  return out;
}

/**
 * Writes an RGB crop into a CHW float tensor slot as BGR (PP-OCR models were trained on OpenCV's
 * BGR images) normalised to [-1, 1]; columns past the crop stay 0, PP-OCR's padding value.
 */
export function writeBgrHalfNorm(dst: Float32Array, offset: number, tensorW: number, tensorH: number, rgb: Uint8Array, w: number): void {
  const plane = tensorW * tensorH;
  for (let y = 0; y < tensorH; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const t = offset + y * tensorW + x;
      dst[t] = rgb[s + 2]! / 127.5 - 1;
      dst[t + plane] = rgb[s + 1]! / 127.5 - 1;
      dst[t + 2 * plane] = rgb[s]! / 127.5 - 1;
    }
  }
}
