// Plain-TypeScript reference of Pillow's `Image.resize(..., BICUBIC)` for 8-bit RGB (libImaging/Resample.c). It measures
// how far sharp's resize is from what the Hugging Face processor feeds PaliGemma (doc §3.1), so the deviation figures in
// preprocess.ts are measured, not assumed; at run time it is only the opt-in `resampler: 'pillow'` (exact parity,
// 8–15× slower than sharp on an A4 page).
//
// What Pillow does, and this reproduces:
// - separable: a horizontal pass into an 8-bit intermediate image, then a vertical pass;
// - bicubic kernel with a = -0.5 and support 2, stretched by the downscale factor (antialiasing) when shrinking;
// - sample centres at (i + 0.5)·scale, taps from trunc(centre − support + 0.5) to trunc(centre + support + 0.5),
//   clamped to the image, weights normalised to sum 1;
// - weights converted to 22-bit fixed point, accumulation started at one half, result shifted and clipped to 0..255.
// Checked once by hand against Pillow 9.4.0 (Debian python3-pil) on the four test images of test-images.ts resized to
// 224×224: byte-identical output (0 differing bytes). Pillow is not a test dependency; the unit tests check the kernel
// and a hand-computed case.

const PRECISION_BITS = 32 - 8 - 2;

export function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Coeffs { bounds: Int32Array; /** fixed-point weights, `ksize` per output sample */ k: Int32Array; ksize: number }

function precompute(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    // C casts truncate toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const v = bicubic((x + xmin - center + 0.5) * ss);
      w[x] = v;
      ww += v;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? w[x]! / ww : w[x]!;
      // Pillow rounds half away from zero when converting to fixed point.
      k[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, k, ksize };
}

function clip8(acc: number): number {
  const v = Math.floor(acc / 2 ** PRECISION_BITS);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** One separable pass over interleaved RGB bytes along x (`horizontal`) or y. */
function pass(src: Uint8Array, w: number, h: number, outW: number, outH: number, horizontal: boolean): Uint8Array {
  const c = precompute(horizontal ? w : h, horizontal ? outW : outH);
  const out = new Uint8Array(outW * outH * 3);
  const half = 2 ** (PRECISION_BITS - 1);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = horizontal ? x : y;
      const min = c.bounds[o * 2]!, n = c.bounds[o * 2 + 1]!;
      for (let ch = 0; ch < 3; ch++) {
        let acc = half;
        for (let t = 0; t < n; t++) {
          const sx = horizontal ? min + t : x;
          const sy = horizontal ? y : min + t;
          acc += src[(sy * w + sx) * 3 + ch]! * c.k[o * c.ksize + t]!;
        }
        out[(y * outW + x) * 3 + ch] = clip8(acc);
      }
    }
  }
  return out;
}

/** Resizes interleaved 8-bit RGB (w×h) to outW×outH like Pillow's BICUBIC (horizontal pass first, as Pillow). */
export function pillowResizeRgb(src: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  if (src.length !== w * h * 3) throw new Error(`pillowResizeRgb: expected ${w * h * 3} bytes for ${w}×${h} RGB, got ${src.length}`);
  // Pillow skips a pass whose size does not change.
  const horiz = outW !== w ? pass(src, w, h, outW, h, true) : src;
  return outH !== h ? pass(horiz, outW, h, outW, outH, false) : horiz;
}
