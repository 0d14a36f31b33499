// Paliscope's engine and transformers.js (the public runtime for the onnx-community layout) read the
// same converted files and must produce the same greedy tokens for the same image and prompt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import { AutoProcessor, PaliGemmaForConditionalGeneration, RawImage, env, type Tensor } from '@huggingface/transformers';
import { createPaliGemma } from './engine';
import { prepareTinyModel, type TinyModel } from './test-fixture';

const NEW_TOKENS = 6;
let model: TinyModel;
beforeAll(async () => {
  model = await prepareTinyModel('onnx-community');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = join(model.root) + '/';
});
afterAll(() => model?.cleanup());

describe('greedy tokens: Paliscope vs transformers.js on the same onnx-community files', () => {
  it('agree for several prompts', async () => {
    const S = model.spec.vision.imageSize;
    // An image already at the model's size: neither runtime resizes, so both see the same pixels.
    const rgb = new Uint8ClampedArray(S * S * 3).map((_, i) => (i * 53 + 7) % 256);
    const png = await sharp(Buffer.from(rgb), { raw: { width: S, height: S, channels: 3 } }).png().toBuffer();

    const processor = await AutoProcessor.from_pretrained('model', { local_files_only: true });
    const tjs = await PaliGemmaForConditionalGeneration.from_pretrained('model', { dtype: 'fp32', local_files_only: true });
    const ours = await createPaliGemma({ modelDir: model.modelDir, prefs: { threads: 1 } });
    try {
      for (const prompt of ['caption en', 'detect cat', 'answer en what is written here']) {
        const inputs = (await processor(new RawImage(rgb, S, S, 3), `<image>${prompt}`)) as Record<string, Tensor>;
        const promptLength = inputs.input_ids!.dims.at(-1)!;
        const gen = (await tjs.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })) as Tensor;
        const theirs = Array.from(gen.data as BigInt64Array, Number).slice(promptLength);
        const mine = await ours.generate({ image: png, prompt, maxNewTokens: NEW_TOKENS });
        expect(theirs.length, prompt).toBeGreaterThan(0);
        // transformers.js keeps the eos it stopped on in the sequence; ours reports it as the finish reason.
        const eos = new Set([1]);
        expect(mine.ids, prompt).toEqual(theirs.filter((id, i) => !(i === theirs.length - 1 && eos.has(id))));
      }
    } finally {
      await ours.dispose();
      await tjs.dispose();
    }
  });
});
