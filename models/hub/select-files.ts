// Which files of a repository make up one dtype variant. onnx-community layout: the JSON files at the top (config,
// preprocessor, tokenizer, generation config) and, under onnx/, the three graphs with the dtype's suffix plus their
// external-data files (`x.onnx_data`, `x.onnx_data_1`, …). Paliscope layout: every file (one dtype per repository).
import type { Dtype } from '../runtime/plan';
import { HubError } from './errors';
import type { HubEntry } from './hub-client';

/** transformers.js file suffix per dtype (doc §4.1); the same table models/paligemma/layout.ts reads folders with. */
export const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', int8: '_int8', uint8: '_uint8', q8: '_quantized', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };
export const ONNX_COMPONENTS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;

export function selectFiles(entries: readonly HubEntry[], layout: 'onnx-community' | 'paliscope', dtype: Dtype, repo: string): HubEntry[] {
  const visible = entries.filter((e) => !e.path.split('/').some((s) => s.startsWith('.')));
  if (layout === 'paliscope') {
    if (!visible.some((e) => e.path === 'paliscope.json')) throw new HubError('NOT_FOUND', `${repo}: no paliscope.json at the top of the repository; it is not in Paliscope's layout`);
    return visible;
  }
  const top = visible.filter((e) => !e.path.includes('/') && e.path.endsWith('.json'));
  const picked: HubEntry[] = [...top];
  const missing: string[] = [];
  for (const c of ONNX_COMPONENTS) {
    const graph = `onnx/${c}${DTYPE_SUFFIX[dtype]}.onnx`;
    const files = visible.filter((e) => e.path === graph || e.path.startsWith(`${graph}_data`));
    if (!files.some((e) => e.path === graph)) missing.push(graph);
    picked.push(...files);
  }
  if (missing.length > 0) {
    const present = Object.entries(DTYPE_SUFFIX)
      .filter(([, s]) => ONNX_COMPONENTS.every((c) => visible.some((e) => e.path === `onnx/${c}${s}.onnx`)))
      .map(([d]) => d);
    throw new HubError('NOT_FOUND', `${repo} has no ${dtype} variant: ${missing.join(', ')} missing. Complete variants there: ${present.join(', ') || 'none'}`);
  }
  for (const need of ['config.json', 'preprocessor_config.json', 'tokenizer.json']) {
    if (!top.some((e) => e.path === need)) throw new HubError('NOT_FOUND', `${repo}: ${need} is missing at the top of the repository`);
  }
  return picked;
}
