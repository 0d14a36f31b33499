import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../runtime/errors';
import type { MachineInfo } from '../runtime/machine';
import { planSessions } from '../runtime/plan';
import { createSessionFromPlan } from '../runtime/sessions';
import { ioDecl, scanModelDir } from './layout';
import { prepareTinyModel, type TinyModel } from './test-fixture';

const machine: MachineInfo = { platform: 'linux', arch: 'x64', logicalCores: 2, physicalCores: 2, totalMemoryBytes: 8e9, cudaInstalled: false };
let pv: TinyModel, oc: TinyModel;
beforeAll(async () => { [pv, oc] = await Promise.all([prepareTinyModel('paliscope'), prepareTinyModel('onnx-community')]); });
afterAll(() => { pv.cleanup(); oc.cleanup(); });

describe('model folder scan', () => {
  it('recognises both layouts and lists dtype variants', () => {
    const a = scanModelDir(pv.modelDir);
    expect(a.layout).toBe('paliscope');
    expect(a.variants.decoder.map((x) => x.file)).toEqual(['decoder.onnx']);
    // Give the onnx-community folder a second dtype file to find.
    const d = join(oc.modelDir, 'onnx');
    copyFileSync(join(d, 'vision_encoder.onnx'), join(d, 'vision_encoder_q4.onnx'));
    const b = scanModelDir(oc.modelDir);
    expect(b.layout).toBe('onnx-community');
    expect(b.variants.vision_encoder.map((x) => x.dtype)).toEqual(['fp32', 'q4']);
    expect(b.variants.decoder[0]!.file).toBe('onnx/decoder_model_merged.onnx');
    expect(b.variants.decoder[0]!.bytes).toBeGreaterThan(1000);
  });

  it('MODEL_NOT_FOUND names the folder and what it looked for', () => {
    const empty = join(pv.root, 'empty');
    mkdirSync(empty);
    let err: unknown;
    try { scanModelDir(empty); } catch (e) { err = e; }
    expect(isEngineError(err, 'MODEL_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toMatch(/neither paliscope\.json .* nor an onnx\/ folder/);
    try { scanModelDir(join(pv.root, 'missing')); } catch (e) { err = e; }
    expect((err as Error).message).toMatch(/does not exist/);
  });
});

describe('sessions from a plan', () => {
  const L = () => pv.spec.text.layers;

  it('loads each component on CPU and passes the I/O check (both layouts)', async () => {
    for (const m of [pv, oc]) {
      const scan = scanModelDir(m.modelDir);
      const plan = planSessions({ modelDir: m.modelDir, family: 'paligemma', layout: scan.layout, variants: scan.variants, machine, prefs: { dtype: 'fp32' } });
      const s = await createSessionFromPlan(plan, 'decoder', ioDecl(scan.layout, 'decoder', L()));
      expect(s.provider).toBe('cpu');
      await s.session.release();
    }
  });

  it('falls back to CPU when CUDA fails to initialise, and reports the provider used', async () => {
    const scan = scanModelDir(pv.modelDir);
    // Claim CUDA is installed: onnxruntime then fails to load its provider library on this machine.
    const plan = planSessions({ modelDir: pv.modelDir, family: 'paligemma', layout: scan.layout, variants: scan.variants, machine: { ...machine, cudaInstalled: true } });
    expect(plan.providers).toEqual(['cuda', 'cpu']);
    const warnings: string[] = [];
    const s = await createSessionFromPlan(plan, 'vision_encoder', ioDecl('paliscope', 'vision_encoder', L()), { logger: { warn: (m) => warnings.push(m) } });
    expect(s.provider).toBe('cpu');
    expect(warnings.join('\n')).toMatch(/provider cuda failed/);
    await s.session.release();
    const strict = planSessions({ modelDir: pv.modelDir, family: 'paligemma', layout: scan.layout, variants: scan.variants, machine: { ...machine, cudaInstalled: true }, prefs: { providers: ['cuda'], allowCpuFallback: false } });
    const e = await createSessionFromPlan(strict, 'vision_encoder', ioDecl('paliscope', 'vision_encoder', L())).catch((x: unknown) => x);
    expect(isEngineError(e, 'PROVIDER_UNAVAILABLE')).toBe(true);
  });

  it('INPUT_MISMATCH when a graph lacks the declared inputs (onnx-community decoder read as paliscope)', async () => {
    const scan = scanModelDir(oc.modelDir);
    const plan = planSessions({ modelDir: oc.modelDir, family: 'paligemma', layout: scan.layout, variants: scan.variants, machine });
    const e = await createSessionFromPlan(plan, 'decoder', ioDecl('paliscope', 'decoder', L())).catch((x: unknown) => x);
    expect(isEngineError(e, 'INPUT_MISMATCH')).toBe(true);
    expect((e as Error).message).toMatch(/missing input "attention_mask" \(int64\)/);
    expect((e as Error).message).toMatch(/decoder_model_merged\.onnx/);
  });

  it('INPUT_MISMATCH when the file is not a loadable ONNX graph', async () => {
    const scan = scanModelDir(pv.modelDir);
    const bad = join(pv.root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'decoder.onnx'), 'this is not protobuf');
    const plan = planSessions({ modelDir: bad, family: 'paligemma', layout: 'paliscope', variants: { decoder: [{ dtype: 'fp32', file: 'decoder.onnx', bytes: 20 }] }, machine });
    expect(scan.layout).toBe('paliscope');
    const e = await createSessionFromPlan(plan, 'decoder', ioDecl('paliscope', 'decoder', L())).catch((x: unknown) => x);
    expect(isEngineError(e, 'INPUT_MISMATCH')).toBe(true);
    expect((e as Error).message).toMatch(/onnxruntime cannot load it/);
  });
});
