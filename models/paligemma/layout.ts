// What a PaliGemma model folder holds and what each graph must expose. Two layouts (doc §4, models/onnx/convert):
//  - paliscope: paliscope.json + vision_encoder.onnx, embed_tokens.onnx, decoder.onnx (explicit prefix-LM mask inputs,
//    logits only for requested rows);
//  - onnx-community: onnx/{vision_encoder,embed_tokens,decoder_model_merged}{suffix}.onnx, one file per dtype.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { EngineError } from '../runtime/errors';
import type { IoDecl, TensorDecl } from '../runtime/io-check';
import { DTYPES, type Dtype, type Variant } from '../runtime/plan';

export type Layout = 'paliscope' | 'onnx-community';
export const COMPONENTS = ['vision_encoder', 'embed_tokens', 'decoder'] as const;
export type Component = (typeof COMPONENTS)[number];

/** transformers.js file suffix per dtype (doc §4.1). */
const SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', int8: '_int8', uint8: '_uint8', q8: '_quantized', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };
const BASE: Record<Layout, Record<Component, string>> = {
  paliscope: { vision_encoder: 'vision_encoder', embed_tokens: 'embed_tokens', decoder: 'decoder' },
  'onnx-community': { vision_encoder: 'vision_encoder', embed_tokens: 'embed_tokens', decoder: 'decoder_model_merged' },
};

/** File size plus its external-data file(s) (`x.onnx_data`, `x.onnx_data_1`, …). */
function bytesWithData(dir: string, file: string, listing: string[]): number {
  let n = statSync(join(dir, file)).size;
  for (const f of listing) if (f.startsWith(`${file}_data`)) n += statSync(join(dir, f)).size;
  return n;
}

export interface FolderScan { layout: Layout; variants: Record<Component, Variant[]> }

/** Finds the layout and every dtype variant present. MODEL_NOT_FOUND names what was looked for. */
export function scanModelDir(modelDir: string): FolderScan {
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) {
    throw new EngineError('MODEL_NOT_FOUND', `model folder ${modelDir} does not exist`);
  }
  const manifestPath = join(modelDir, 'paliscope.json');
  if (existsSync(manifestPath)) {
    let manifest: { format?: string; dtype?: string; graphs?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
    } catch (e) {
      throw new EngineError('INPUT_MISMATCH', `${manifestPath}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
    if (manifest.format !== 'paliscope-onnx') throw new EngineError('INPUT_MISMATCH', `${manifestPath}: format is ${JSON.stringify(manifest.format)}, expected "paliscope-onnx"`);
    const dtype = (DTYPES as readonly string[]).includes(manifest.dtype ?? '') ? (manifest.dtype as Dtype) : 'fp32';
    const listing = readdirSync(modelDir);
    const variants = {} as Record<Component, Variant[]>;
    for (const c of COMPONENTS) {
      const file = manifest.graphs?.[c] ?? `${BASE.paliscope[c]}.onnx`;
      if (!listing.includes(file)) throw new EngineError('MODEL_NOT_FOUND', `${modelDir}: ${file} (${c}) is missing; paliscope.json lists it`);
      variants[c] = [{ dtype, file, bytes: bytesWithData(modelDir, file, listing) }];
    }
    return { layout: 'paliscope', variants };
  }
  const onnxDir = join(modelDir, 'onnx');
  if (existsSync(onnxDir)) {
    const listing = readdirSync(onnxDir);
    const variants = {} as Record<Component, Variant[]>;
    for (const c of COMPONENTS) {
      variants[c] = DTYPES.filter((d) => listing.includes(`${BASE['onnx-community'][c]}${SUFFIX[d]}.onnx`)).map((d) => {
        const file = `${BASE['onnx-community'][c]}${SUFFIX[d]}.onnx`;
        return { dtype: d, file: `onnx/${file}`, bytes: bytesWithData(onnxDir, file, listing) };
      });
      if (variants[c].length === 0) {
        throw new EngineError('MODEL_NOT_FOUND', `${onnxDir}: no ${BASE['onnx-community'][c]}{,_fp16,_int8,_uint8,_quantized,_q4,_q4f16,_bnb4}.onnx for ${c}`);
      }
    }
    return { layout: 'onnx-community', variants };
  }
  throw new EngineError('MODEL_NOT_FOUND', `${modelDir}: neither paliscope.json (Paliscope layout) nor an onnx/ folder (onnx-community layout)`);
}

const t = (name: string, type: ort.Tensor.Type): TensorDecl => ({ name, type });

/** Declared inputs/outputs per component; `layers` from config.json text_config.num_hidden_layers. */
export function ioDecl(layout: Layout, component: Component, layers: number): IoDecl {
  switch (component) {
    case 'vision_encoder': return { inputs: [t('pixel_values', 'float32')], outputs: [t('image_features', 'float32')] };
    case 'embed_tokens': return { inputs: [t('input_ids', 'int64')], outputs: [t('inputs_embeds', 'float32')] };
    case 'decoder': {
      const past: TensorDecl[] = [], present: TensorDecl[] = [];
      for (let i = 0; i < layers; i++) {
        past.push(t(`past_key_values.${i}.key`, 'float32'), t(`past_key_values.${i}.value`, 'float32'));
        present.push(t(`present.${i}.key`, 'float32'), t(`present.${i}.value`, 'float32'));
      }
      // onnx-community: the export recipe has none of these (doc §4.2), but transformers.js feeds them when a graph
      // declares them, so other exports may; they are accepted and fed (decoder-step.ts).
      const extra = layout === 'paliscope'
        ? [t('attention_mask', 'int64'), t('prefix_length', 'int64'), t('logits_index', 'int64')]
        : [{ ...t('attention_mask', 'int64'), optional: true }, { ...t('num_logits_to_keep', 'int64'), optional: true }, { ...t('use_cache_branch', 'bool'), optional: true }];
      return { inputs: [t('inputs_embeds', 'float32'), t('position_ids', 'int64'), ...extra, ...past], outputs: [t('logits', 'float32'), ...present] };
    }
  }
}
