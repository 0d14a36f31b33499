import { describe, expect, it } from 'vitest';
import { isEngineError } from './errors';
import type { MachineInfo } from './machine';
import { physicalCoresFromCpuinfo } from './machine';
import { describePlan, planSessions, providerAvailable, type PlanInput, type Variant } from './plan';

const linux: MachineInfo = { platform: 'linux', arch: 'x64', logicalCores: 8, physicalCores: 4, totalMemoryBytes: 16e9, cudaInstalled: false };
const GB = 1e9;
const v = (dtype: Variant['dtype'], bytes: number, base = 'decoder_model_merged'): Variant => ({ dtype, bytes, file: `onnx/${base}_${dtype}.onnx` });
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  modelDir: '/m', family: 'paligemma', layout: 'onnx-community', machine: linux,
  variants: {
    vision_encoder: [v('fp32', 1.66 * GB, 'vision_encoder'), v('fp16', 0.84 * GB, 'vision_encoder'), v('q4', 0.28 * GB, 'vision_encoder')],
    embed_tokens: [v('fp32', 2.37 * GB, 'embed_tokens'), v('q4', 2.37 * GB, 'embed_tokens')],
    decoder: [v('fp32', 10.5 * GB), v('fp16', 5.2 * GB), v('q4', 1.5 * GB), v('q4f16', 1.4 * GB)],
  },
  ...over,
});

describe('planSessions', () => {
  it('on a CPU machine prefers fp32 while it fits, then steps the largest component down', () => {
    const small = planSessions(input({ machine: { ...linux, totalMemoryBytes: 64e9 } }));
    expect(Object.values(small.components).map((c) => c.dtype)).toEqual(['fp32', 'fp32', 'fp32']);
    const p = planSessions(input()); // 16 GB RAM → 9.6 GB budget
    expect(p.components.decoder!.dtype).toBe('q4');
    expect(p.components.vision_encoder!.dtype).toBe('fp32');
    expect(p.notes.join('\n')).toMatch(/decoder: fp32 → q4/);
  });

  it('honours a requested dtype, globally or per component, and names what exists when it does not', () => {
    expect(planSessions(input({ prefs: { dtype: { decoder: 'fp16' } } })).components.decoder!.dtype).toBe('fp16');
    let err: unknown;
    try { planSessions(input({ prefs: { dtype: 'bnb4' } })); } catch (e) { err = e; }
    expect(isEngineError(err, 'MODEL_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toMatch(/no bnb4 file; available: fp32 .*fp16 .*q4/);
  });

  it('threads default to physical cores; providers: CPU always, accelerators only where they exist', () => {
    const p = planSessions(input());
    expect(p.threads).toEqual({ intraOp: 4, interOp: 1 });
    expect(p.providers).toEqual(['cpu']);
    const cuda = planSessions(input({ machine: { ...linux, cudaInstalled: true } }));
    expect(cuda.providers).toEqual(['cuda', 'cpu']);
    expect(cuda.components.decoder!.dtype).toBe('fp16'); // GPU order prefers fp16
    expect(planSessions(input({ machine: { ...linux, platform: 'win32' } })).providers).toEqual(['dml', 'cpu']);
    expect(planSessions(input({ machine: { ...linux, platform: 'darwin', arch: 'arm64' } })).providers).toEqual(['coreml', 'cpu']);
  });

  it('skips unavailable requested providers with a reason, and fails without CPU fallback', () => {
    const p = planSessions(input({ prefs: { providers: ['dml', 'cuda'] } }));
    expect(p.providers).toEqual(['cpu']);
    expect(p.notes.join('\n')).toMatch(/dml skipped: DirectML needs Windows/);
    let err: unknown;
    try { planSessions(input({ prefs: { providers: ['coreml'], allowCpuFallback: false } })); } catch (e) { err = e; }
    expect(isEngineError(err, 'PROVIDER_UNAVAILABLE')).toBe(true);
  });

  it('is frozen and describable', () => {
    const p = planSessions(input({ prefs: { threads: 2 } }));
    expect(Object.isFrozen(p) && Object.isFrozen(p.components) && Object.isFrozen(p.components.decoder)).toBe(true);
    expect(() => { (p.components.decoder as { dtype: string }).dtype = 'fp32'; }).toThrow();
    expect(describePlan(p)).toMatch(/decoder=onnx\/decoder_model_merged_q4\.onnx \(q4, 1500\.0 MB\).*threads 2/);
  });
});

describe('WebGPU', () => {
  it('is offered where onnxruntime-node ships it, never picked by default, and skipped elsewhere with the reason', () => {
    expect(providerAvailable('webgpu', linux)).toBeNull();
    expect(providerAvailable('webgpu', { ...linux, platform: 'darwin', arch: 'arm64' })).toBeNull();
    expect(providerAvailable('webgpu', { ...linux, platform: 'win32' })).toBeNull();
    expect(planSessions(input()).providers).toEqual(['cpu']);
    const p = planSessions(input({ machine: { ...linux, arch: 'arm64' }, prefs: { providers: ['webgpu'] } }));
    expect(p.providers).toEqual(['cpu']);
    expect(p.notes.join('\n')).toMatch(/provider webgpu skipped: onnxruntime-node ships WebGPU only for Linux x64, Windows and macOS arm64 \(this is linux\/arm64\)/);
    expect(planSessions(input({ prefs: { providers: ['webgpu'] } })).providers).toEqual(['webgpu', 'cpu']);
  });
});

describe('physicalCoresFromCpuinfo', () => {
  it('counts unique (physical id, core id) pairs, not SMT siblings', () => {
    const cpu = (p: number, c: number) => `processor\t: x\nphysical id\t: ${p}\ncore id\t\t: ${c}\n`;
    expect(physicalCoresFromCpuinfo([cpu(0, 0), cpu(0, 1), cpu(0, 0), cpu(0, 1), cpu(1, 0)].join('\n'))).toBe(3);
    expect(physicalCoresFromCpuinfo('processor : 0\n')).toBeNull();
  });
});
