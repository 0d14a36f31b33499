// The mask decoder in plain TypeScript (float32), written for speed: every layer is one matrix product over the whole
// batch (im2col for the 3×3 convolutions, GEMM + col2im for the transposed ones), and the first three steps (codebook
// lookup, Conv 1×1, ReLU) are folded into one 128 × 128 table, exact because the 1×1 convolution acts on each grid
// cell alone. Activations are [C, B·H·W]: channel-major, the batch's images side by side, so the matrix products are
// wide even on the 4×4 grid.
import { CODES_PER_MASK, MASK_SIZE, NUM_CODES, TRUNK, type VaeWeights } from './vae-weights';

interface ResConv { w: Float32Array; b: Float32Array; k: number }

interface Prepared {
  /** relu(W0 · embedding[code] + b0) for each code: [128 codes, 128 channels]. */
  table: Float32Array;
  /** Residual blocks: weights already [out, in·k·k] (PyTorch layout flattened), biases. */
  res: [ResConv, ResConv, ResConv][];
  /** Transposed convs: weights re-laid as [out·16, in] for the GEMM, biases, channel counts. */
  up: { wt: Float32Array; b: Float32Array; cin: number; cout: number }[];
  head: { w: Float32Array; b: number };
}

const prepared = new WeakMap<VaeWeights, Prepared>();

function prepare(w: VaeWeights): Prepared {
  const hit = prepared.get(w);
  if (hit) return hit;
  const d = w.embeddingDim;
  const table = new Float32Array(NUM_CODES * TRUNK);
  for (let c = 0; c < NUM_CODES; c++) {
    for (let o = 0; o < TRUNK; o++) {
      let s = w.conv0.bias[o]!;
      for (let i = 0; i < d; i++) s += w.conv0.weight[o * d + i]! * w.embedding[c * d + i]!;
      table[c * TRUNK + o] = s > 0 ? s : 0;
    }
  }
  const res = w.resBlocks.map((blk) => blk.map((l): ResConv => ({ w: l.weight, b: l.bias, k: l.shape[2] })) as [ResConv, ResConv, ResConv]);
  const up = w.upsample.map((l) => {
    const [cin, cout] = l.shape;
    const wt = new Float32Array(cout * 16 * cin);
    for (let i = 0; i < cin; i++) {
      for (let o = 0; o < cout; o++) {
        for (let t = 0; t < 16; t++) wt[(o * 16 + t) * cin + i] = l.weight[(i * cout + o) * 16 + t]!;
      }
    }
    return { wt, b: l.bias, cin, cout };
  });
  const p: Prepared = { table, res, up, head: { w: w.head.weight, b: w.head.bias[0]! } };
  prepared.set(w, p);
  return p;
}

/**
 * C[M×N] += A[M×K] · B[K×N], row-major. Wide products (the 16×16…64×64 layers) stream rows of B with k unrolled by 4;
 * narrow ones (the 4×4 grid, N = 16 per object) transpose B once and take dot products, whose inner loop runs over K
 * (128…1152) instead of a 16-long row.
 */
function gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  if (n < 64) { gemmDot(a, b, c, m, k, n); return; }
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ci = i * n, ai = i * k;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[ai + p]!, a1 = a[ai + p + 1]!, a2 = a[ai + p + 2]!, a3 = a[ai + p + 3]!;
      const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) c[ci + j]! += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
    }
    for (; p < k; p++) {
      const av = a[ai + p]!, bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += av * b[bp + j]!;
    }
  }
}

function gemmDot(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  const bt = new Float32Array(n * k);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j]!;
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p = 0;
      for (; p < k4; p += 4) {
        s0 += a[ai + p]! * bt[bj + p]!;
        s1 += a[ai + p + 1]! * bt[bj + p + 1]!;
        s2 += a[ai + p + 2]! * bt[bj + p + 2]!;
        s3 += a[ai + p + 3]! * bt[bj + p + 3]!;
      }
      for (; p < k; p++) s0 += a[ai + p]! * bt[bj + p]!;
      c[i * n + j]! += s0 + s1 + s2 + s3;
    }
  }
}

function withBias(b: Float32Array, rows: number, n: number): Float32Array {
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) out.fill(b[r]!, r * n, (r + 1) * n);
  return out;
}

function reluInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
}

