// Random-weight PaliGemma checkpoints in the Hugging Face layout, for tests (tiny presets) and benchmarks (real
// widths, few layers). Tensors are generated and written chunk by chunk, so real-width presets never sit in memory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHfConfig, type ModelSpec, type TextSpec, type VisionSpec } from './config';
import { toBf16, toF16 } from './dtype';
import { Rng, hashString } from './rng';
import { writeSafetensors, type StDtype, type TensorSpec } from './safetensors';
import { buildTokenizerJson, tokenizerConfigJson, tokenizerLayout } from './tokenizer-fixture';
import { modernName, weightSpecs, type InitKind, type WeightSpec } from './weights';

export const PRESETS = [
  'tiny', 'tiny-pg1', 'paligemma2-3b-224', 'paligemma2-3b-448', 'paligemma2-3b-896',
  'paligemma2-10b-224', 'paligemma2-10b-448', 'paligemma2-10b-896', 'paligemma2-28b-224', 'paligemma2-28b-448', 'paligemma2-28b-896',
] as const;
/**
 * Bump when the bytes a preset + seed generate change (benchmarks key their cached checkpoints on it, so a converter
 * change does not force rewriting multi-GB fixtures).
 */
export const FIXTURE_GENERATOR_VERSION = 1;
export type PresetName = (typeof PRESETS)[number];

export interface FixtureOptions {
  preset: PresetName;
  outDir: string;
  /** Decoder layers (and, for real-width presets, vision layers, capped at 27). */
  layers?: number;
  seed?: number;
  /** Storage dtype; tiny presets default to F32, real-width ones to BF16 like the published checkpoints. */
  dtype?: StDtype;
  /** `modern` writes transformers ≥ 4.52 names (`model.language_model.…`). */
  nameStyle?: 'legacy' | 'modern';
  /** Split into shards of at most this many bytes, with model.safetensors.index.json. */
  shardBytes?: number;
}

export interface FixtureResult { spec: ModelSpec; files: string[]; bytes: number }

/** Gemma 2 2B / 9B / 27B decoder widths as in PaliGemma 2 3B / 10B / 28B (doc §2.4). */
const GEMMA2_WIDTHS = {
  '3b': { hidden: 2304, intermediate: 9216, heads: 8, kvHeads: 4, headDim: 256, queryScale: 1 / Math.sqrt(256) },
  '10b': { hidden: 3584, intermediate: 14336, heads: 16, kvHeads: 8, headDim: 256, queryScale: 1 / Math.sqrt(256) },
  '28b': { hidden: 4608, intermediate: 36864, heads: 32, kvHeads: 16, headDim: 128, queryScale: 1 / Math.sqrt(4608 / 32) },
} as const;

const SIGLIP_SO400M = { hidden: 1152, intermediate: 4304, heads: 16, headDim: 72, patch: 14, eps: 1e-6 };

export function presetSpec(preset: PresetName, layers?: number): { spec: ModelSpec; dtype: StDtype; baseSize: number } {
  if (preset === 'tiny' || preset === 'tiny-pg1') {
    const vision: VisionSpec = { hidden: 32, intermediate: 48, layers: 2, heads: 2, headDim: 16, patch: 14, imageSize: 56, numPatches: 16, eps: 1e-6 };
    const base = tokenizerLayout(640);
    const common = { hidden: 64, intermediate: 96, heads: 4, headDim: 16, vocab: base.vocabSize, eps: 1e-6, ropeTheta: 10000 };
    // Tiny-only soft-cap values, small enough that random weights actually reach the tanh's curved region, and a
    // query_pre_attn_scalar (32) that differs from head_dim (16), as in PG2-28B (144 vs 128), so mixing them up shows.
    const text: TextSpec = preset === 'tiny'
      ? { ...common, family: 'gemma2', layers: layers ?? 4, kvHeads: 2, queryScale: 1 / Math.sqrt(32), attnSoftcap: 5, finalSoftcap: 3, slidingWindow: 8 }
      : { ...common, family: 'gemma', layers: layers ?? 2, kvHeads: 1, queryScale: 1 / Math.sqrt(16), attnSoftcap: null, finalSoftcap: null, slidingWindow: null };
    return { spec: { vision, text, imageTokenIndex: base.imageId, numImageTokens: 16 }, dtype: 'F32', baseSize: 640 };
  }
  const res = Number(preset.slice(-3));
  const n = layers ?? 2;
  const numPatches = (res / 14) ** 2;
  const vision: VisionSpec = { ...SIGLIP_SO400M, layers: Math.min(n, 27), imageSize: res, numPatches };
  const text: TextSpec = {
    family: 'gemma2', layers: n, ...GEMMA2_WIDTHS[preset.split('-')[1] as '3b' | '10b' | '28b'],
    attnSoftcap: 50, finalSoftcap: 30, slidingWindow: 4096, vocab: 257216, eps: 1e-6, ropeTheta: 10000,
  };
  return { spec: { vision, text, imageTokenIndex: 257152, numImageTokens: numPatches }, dtype: 'BF16', baseSize: 256000 };
}

