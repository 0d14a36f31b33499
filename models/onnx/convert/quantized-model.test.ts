import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../config';
import { writeFixture } from '../fixture';
import { decoderForward } from '../reference/gemma';
import { buildEmbeds } from '../reference/paligemma';
import { visionForward } from '../reference/siglip';
import { loadRefWeights, type RefWeights } from '../reference/weights';
import { Rng } from '../rng';
import { convertCheckpoint, type Compute } from './convert';
import { dequantizedRefWeights } from './dequant-ref';
import type { WeightDtype } from './quant';
import { emptyCache, maxAbsDiff, openSession, runDecoder, runEmbed, runVision } from './session';

const root = mkdtempSync(join(tmpdir(), 'paliscope-quant-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let spec: ModelSpec, w: RefWeights;
const ck = join(root, 'ck');
beforeAll(async () => {
  spec = writeFixture({ preset: 'tiny', outDir: ck, seed: 21 }).spec;
  w = await loadRefWeights(ck);
});

const px = new Rng(1).fillUniform(new Float32Array(3 * 56 * 56), 0.5);
function ids(m: ModelSpec): number[] { return [...Array(m.numImageTokens).fill(m.imageTokenIndex), 2, 480, 500, 108, 300, 301, 302]; }
const PREFIX = 20;

async function onnxLogits(dir: string, level: 'basic' | 'all'): Promise<{ feats: Float32Array; logits: Float32Array }> {
  const x = ids(spec), d = spec.text.hidden;
  const feats = await runVision(await openSession(join(dir, 'vision_encoder.onnx'), level), px, spec.vision.imageSize);
  const e = await runEmbed(await openSession(join(dir, 'embed_tokens.onnx'), level), x);
  x.forEach((id, i) => { if (id === spec.imageTokenIndex) e.set(feats.subarray(i * d, (i + 1) * d), i * d); });
  const r = await runDecoder(await openSession(join(dir, 'decoder.onnx'), level), spec, {
    embeds: e, positions: x.map((_, i) => i + 1), cache: emptyCache(spec), prefixLength: PREFIX, logitsIndex: x.map((_, i) => i),
  });
  return { feats, logits: r.logits };
}
function refLogits(rw: RefWeights): { feats: Float64Array; logits: Float64Array } {
  const x = ids(spec);
  const feats = visionForward(rw, spec, Float64Array.from(px));
  return { feats, logits: decoderForward(rw, spec, buildEmbeds(rw, spec, x, feats), x.map((_, i) => i + 1), PREFIX).logits };
}
function top1Agreement(a: ArrayLike<number>, b: ArrayLike<number>, V: number): number {
  let agree = 0;
  for (let r = 0; r < a.length / V; r++) {
    let ia = 0, ib = 0;
    for (let k = 1; k < V; k++) { if (a[r * V + k]! > a[r * V + ia]!) ia = k; if (b[r * V + k]! > b[r * V + ib]!) ib = k; }
    if (ia === ib) agree++;
  }
  return agree / (a.length / V);
}

const CASES: { dtype: WeightDtype; block: number; maxLogitDev: number; compute?: Compute; int8Kernel?: 'dequantize' | 'dynamic' }[] = [
  // Bounds on the deviation from the fp32 graph. Measured on this fixture (PALISCOPE_REPORT=1 prints them): fp16
  // 7.0e-3, int8 0.15 (incl. onnxruntime's fused activation quantization), q4 1.84 (block 32) / 1.55 (block 64) on
  // logits soft-capped at ±3 — 4-bit uniform random weights in 64-wide layers are a harsh case.
  { dtype: 'fp16', block: 32, maxLogitDev: 0.05 },
  { dtype: 'int8', block: 32, maxLogitDev: 0.8, int8Kernel: 'dequantize' },
  // DynamicQuantizeMatMul (the paliscope layout's int8 default) quantizes the activations per tensor on every call,
  // at every optimisation level: bounded against the dequantized-weight reference like q4 fast.
  { dtype: 'int8', block: 32, maxLogitDev: 0.8, int8Kernel: 'dynamic' },
  { dtype: 'q4', block: 32, maxLogitDev: 3, compute: 'precise' },
  { dtype: 'q4', block: 64, maxLogitDev: 3, compute: 'precise' },
  // accuracy_level 4: onnxruntime quantizes the activations to int8 per block, so the graph no longer equals the
  // reference on the dequantized weights; the extra error is bounded (measured here: see the report line).
  { dtype: 'q4', block: 32, maxLogitDev: 3, compute: 'fast' },
];
/** Extra error of int8 activations over the dequantized-weight reference (q4 fast); measured 0.105 on this fixture. */
const FAST_MAX_DEV = 0.3;

describe('quantized conversions (tiny PG2)', () => {
  let fp32: { feats: Float32Array; logits: Float32Array };
  beforeAll(async () => {
    await convertCheckpoint({ checkpointDir: ck, outDir: join(root, 'fp32') });
    fp32 = await onnxLogits(join(root, 'fp32'), 'all');
  });
  for (const c of CASES) {
    const name = `${c.dtype}${c.dtype === 'q4' ? ` block ${c.block} ${c.compute}` : ` ${c.int8Kernel ?? ''}`}`;
    const quantizedActivations = c.compute === 'fast' || c.int8Kernel === 'dynamic';
    const claim = quantizedActivations ? 'within a bound of the reference on dequantized weights (int8 activations)' : 'equals the reference on dequantized weights';
    it(`${name}: ${claim}; deviation from fp32 bounded`, async () => {
      const out = join(root, `${c.dtype}-${c.block}-${c.compute ?? ''}-${c.int8Kernel ?? ''}`);
      await convertCheckpoint({ checkpointDir: ck, outDir: out, dtype: c.dtype, q4Block: c.block, compute: c.compute, int8Kernel: c.int8Kernel });
      // 'basic' keeps DequantizeLinear unfused, so the int8 graph computes exactly with the dequantized weights.
      const exact = await onnxLogits(out, 'basic');
      const ref = refLogits(dequantizedRefWeights(w, spec, c.dtype, c.block));
      if (quantizedActivations) {
        const devRef = Math.max(maxAbsDiff(exact.feats, ref.feats), maxAbsDiff(exact.logits, ref.logits));
        if (process.env.PALISCOPE_REPORT) process.stdout.write(`${name}: max |Δ| vs dequantized reference ${devRef.toExponential(2)}\n`);
        expect(devRef).toBeGreaterThan(1e-4); // the int8 activation path is really taken
        expect(devRef).toBeLessThan(FAST_MAX_DEV);
      } else {
        expect(maxAbsDiff(exact.feats, ref.feats)).toBeLessThan(1e-4);
        expect(maxAbsDiff(exact.logits, ref.logits)).toBeLessThan(1e-4);
      }
      const fast = await onnxLogits(out, 'all');
      const dev = maxAbsDiff(fast.logits, fp32.logits);
      expect(dev).toBeGreaterThan(0);
      expect(dev).toBeLessThan(c.maxLogitDev);
      // Random tiny logits have many near-ties, so argmax agreement is only a coarse check.
      const agree = top1Agreement(fast.logits, fp32.logits, spec.text.vocab);
      if (c.dtype === 'fp16') expect(agree).toBe(1);
      else if (c.dtype === 'int8') expect(agree).toBeGreaterThan(0.6);
      if (process.env.PALISCOPE_REPORT) process.stdout.write(`${name}: max |Δlogit| vs fp32 ${dev.toExponential(2)}, top-1 agreement ${agree.toFixed(2)}\n`);
      const size = (dir: string) => ['vision_encoder', 'embed_tokens', 'decoder'].reduce((a, g) => a + statSync(join(dir, `${g}.onnx`)).size, 0);
      expect(size(out)).toBeLessThan(size(join(root, 'fp32')) * (c.dtype === 'fp16' ? 0.6 : c.dtype === 'int8' ? 0.45 : 0.35));
    });
  }
});
