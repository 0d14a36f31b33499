// Is a hub repository a checkpoint Paliscope can convert? Decided from its config.json alone, before any weights are
// downloaded: a Hugging Face PaliGemmaForConditionalGeneration (PaliGemma or PaliGemma 2), unquantized, whose text and
// vision settings the converter understands. Every refusal names the repository and the reason.
import { parseConfig, type ModelSpec } from '../onnx/config';
import { HubError } from './errors';

/** config.json is a few kB; anything far larger is not one. */
export const MAX_CONFIG_BYTES = 1 << 20;

export function checkCheckpointConfig(text: string, repo: string): ModelSpec {
  const refuse = (why: string) => new HubError('NOT_PALIGEMMA', `${repo} is not a checkpoint Paliscope can convert: ${why}. Paliscope converts Hugging Face PaliGemmaForConditionalGeneration checkpoints (PaliGemma and PaliGemma 2) in safetensors; nothing was downloaded besides config.json`);
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (err) {
    throw refuse(`its config.json is not valid JSON (${(err as Error).message})`);
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) throw refuse('its config.json is not a JSON object');
  const c = cfg as Record<string, unknown>;
  const architectures = Array.isArray(c.architectures) ? c.architectures.filter((a): a is string => typeof a === 'string') : [];
  if (c.model_type !== 'paligemma') {
    const said = [`model_type ${JSON.stringify(c.model_type ?? null)}`, architectures.length ? `architectures ${architectures.join(', ')}` : null].filter(Boolean).join(', ');
    throw refuse(`its config.json says ${said}`);
  }
  if (architectures.length > 0 && !architectures.includes('PaliGemmaForConditionalGeneration')) {
    throw refuse(`its config.json names the architecture ${architectures.join(', ')}, not PaliGemmaForConditionalGeneration`);
  }
  // Pre-quantized weights (bitsandbytes, GPTQ, AWQ…) are stored in formats the converter does not read.
  if (c.quantization_config !== undefined && c.quantization_config !== null) {
    const method = (c.quantization_config as { quant_method?: unknown }).quant_method;
    throw refuse(`its weights are already quantized${typeof method === 'string' ? ` (${method})` : ''}; use the original bf16/fp16/fp32 checkpoint it was made from`);
  }
  try {
    return parseConfig(c);
  } catch (err) {
    throw refuse((err as Error).message);
  }
}

/** "3B", "10B", "28B": the PaliGemma 2 size a spec's decoder width belongs to (null for other widths). */
export function sizeLabel(spec: ModelSpec): string | null {
  if (spec.text.family === 'gemma') return spec.text.hidden === 2048 ? '3B' : null;
  return ({ 2304: '3B', 3584: '10B', 4608: '28B' } as Record<number, string>)[spec.text.hidden] ?? null;
}
