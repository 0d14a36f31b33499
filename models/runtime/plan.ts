// The session plan: which file (dtype variant) per component, which execution providers in which order, how many
// threads. Decided in ONE pure function from (what the model folder holds, the machine, the user's preference), then
// frozen and logged; sessions are only ever created from a plan (sessions.ts).
import { EngineError } from './errors';
import type { MachineInfo } from './machine';

/** transformers.js dtype names (doc §4.1); q8 is the `_quantized` file. */
export const DTYPES = ['fp32', 'fp16', 'int8', 'uint8', 'q8', 'q4', 'q4f16', 'bnb4'] as const;
export type Dtype = (typeof DTYPES)[number];
/** onnxruntime-node execution provider names. */
export type ProviderName = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';

export interface Variant { dtype: Dtype; /** path relative to the model folder */ file: string; /** incl. external data */ bytes: number }

export interface EnginePrefs {
  /** One dtype for every component, or per component (e.g. { decoder_model_merged: 'q4' }). */
  dtype?: Dtype | Partial<Record<string, Dtype>>;
  /** Providers to try in order; default: the machine's accelerator if any, then CPU. */
  providers?: ProviderName[];
  /** Append CPU when the requested providers fail or are missing (default true). */
  allowCpuFallback?: boolean;
  /** Intra-op threads (default: physical cores). */
  threads?: number;
  /** Upper bound on the summed model file sizes the default dtype choice may pick (default 60 % of RAM). */
  memoryBudgetBytes?: number;
}

export interface PlanInput {
  modelDir: string;
  family: string;
  layout: string;
  /** Per component, the dtype variants present in the folder. */
  variants: Record<string, Variant[]>;
  machine: MachineInfo;
  prefs?: EnginePrefs;
}

export interface ComponentPlan { file: string; dtype: Dtype; bytes: number }
export interface SessionPlan {
  readonly modelDir: string;
  readonly family: string;
  readonly layout: string;
  readonly components: Readonly<Record<string, Readonly<ComponentPlan>>>;
  /** Tried in this order at load; the one that worked is reported per session. */
  readonly providers: readonly ProviderName[];
  readonly threads: { readonly intraOp: number; readonly interOp: number };
  /** Why each choice was made (logged with the plan). */
  readonly notes: readonly string[];
}

// CPU kernels for fp16 are few in onnxruntime (fp16 graphs mostly run as casts around fp32 kernels), while 4-bit
// MatMulNBits has fast CPU kernels; GPUs prefer fp16. Order = preference when the budget allows.
const CPU_ORDER: Dtype[] = ['fp32', 'q4', 'int8', 'uint8', 'q8', 'bnb4', 'q4f16', 'fp16'];
const GPU_ORDER: Dtype[] = ['fp16', 'fp32', 'q4f16', 'q4', 'int8', 'uint8', 'q8', 'bnb4'];

export function providerAvailable(p: ProviderName, m: MachineInfo): string | null {
  switch (p) {
    case 'cpu': return null;
    case 'cuda':
      if (m.platform !== 'linux' && m.platform !== 'win32') return `CUDA is only offered on Linux and Windows (this is ${m.platform})`;
      return m.cudaInstalled ? null : 'the CUDA provider binaries of onnxruntime-node are not installed';
    case 'dml': return m.platform === 'win32' ? null : `DirectML needs Windows (this is ${m.platform})`;
    case 'coreml': return m.platform === 'darwin' ? null : `CoreML needs macOS (this is ${m.platform})`;
    case 'webgpu':
      // The builds onnxruntime-node 1.30 ships with WebGPU compiled in; whether a GPU (or a Vulkan/Metal/D3D12 driver)
      // is really there shows only when a session is created, and sessions.ts falls back with the reason.
      if ((m.platform === 'linux' && m.arch === 'x64') || m.platform === 'win32' || (m.platform === 'darwin' && m.arch === 'arm64')) return null;
      return `onnxruntime-node ships WebGPU only for Linux x64, Windows and macOS arm64 (this is ${m.platform}/${m.arch})`;
  }
}

