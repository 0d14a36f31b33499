// Shared by run.ts (the parent) and one.ts (one engine per child process): engine names, prompts, the child's
// report shape, and where the cached models live.
import { join } from 'node:path';

export const ENGINES = ['tjs-oc', 'paliscope-oc', 'paliscope', 'paliscope-int8'] as const;
export type EngineName = (typeof ENGINES)[number];
export const ENGINE_LABEL: Record<EngineName, string> = {
  'tjs-oc': 'transformers.js, onnx-community layout',
  'paliscope-oc': 'Paliscope, onnx-community layout',
  paliscope: 'Paliscope, own layout',
  'paliscope-int8': 'Paliscope, own layout, int8',
};

/** Two questions about one page, as a user asks them: the second one may reuse whatever the first left behind. */
export const PROMPTS = ['caption en', 'answer en what is written in the top left corner'] as const;

export type Dtype = 'q4' | 'fp32';

/** onnx-community folder: transformers.js resolves `<localModelPath>/<id>/onnx/<name><suffix>.onnx`. */
export const OC_ID = 'onnx-community';
export const ocDir = (root: string) => join(root, OC_ID);
export const ownDir = (root: string, dtype: Dtype | 'int8') => join(root, `paliscope-${dtype}`);
/**
 * The folder an own-layout engine loads: 'paliscope' = the converter's defaults at the run's dtype; 'paliscope-int8' =
 * int8 matrices everywhere (DynamicQuantizeMatMul: the fastest prefill GEMM measured here, twice the weight bytes of q4).
 */
export const ownEngineDtype = (engine: 'paliscope' | 'paliscope-int8', dtype: Dtype): Dtype | 'int8' => (engine === 'paliscope-int8' ? 'int8' : dtype);

export interface PromptReport {
  prompt: string;
  promptTokens: number;
  /** Image read + decode + resize (Paliscope: hash only on a cache hit; transformers.js: RawImage.read + processor). */
  preprocessMs: number;
  visionMs: number;
  /** Prompt embedding + decoder prefill (transformers.js: embed_tokens + first decoder run, session time). */
  prefillMs: number;
  timeToFirstTokenMs: number;
  /** (tokens − 1) / (time of last token − time of first token). */
  decodeTokensPerSecond: number;
  tokens: number;
  ids: number[];
  totalMs: number;
  /** process.cpuUsage() user+sys over the prompt (all threads). */
  cpuMs: number;
  /**
   * CPU time (user+sys, every thread of the child) from the call to the first token, and per decoded token after it.
   * Other jobs on the shared cores stretch wall time several-fold but change these much less (a preempted thread
   * burns no CPU), so they are the second, steadier view of the same two figures.
   */
  cpuToFirstTokenMs: number;
  decodeCpuMsPerToken: number;
}

export interface ChildReport {
  engine: EngineName;
  dtype: Dtype;
  threads: number;
  loadMs: number;
  /** The decoder graph this engine ran (for bytes per token). */
  decoderFiles: string[];
  prompts: PromptReport[];
  /** Linux: /proc/self/status VmHWM (the kernel's peak resident set of the whole child, load included). */
  peakRssBytes: number;
  peakRssSource: 'VmHWM' | 'sampled rss';
  /** process.memoryUsage.rss() sampled every 20 ms over the child's life, for comparison with VmHWM. */
  sampledPeakRssBytes: number;
  /** process.cpuUsage() user+sys of the whole child (load included). */
  cpuMs: number;
  error?: string;
  /** Set by run.ts: the 1-minute load average just before this child started (how busy the shared cores were). */
  loadAverage1mBefore?: number;
}
