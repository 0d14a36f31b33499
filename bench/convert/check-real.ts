// Real-width numerical check: converts a real-width random-weight PaliGemma 2 checkpoint (N layers) to the Paliscope
// layout and compares the ONNX vision features and decoder logits with the float64 TypeScript reference (for
// fp16/int8/q4: the reference on the dequantized weights, q4 block 32). Slow
// (the reference is plain loops): a few minutes for 2 layers at 224 px.
//
//   npx tsx bench/convert/check-real.ts [--ck /tmp/paliscope-bench/paligemma2-3b-224-L2] [--layers 2] [--dtype fp32]
//       [--out bench/convert/check-real-results.json]
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { convertCheckpoint } from '../../models/onnx/convert/convert';
import { dequantizedRefWeights } from '../../models/onnx/convert/dequant-ref';
import type { WeightDtype } from '../../models/onnx/convert/quant';
import { emptyCache, maxAbsDiff, openSession, runDecoder, runEmbed, runVision } from '../../models/onnx/convert/session';
import { writeFixture } from '../../models/onnx/fixture';
import { decoderForward } from '../../models/onnx/reference/gemma';
import { buildEmbeds } from '../../models/onnx/reference/paligemma';
import { visionForward } from '../../models/onnx/reference/siglip';
import { loadRefWeights } from '../../models/onnx/reference/weights';
import { Rng } from '../../models/onnx/rng';

const { values: v } = parseArgs({ options: { ck: { type: 'string' }, layers: { type: 'string' }, dtype: { type: 'string' }, out: { type: 'string' } } });
const layers = Number(v.layers ?? 2);
const ck = v.ck ?? `/tmp/paliscope-bench/paligemma2-3b-224-L${layers}`;
const dtype = (v.dtype ?? 'fp32') as WeightDtype;
const onnxDir = `${ck}-check-${dtype}`;
const secs = (t0: number) => (performance.now() - t0) / 1000;

if (!existsSync(join(ck, 'config.json'))) writeFixture({ preset: 'paligemma2-3b-224', outDir: ck, layers });
let t0 = performance.now();
rmSync(onnxDir, { recursive: true, force: true });
const { graphs } = await convertCheckpoint({ checkpointDir: ck, outDir: onnxDir, dtype });
console.log(`converted ${dtype} in ${secs(t0).toFixed(1)} s: ${graphs.map((g) => g.name).join(', ')}`);
t0 = performance.now();
// For quantized dtypes the reference runs on the dequantized weights, so any remaining difference is the graph's.
const w0 = await loadRefWeights(ck, { float32: true });
const { parseConfig } = await import('../../models/onnx/config');
const { readFileSync } = await import('node:fs');
const spec = parseConfig(JSON.parse(readFileSync(join(ck, 'config.json'), 'utf8')) as Record<string, unknown>);
const w = dtype === 'fp32' ? w0 : dequantizedRefWeights(w0, spec, dtype, 32);
console.log(`reference weights loaded${dtype === 'fp32' ? '' : ' and dequantized'} in ${secs(t0).toFixed(1)} s`);
// int8: 'basic' keeps DequantizeLinear unfused (at 'all' onnxruntime also quantizes activations, see quant.test.ts).
const level = dtype === 'int8' ? 'basic' : 'all';

const S = spec.vision.imageSize;
const px = new Rng(7).fillUniform(new Float32Array(3 * S * S), 0.5);
t0 = performance.now();
const feats = await runVision(await openSession(join(onnxDir, 'vision_encoder.onnx'), level), px, S);
const onnxVisionSeconds = secs(t0);
t0 = performance.now();
const refFeats = visionForward(w, spec, Float64Array.from(px));
const refVisionSeconds = secs(t0);
const visionDiff = maxAbsDiff(feats, refFeats);
const visionScale = refFeats.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
console.log(`vision: max |Δ| ${visionDiff.toExponential(2)} (max |ref| ${visionScale.toFixed(3)}); onnx ${onnxVisionSeconds.toFixed(2)} s, reference ${refVisionSeconds.toFixed(1)} s`);

// Text-only prompt (a 256-image-token prefill would take the float64 reference many minutes); 2 suffix tokens.
const ids = [2, 1000, 2000, 3000, 108, 4000, 5000];
const prefix = 5;
const pos = ids.map((_, i) => i + 1);
const e = await runEmbed(await openSession(join(onnxDir, 'embed_tokens.onnx'), level), ids);
t0 = performance.now();
const dec = await openSession(join(onnxDir, 'decoder.onnx'), level);
const rows = [0, prefix - 1, ids.length - 1];
const out = await runDecoder(dec, spec, { embeds: e, positions: pos, cache: emptyCache(spec), prefixLength: prefix, logitsIndex: rows });
const onnxDecoderSeconds = secs(t0);
t0 = performance.now();
const ref = decoderForward(w, spec, buildEmbeds(w, spec, ids), pos, prefix, { logitRows: rows }).logits;
const refDecoderSeconds = secs(t0);
const logitDiff = maxAbsDiff(out.logits, ref);
const logitScale = ref.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
console.log(`decoder logits (rows ${rows}): max |Δ| ${logitDiff.toExponential(2)} (max |ref| ${logitScale.toFixed(3)}); onnx load+run ${onnxDecoderSeconds.toFixed(1)} s, reference ${refDecoderSeconds.toFixed(1)} s`);

const file = v.out ?? join(dirname(fileURLToPath(import.meta.url)), `check-real-results-${dtype}.json`);
writeFileSync(file, JSON.stringify({
  date: new Date().toISOString(), checkpoint: ck, layers, dtype,
  vision: { maxAbsDiff: visionDiff, maxAbsRef: visionScale, onnxSeconds: onnxVisionSeconds, referenceSeconds: refVisionSeconds },
  decoder: { rows, maxAbsDiff: logitDiff, maxAbsRef: logitScale, onnxSeconds: onnxDecoderSeconds, referenceSeconds: refDecoderSeconds },
}, null, 1) + '\n');
console.log(`wrote ${file}`);
rmSync(onnxDir, { recursive: true, force: true });