function chooseProviders(m: MachineInfo, prefs: EnginePrefs, notes: string[]): ProviderName[] {
  // WebGPU is offered, not picked by default: on a machine without a real GPU it may land on a software rasterizer
  // (e.g. Mesa's llvmpipe), slower than the CPU provider.
  const auto: ProviderName[] = m.cudaInstalled ? ['cuda'] : m.platform === 'win32' ? ['dml'] : m.platform === 'darwin' ? ['coreml'] : [];
  const requested = prefs.providers ?? [...auto, 'cpu'];
  const out: ProviderName[] = [];
  for (const p of requested) {
    const why = providerAvailable(p, m);
    if (why) notes.push(`provider ${p} skipped: ${why}`);
    else if (!out.includes(p)) out.push(p);
  }
  if ((prefs.allowCpuFallback ?? true) && !out.includes('cpu')) {
    out.push('cpu');
    notes.push('cpu appended as fallback');
  }
  if (out.length === 0) {
    throw new EngineError('PROVIDER_UNAVAILABLE', `none of the requested providers [${requested.join(', ')}] is available on ${m.platform}/${m.arch} and CPU fallback is off`);
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

export function planSessions(input: PlanInput): SessionPlan {
  const prefs = input.prefs ?? {};
  const notes: string[] = [];
  const providers = chooseProviders(input.machine, prefs, notes);
  const order = providers[0] === 'cuda' || providers[0] === 'dml' ? GPU_ORDER : CPU_ORDER;
  const rank = (d: Dtype) => order.indexOf(d);
  const components: Record<string, ComponentPlan> = {};
  const free: string[] = [];
  for (const [name, variants] of Object.entries(input.variants)) {
    if (variants.length === 0) throw new EngineError('MODEL_NOT_FOUND', `${input.modelDir}: no ONNX file for component "${name}"`);
    const wanted = typeof prefs.dtype === 'string' ? prefs.dtype : prefs.dtype?.[name];
    if (wanted) {
      const v = variants.find((x) => x.dtype === wanted);
      if (!v) {
        throw new EngineError('MODEL_NOT_FOUND', `${input.modelDir}: component "${name}" has no ${wanted} file; available: ${variants.map((x) => `${x.dtype} (${x.file})`).join(', ')}`);
      }
      components[name] = { ...v };
      notes.push(`${name}: ${v.dtype} as requested`);
    } else {
      const best = [...variants].sort((a, b) => rank(a.dtype) - rank(b.dtype))[0]!;
      components[name] = { ...best };
      free.push(name);
    }
  }
  // Over budget: step the largest freely chosen component down to its most preferred smaller variant, repeatedly.
  const budget = prefs.memoryBudgetBytes ?? Math.floor(input.machine.totalMemoryBytes * 0.6);
  const total = () => Object.values(components).reduce((a, c) => a + c.bytes, 0);
  while (total() > budget) {
    const candidates = free
      .map((name) => ({ name, cur: components[name]!, smaller: input.variants[name]!.filter((v) => v.bytes < components[name]!.bytes) }))
      .filter((c) => c.smaller.length > 0)
      .sort((a, b) => b.cur.bytes - a.cur.bytes);
    const c = candidates[0];
    if (!c) { notes.push(`files total ${total()} bytes, over the ${budget}-byte budget, and no smaller variants remain`); break; }
    const next = [...c.smaller].sort((a, b) => rank(a.dtype) - rank(b.dtype))[0]!;
    notes.push(`${c.name}: ${c.cur.dtype} → ${next.dtype} to fit the ${budget}-byte memory budget`);
    components[c.name] = { ...next };
  }
  for (const name of free) notes.push(`${name}: ${components[name]!.dtype} (preferred for ${providers[0]} among ${input.variants[name]!.map((v) => v.dtype).join(', ')})`);
  const intraOp = prefs.threads ?? input.machine.physicalCores;
  if (!Number.isInteger(intraOp) || intraOp < 1) throw new EngineError('BAD_INPUT', `threads ${intraOp}: expected a positive integer`);
  return deepFreeze({
    modelDir: input.modelDir, family: input.family, layout: input.layout, components, providers,
    threads: { intraOp, interOp: 1 }, notes,
  });
}

export function describePlan(p: SessionPlan): string {
  const comps = Object.entries(p.components).map(([n, c]) => `${n}=${c.file} (${c.dtype}, ${(c.bytes / 1e6).toFixed(1)} MB)`).join(', ');
  return `session plan for ${p.family}/${p.layout} in ${p.modelDir}: ${comps}; providers ${p.providers.join(' → ')}; threads ${p.threads.intraOp}; ${p.notes.join('; ')}`;
}
