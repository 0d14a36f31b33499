// onnxruntime-node's WebGPU provider against the CPU result, where it loads. On Linux it needs a Vulkan driver that
// Dawn accepts (in CI: Mesa's software Vulkan from Debian bookworm-backports, see .ci/run); without one the tests are
// skipped and say why. Speed on a software rasterizer means nothing; equality does.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../runtime/logger';
import { detectMachine } from '../runtime/machine';
import { createPaliGemma, type PaliGemmaEngine } from './engine';
import { testImagePng } from './test-images';
import { prepareTinyModel, type TinyModel } from './test-fixture';

let fused: TinyModel, plain: TinyModel, image: Buffer;
/** Why WebGPU cannot run here, or null when a session was created on it. */
let unavailable: string | null = null;
const engines: PaliGemmaEngine[] = [];

beforeAll(async () => {
  [fused, plain, image] = await Promise.all([
    prepareTinyModel('paliscope', { seed: 31 }),
    prepareTinyModel('paliscope', { seed: 31 }, { decoderOps: 'plain' }),
    testImagePng('photo'),
  ]);
  try {
    const s = await ort.InferenceSession.create(join(fused.modelDir, 'embed_tokens.onnx'), { executionProviders: ['webgpu'], logSeverityLevel: 3 });
    await s.release();
  } catch (e) {
    unavailable = (e as Error).message.split('\n')[0]!;
  }
  if (unavailable) process.stdout.write(`webgpu.test: skipped — onnxruntime's WebGPU provider does not load here: ${unavailable}\n`);
}, 300_000);
afterAll(async () => {
  await Promise.all(engines.map((e) => e.dispose()));
  fused?.cleanup();
  plain?.cleanup();
});

const open = async (modelDir: string, providers: ('webgpu' | 'cpu')[], logger?: Logger) => {
  const e = await createPaliGemma({ modelDir, machine: detectMachine(), prefs: { providers, threads: 1 }, logger });
  engines.push(e);
  return e;
};

describe('WebGPU provider', () => {
  it('plain-op graphs run on WebGPU and give the CPU greedy tokens', async (ctx) => {
    if (unavailable) ctx.skip();
    const gpu = await open(plain.modelDir, ['webgpu']);
    expect(gpu.providers).toEqual({ vision_encoder: 'webgpu', embed_tokens: 'webgpu', decoder: 'webgpu' });
    const cpu = await open(plain.modelDir, ['cpu']);
    const a = await gpu.generate({ image, prompt: 'caption en', maxNewTokens: 8 });
    const b = await cpu.generate({ image, prompt: 'caption en', maxNewTokens: 8 });
    expect(a.ids).toEqual(b.ids);
    expect(Math.max(...a.logprobs.map((lp, i) => Math.abs(lp - b.logprobs[i]!)))).toBeLessThan(1e-3);
  }, 300_000);

  it('the fused decoder falls back to the CPU with the reason logged (WebGPU GroupQueryAttention lacks causal=0); output unchanged', async (ctx) => {
    if (unavailable) ctx.skip();
    const warnings: string[] = [];
    const gpu = await open(fused.modelDir, ['webgpu'], { warn: (m) => warnings.push(m) });
    expect(gpu.providers.vision_encoder).toBe('webgpu');
    expect(gpu.providers.decoder).toBe('cpu');
    expect(warnings.join('\n')).toMatch(/decoder: provider webgpu failed \(.*causal/);
    const cpu = await open(fused.modelDir, ['cpu']);
    const a = await gpu.generate({ image, prompt: 'caption en', maxNewTokens: 8 });
    const b = await cpu.generate({ image, prompt: 'caption en', maxNewTokens: 8 });
    expect(a.ids).toEqual(b.ids);
  }, 300_000);
});
