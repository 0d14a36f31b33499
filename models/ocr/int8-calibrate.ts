// Measures the activation ranges the int8 recognizer needs (quantize.ts) and writes them beside the engine:
//   npx tsx models/ocr/int8-calibrate.ts [--out models/ocr/int8-ranges.json]
// The lines come from generated pages of seeded random words (not the benchmark's prose), in several fonts, clean and
// degraded, cut exactly as the engine cuts them (its onRecognizerInput hook). Ranges are the 0.01 % and 99.99 %
// quantiles of each tensor over all lines, so one stray value does not stretch the scale for every other.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { createOcrEngine } from './engine';
import { optimizeOcrGraph } from './graph-rewrite';
import { defaultOcrModelDir, MODEL_FILES } from './model-dir';
import { calibrationTensors, sha256, withOutputs, type ActivationRange, type Int8Calibration } from './quantize';
import { rng, synthPage, type SynthPageSpec } from './testing/synth';

export const INT8_RANGES_FILE = path.join(import.meta.dirname, 'int8-ranges.json');

const PAGES: (Omit<SynthPageSpec, 'paragraphs' | 'width' | 'height'> & { seed: number })[] = [
  { font: 'DejaVu Sans', size: 20, columns: 1, seed: 51 },
  { font: 'Liberation Serif', size: 23, columns: 2, seed: 52 },
  { font: 'DejaVu Serif Condensed', size: 18, columns: 1, seed: 53, blur: 0.8, noise: 9 },
  { font: 'Liberation Mono', size: 19, columns: 1, seed: 54, ink: 110, paper: 210, jpegQuality: 60 },
  { font: 'Liberation Sans Narrow', size: 21, columns: 2, seed: 55, rotate: 1.2 },
];

/** Paragraphs of seeded random "words": letters, capitals, digits and punctuation in prose-like proportions. */
function randomParagraphs(seed: number): string[] {
  const r = rng(seed);
  const pick = (s: string) => s[Math.floor(r() * s.length)]!;
  const word = () => {
    const n = 1 + Math.floor(r() * 9);
    let w = Array.from({ length: n }, () => pick('etaoinshrdlucmfwypvbgkjqxz')).join('');
    const kind = r();
    if (kind < 0.12) w = w[0]!.toUpperCase() + w.slice(1);
    else if (kind < 0.16) w = Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick('0123456789')).join('');
    else if (kind < 0.18) w = w.toUpperCase();
    return r() < 0.1 ? w + pick(',.;:!?)') : w;
  };
  return Array.from({ length: 14 }, () => Array.from({ length: 40 + Math.floor(r() * 30) }, word).join(' '));
}

/** The q-quantile of `values` (sorted copy), q in [0, 1]. */
function quantile(sorted: Float32Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

export async function calibrate(log: (s: string) => void = () => undefined): Promise<Int8Calibration> {
  const recFile = path.join(defaultOcrModelDir({}), MODEL_FILES.rec);
  const original = readFileSync(recFile);
  const floatGraph = optimizeOcrGraph(original).bytes;
  const names = calibrationTensors(floatGraph);
  const inputs: { data: Float32Array; dims: number[] }[] = [];
  const engine = await createOcrEngine({ threads: 2, recLanes: 1, int8: false, onRecognizerInput: (data, dims) => inputs.push({ data: data.slice(), dims: [...dims] }) });
  try {
    for (const spec of PAGES) {
      const page = await synthPage({ ...spec, paragraphs: randomParagraphs(spec.seed), width: 1240, height: 1754 });
      await engine.recognize(page.image);
      log(`${spec.font} ${spec.size}px: ${inputs.length} recognizer batches so far`);
    }
  } finally {
    await engine.dispose();
  }
  const session = await ort.InferenceSession.create(withOutputs(floatGraph, names), { intraOpNumThreads: 2, graphOptimizationLevel: 'basic' });
  // Per tensor, a bounded sample of values from every batch (all of them would not fit: lines × channels × columns).
  const samples = new Map<string, number[]>(names.map((n) => [n, []]));
  const perBatch = 20_000;
  for (const { data, dims } of inputs) {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, dims) });
    for (const name of names) {
      const v = out[name]!.data as Float32Array;
      const list = samples.get(name)!;
      const step = Math.max(1, Math.floor(v.length / perBatch));
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x < lo) lo = x; if (x > hi) hi = x; }
      for (let i = 0; i < v.length; i += step) list.push(v[i]!);
      // The extremes always join the sample, so the quantiles see the tails of every batch.
      list.push(lo, hi);
    }
  }
  await session.release();
  const ranges: Record<string, ActivationRange> = {};
  for (const [name, list] of samples) {
    const sorted = Float32Array.from(list).sort();
    ranges[name] = { min: quantile(sorted, 0.0001), max: quantile(sorted, 0.9999) };
  }
  return {
    modelSha256: sha256(original),
    source: `int8-calibrate.ts: ${inputs.length} recognizer batches from ${PAGES.length} generated pages of random words (${PAGES.map((p) => `${p.font} ${p.size}px`).join(', ')})`,
    ranges,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: INT8_RANGES_FILE } } });
  const table = await calibrate((s) => process.stderr.write(`${s}\n`));
  writeFileSync(values.out!, `${JSON.stringify(table, null, 1)}\n`);
  process.stderr.write(`${Object.keys(table.ranges).length} ranges → ${values.out}\n`);
}
