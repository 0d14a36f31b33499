// The run-time facts the engine needs from a model folder's JSON files (doc §4.3): architecture from config.json
// (parsed by models/onnx/config), image size and normalisation from preprocessor_config.json, eos ids from
// generation_config.json (falling back to config.json).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ModelSpec } from '../onnx/config';
import { EngineError } from '../runtime/errors';

export interface PaliGemmaConfig {
  spec: ModelSpec;
  imageSize: number;
  mean: [number, number, number];
  std: [number, number, number];
  numImageTokens: number;
  imageTokenIndex: number;
  eosIds: number[];
  /** Ids ≥ this are never emitted: <image> and the padded rows of the head (doc §2.5). */
  vocabLimit: number;
}

type Json = Record<string, unknown>;

function readJson(dir: string, name: string, required: boolean): Json | null {
  const p = join(dir, name);
  if (!existsSync(p)) {
    if (required) throw new EngineError('MODEL_NOT_FOUND', `${p} is missing; expected the Hugging Face ${name} next to the ONNX files`);
    return null;
  }
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Json;
  } catch (e) {
    throw new EngineError('INPUT_MISMATCH', `${p}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

const ids = (v: unknown): number[] => (typeof v === 'number' ? [v] : Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);

const triple = (v: unknown, dflt: number): [number, number, number] => {
  if (typeof v === 'number') return [v, v, v];
  if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number')) return v as [number, number, number];
  return [dflt, dflt, dflt];
};

export function loadPaliGemmaConfig(dir: string): PaliGemmaConfig {
  const cfg = readJson(dir, 'config.json', true)!;
  let spec: ModelSpec;
  try {
    spec = parseConfig(cfg);
  } catch (e) {
    throw new EngineError('INPUT_MISMATCH', `${join(dir, 'config.json')}: ${(e as Error).message}`, { cause: e });
  }
  const pre = readJson(dir, 'preprocessor_config.json', false) ?? {};
  const size = pre.size as { height?: number; width?: number } | undefined;
  const imageSize = size?.height ?? spec.vision.imageSize;
  if (size && size.width !== undefined && size.width !== imageSize) {
    throw new EngineError('INPUT_MISMATCH', `${join(dir, 'preprocessor_config.json')}: size ${size.width}×${size.height} is not square; PaliGemma expects a square input`);
  }
  if (imageSize !== spec.vision.imageSize) {
    throw new EngineError('INPUT_MISMATCH', `preprocessor_config.json size ${imageSize} differs from config.json vision_config.image_size ${spec.vision.imageSize}`);
  }
  const seq = typeof pre.image_seq_length === 'number' ? pre.image_seq_length : spec.numImageTokens;
  if (seq !== spec.numImageTokens) {
    throw new EngineError('INPUT_MISMATCH', `preprocessor_config.json image_seq_length ${seq} differs from (image_size/patch_size)² = ${spec.numImageTokens}`);
  }
  const gen = readJson(dir, 'generation_config.json', false) ?? {};
  const tc = (cfg.text_config ?? {}) as Json;
  const eos = [...new Set([...ids(gen.eos_token_id), ...ids(tc.eos_token_id), ...ids(cfg.eos_token_id)])];
  return {
    spec, imageSize, numImageTokens: spec.numImageTokens, imageTokenIndex: spec.imageTokenIndex,
    mean: triple(pre.image_mean, 0.5), std: triple(pre.image_std, 0.5),
    eosIds: eos.length > 0 ? eos : [1],
    vocabLimit: Math.min(spec.imageTokenIndex, spec.text.vocab),
  };
}