/** Standard deviation (and mean) per tensor kind: O(1) activations, and norm offsets far enough from 0 to matter. */
function initParams(w: WeightSpec, spec: ModelSpec): { std: number; mean: number } {
  const k: InitKind = w.init;
  switch (k) {
    case 'linear': return { std: 1 / Math.sqrt(w.shape[1]!), mean: 0 };
    case 'conv': return { std: 1 / Math.sqrt(3 * spec.vision.patch ** 2), mean: 0 };
    case 'bias': return { std: 0.02, mean: 0 };
    case 'ln_weight': return { std: 0.1, mean: 1 };
    case 'ln_bias': return { std: 0.05, mean: 0 };
    case 'rms': return { std: 0.3, mean: 0 };
    case 'pos': return { std: 0.5, mean: 0 };
    case 'embed': return { std: 1 / Math.sqrt(spec.text.hidden), mean: 0 };
  }
}

const CHUNK = 1 << 20;

function* tensorChunks(w: WeightSpec, spec: ModelSpec, seed: number, dtype: StDtype): Iterable<Uint8Array> {
  const rng = new Rng(hashString(w.name, seed >>> 0));
  const { std, mean } = initParams(w, spec);
  let left = w.shape.reduce((a, b) => a * b, 1);
  const buf = new Float32Array(Math.min(left, CHUNK));
  while (left > 0) {
    const a = left >= buf.length ? buf : buf.subarray(0, left);
    rng.fillUniform(a, std, mean);
    const enc = dtype === 'F32' ? a : dtype === 'BF16' ? toBf16(a) : toF16(a);
    yield new Uint8Array(enc.buffer, enc.byteOffset, enc.byteLength);
    left -= a.length;
  }
}

export function writeFixture(o: FixtureOptions): FixtureResult {
  if (!PRESETS.includes(o.preset)) throw new Error(`fixture preset "${o.preset}": expected one of ${PRESETS.join(', ')}`);
  if (o.layers !== undefined && (!Number.isInteger(o.layers) || o.layers < 1)) throw new Error(`fixture --layers ${o.layers}: expected a positive integer`);
  const { spec, dtype: defaultDtype, baseSize } = presetSpec(o.preset, o.layers);
  const dtype = o.dtype ?? defaultDtype;
  const seed = o.seed ?? 0;
  mkdirSync(o.outDir, { recursive: true });
  const ws = weightSpecs(spec);
  const byName = new Map(ws.map((w) => [o.nameStyle === 'modern' ? modernName(w.name) : w.name, w]));
  const specs: TensorSpec[] = [...byName.keys()].map((name) => ({ name, dtype, shape: byName.get(name)!.shape }));
  const produce = (s: TensorSpec) => tensorChunks(byName.get(s.name)!, spec, seed, dtype);
  const files: string[] = [];
  let bytes = 0;
  if (o.shardBytes) {
    const shards: TensorSpec[][] = [[]];
    let cur = 0;
    for (const s of specs) {
      const n = s.shape.reduce((a, b) => a * b, 1) * (dtype === 'F32' ? 4 : 2);
      if (cur > 0 && cur + n > o.shardBytes) { shards.push([]); cur = 0; }
      shards[shards.length - 1]!.push(s);
      cur += n;
    }
    const weightMap: Record<string, string> = {};
    let total = 0;
    shards.forEach((group, i) => {
      const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
      bytes += writeSafetensors(join(o.outDir, file), group, produce);
      files.push(file);
      for (const s of group) { weightMap[s.name] = file; total += s.shape.reduce((a, b) => a * b, 1) * (dtype === 'F32' ? 4 : 2); }
    });
    writeJson(join(o.outDir, 'model.safetensors.index.json'), { metadata: { total_size: total }, weight_map: weightMap });
    files.push('model.safetensors.index.json');
  } else {
    bytes += writeSafetensors(join(o.outDir, 'model.safetensors'), specs, produce);
    files.push('model.safetensors');
  }
  const cfg = toHfConfig(spec);
  cfg.torch_dtype = dtype === 'F32' ? 'float32' : dtype === 'BF16' ? 'bfloat16' : 'float16';
  (cfg.text_config as Record<string, unknown>).torch_dtype = cfg.torch_dtype;
  writeJson(join(o.outDir, 'config.json'), cfg);
  writeJson(join(o.outDir, 'preprocessor_config.json'), {
    do_convert_rgb: null, do_normalize: true, do_rescale: true, do_resize: true,
    image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], image_processor_type: 'SiglipImageProcessor',
    image_seq_length: spec.numImageTokens, processor_class: 'PaliGemmaProcessor', resample: 3,
    rescale_factor: 1 / 255, size: { height: spec.vision.imageSize, width: spec.vision.imageSize },
  });
  // Gemma 2 family files usually list eos [1, 107] and the hybrid cache (doc §3.3, content UNVERIFIED).
  writeJson(join(o.outDir, 'generation_config.json'), spec.text.family === 'gemma2'
    ? { bos_token_id: 2, eos_token_id: [1, 107], pad_token_id: 0, cache_implementation: 'hybrid' }
    : { bos_token_id: 2, eos_token_id: 1, pad_token_id: 0 });
  const { json, layout } = buildTokenizerJson(baseSize);
  if (layout.imageId !== spec.imageTokenIndex || layout.vocabSize !== spec.text.vocab) {
    throw new Error(`fixture ${o.preset}: tokenizer ids (image ${layout.imageId}, vocab ${layout.vocabSize}) disagree with config`);
  }
  writeJson(join(o.outDir, 'tokenizer.json'), json);
  writeJson(join(o.outDir, 'tokenizer_config.json'), tokenizerConfigJson());
  files.push('config.json', 'preprocessor_config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json');
  return { spec, files, bytes };
}

function writeJson(path: string, v: unknown): void { writeFileSync(path, JSON.stringify(v, null, 1) + '\n'); }
