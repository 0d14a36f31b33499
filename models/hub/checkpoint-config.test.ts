// config.json decides whether a repository is converted: Google's PaliGemma 2 configs (which leave out the fields that
// equal transformers' defaults) are read as transformers reads them; anything else is refused with the reason.
import { describe, expect, it } from 'vitest';
import { checkCheckpointConfig, sizeLabel } from './checkpoint-config';
import { estimateConversion } from './conversion-estimate';

// The shape of Google's PaliGemma 2 3B mix 448 config.json as saved by transformers 4.47–4.49: no num_attention_heads
// and no head_dim in text_config (Gemma2Config defaults 8 and 256), image_size only for 448/896.
const pg2_3b_448 = {
  _vocab_size: 257152, architectures: ['PaliGemmaForConditionalGeneration'], bos_token_id: 2, eos_token_id: 1, hidden_size: 2048,
  image_token_index: 257152, model_type: 'paligemma', num_hidden_layers: 26, pad_token_id: 0, projection_dim: 2304,
  text_config: {
    architectures: ['Gemma2ForCausalLM'], attn_logit_softcapping: 50.0, cache_implementation: 'hybrid', eos_token_id: [1, 107],
    final_logit_softcapping: 30.0, hidden_act: 'gelu_pytorch_tanh', hidden_activation: 'gelu_pytorch_tanh', hidden_size: 2304,
    intermediate_size: 9216, model_type: 'gemma2', num_hidden_layers: 26, num_image_tokens: 1024, num_key_value_heads: 4,
    query_pre_attn_scalar: 256, sliding_window: 4096, torch_dtype: 'float32', vocab_size: 257216,
  },
  torch_dtype: 'bfloat16', transformers_version: '4.49.0',
  vision_config: {
    hidden_size: 1152, image_size: 448, intermediate_size: 4304, model_type: 'siglip_vision_model', num_attention_heads: 16,
    num_hidden_layers: 27, num_image_tokens: 1024, num_positions: 256, patch_size: 14, projection_dim: 2304, vision_use_head: false,
  },
};

describe('checkCheckpointConfig', () => {
  it('reads a Google PaliGemma 2 config with the fields transformers fills in from its defaults', () => {
    const spec = checkCheckpointConfig(JSON.stringify(pg2_3b_448), 'google/paligemma2-3b-mix-448');
    expect(spec.text).toMatchObject({ family: 'gemma2', hidden: 2304, heads: 8, kvHeads: 4, headDim: 256, layers: 26, attnSoftcap: 50, finalSoftcap: 30, slidingWindow: 4096 });
    expect(spec.vision).toMatchObject({ imageSize: 448, numPatches: 1024, layers: 27 });
    expect(sizeLabel(spec)).toBe('3B');
    // Softcaps left out mean transformers' Gemma 2 defaults; an explicit null turns them off.
    const noCaps = { ...pg2_3b_448, text_config: { ...pg2_3b_448.text_config, attn_logit_softcapping: undefined, final_logit_softcapping: null } };
    expect(checkCheckpointConfig(JSON.stringify(noCaps), 'x/y').text).toMatchObject({ attnSoftcap: 50, finalSoftcap: null });
  });

  it('refuses other models, quantized weights and unreadable files, naming the repository and the reason', () => {
    const gemma = JSON.stringify({ architectures: ['Gemma2ForCausalLM'], model_type: 'gemma2' });
    expect(() => checkCheckpointConfig(gemma, 'google/gemma-2-2b')).toThrow(/^google\/gemma-2-2b is not a checkpoint Paliscope can convert: its config\.json says model_type "gemma2", architectures Gemma2ForCausalLM\./);
    expect(() => checkCheckpointConfig(JSON.stringify({ model_type: 'paligemma', architectures: ['ColPali'] }), 'v/c')).toThrow(/names the architecture ColPali, not PaliGemmaForConditionalGeneration/);
    expect(() => checkCheckpointConfig(JSON.stringify({ ...pg2_3b_448, quantization_config: { quant_method: 'bitsandbytes' } }), 'q/4')).toThrow(/already quantized \(bitsandbytes\)/);
    expect(() => checkCheckpointConfig('{"model_type": ', 'b/j')).toThrow(/b\/j is not a checkpoint Paliscope can convert: its config\.json is not valid JSON/);
    expect(() => checkCheckpointConfig('[]', 'b/a')).toThrow(/not a JSON object/);
    const badText = { ...pg2_3b_448, text_config: { ...pg2_3b_448.text_config, model_type: 'llama' } };
    expect(() => checkCheckpointConfig(JSON.stringify(badText), 'b/t')).toThrow(/text_config\.model_type: expected "gemma" or "gemma2", got "llama"/);
  });
});

describe('estimateConversion', () => {
  it('agrees with the converter\'s measured 26-layer 3B-224 q4 output (2.31 GB) and scales with dtype', () => {
    const spec = checkCheckpointConfig(JSON.stringify({ ...pg2_3b_448, vision_config: { ...pg2_3b_448.vision_config, image_size: 224 } }), 'g/3b');
    const q4 = estimateConversion(spec, 'q4');
    expect(q4.params).toBeGreaterThan(3.0e9);
    expect(q4.params).toBeLessThan(3.1e9);
    // models/onnx/README.md: 26 layers, q4 block 32, int4 table → 2.31 GB; fp32 → 14.49 GB.
    expect(Math.abs(q4.outputBytes - 2.31e9) / 2.31e9).toBeLessThan(0.05);
    expect(Math.abs(estimateConversion(spec, 'fp32').outputBytes - 14.49e9) / 14.49e9).toBeLessThan(0.05);
    // Measured peaks: q4 427 MB, int8 899 MB; the estimate must not promise less than was measured.
    expect(q4.peakMemoryBytes).toBeGreaterThan(427e6);
    expect(estimateConversion(spec, 'int8').peakMemoryBytes).toBeGreaterThan(899e6);
  });
});