/** Conv2d k×k, stride 1, "same" padding, on [cin, batch·h·w]. */
function convSame(x: Float32Array, cin: number, batch: number, h: number, wd: number, wgt: Float32Array, bias: Float32Array, k: number): Float32Array {
  const cout = bias.length, p = h * wd, n = batch * p;
  const out = withBias(bias, cout, n);
  if (k === 1) { gemm(wgt, x, out, cout, cin, n); return out; }
  const pad = (k - 1) / 2;
  const cols = new Float32Array(cin * k * k * n);
  for (let i = 0; i < cin; i++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const row = ((i * k + ky) * k + kx) * n;
        for (let b = 0; b < batch; b++) {
          for (let y = 0; y < h; y++) {
            const sy = y + ky - pad;
            if (sy < 0 || sy >= h) continue;
            for (let xx = 0; xx < wd; xx++) {
              const sx = xx + kx - pad;
              if (sx >= 0 && sx < wd) cols[row + b * p + y * wd + xx] = x[i * n + b * p + sy * wd + sx]!;
            }
          }
        }
      }
    }
  }
  gemm(wgt, cols, out, cout, cin * k * k, n);
  return out;
}

/** ConvTranspose2d k=4, s=2, p=1 (h×w → 2h×2w) on [cin, batch·h·w]: GEMM to per-tap columns, then scatter (col2im). */
function upsample2x(x: Float32Array, batch: number, h: number, wd: number, l: Prepared['up'][number]): Float32Array {
  const pin = h * wd, nin = batch * pin;
  const oh = 2 * h, ow = 2 * wd, pout = oh * ow, nout = batch * pout;
  const cols = new Float32Array(l.cout * 16 * nin);
  gemm(l.wt, x, cols, l.cout * 16, l.cin, nin);
  const out = withBias(l.b, l.cout, nout);
  for (let o = 0; o < l.cout; o++) {
    for (let ky = 0; ky < 4; ky++) {
      for (let kx = 0; kx < 4; kx++) {
        const row = (o * 16 + ky * 4 + kx) * nin;
        for (let b = 0; b < batch; b++) {
          for (let iy = 0; iy < h; iy++) {
            const y = 2 * iy - 1 + ky;
            if (y < 0 || y >= oh) continue;
            const dst = o * nout + b * pout + y * ow - 1 + kx, src = row + b * pin + iy * wd;
            for (let ix = 0; ix < wd; ix++) {
              const xx = 2 * ix - 1 + kx;
              if (xx >= 0 && xx < ow) out[dst + 2 * ix]! += cols[src + ix]!;
            }
          }
        }
      }
    }
  }
  return out;
}

export function checkCodes(codes: readonly (readonly number[])[]): void {
  codes.forEach((c, i) => {
    if (c.length !== CODES_PER_MASK || c.some((v) => !Number.isInteger(v) || v < 0 || v >= NUM_CODES)) {
      throw new RangeError(`mask ${i}: expected ${CODES_PER_MASK} integer codebook indices in 0…${NUM_CODES - 1}, got [${c.join(', ')}]`);
    }
  });
}

/**
 * Decodes each object's 16 codebook indices (4×4, row-major) to its 64×64 mask logits (row-major float32; > 0 means
 * inside). Plain TypeScript, synchronous. Throws RangeError for codes outside 0…127 or a group not of 16.
 */
export function decodeMasks(weights: VaeWeights, codes: number[][]): Float32Array[] {
  checkCodes(codes);
  const batch = codes.length;
  if (batch === 0) return [];
  const p = prepare(weights);
  // Lookup + Conv 1×1 + ReLU from the table, laid out [128, batch·16].
  let n = batch * 16;
  let x: Float32Array = new Float32Array(TRUNK * n);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < 16; t++) {
      const row = codes[b]![t]! * TRUNK;
      for (let c = 0; c < TRUNK; c++) x[c * n + b * 16 + t] = p.table[row + c]!;
    }
  }
  for (const [c1, c2, c3] of p.res) {
    const y1 = convSame(x, TRUNK, batch, 4, 4, c1.w, c1.b, c1.k); reluInPlace(y1);
    const y2 = convSame(y1, TRUNK, batch, 4, 4, c2.w, c2.b, c2.k); reluInPlace(y2);
    const y3 = convSame(y2, TRUNK, batch, 4, 4, c3.w, c3.b, c3.k);
    for (let i = 0; i < y3.length; i++) y3[i]! += x[i]!;
    x = y3;
  }
  let side = 4;
  for (const l of p.up) {
    x = upsample2x(x, batch, side, side, l);
    reluInPlace(x);
    side *= 2;
  }
  n = batch * side * side;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const m = new Float32Array(MASK_SIZE * MASK_SIZE).fill(p.head.b);
    for (let c = 0; c < p.head.w.length; c++) {
      const wc = p.head.w[c]!, base = c * n + b * MASK_SIZE * MASK_SIZE;
      for (let i = 0; i < m.length; i++) m[i]! += wc * x[base + i]!;
    }
    out.push(m);
  }
  return out;
}
