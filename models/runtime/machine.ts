// What the session plan needs to know about the machine. Detected once by the host (or faked in tests) and passed in,
// so planning is a pure function.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import os from 'node:os';

export interface MachineInfo {
  platform: NodeJS.Platform;
  arch: string;
  logicalCores: number;
  /** Physical cores; onnxruntime's intra-op pool gains little from SMT siblings on matmul-bound models. */
  physicalCores: number;
  totalMemoryBytes: number;
  /** onnxruntime-node's CUDA provider library is installed next to its binding (it is an optional download). */
  cudaInstalled: boolean;
}

/** Unique (physical id, core id) pairs in /proc/cpuinfo; null when the file has no such fields (some VMs, ARM). */
export function physicalCoresFromCpuinfo(text: string): number | null {
  const cores = new Set<string>();
  let phys = '0';
  for (const line of text.split('\n')) {
    const m = /^(physical id|core id)\s*:\s*(\d+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'physical id') phys = m[2]!;
    else cores.add(`${phys}:${m[2]}`);
  }
  return cores.size > 0 ? cores.size : null;
}

function physicalCores(platform: NodeJS.Platform, logical: number): number {
  try {
    if (platform === 'linux') return physicalCoresFromCpuinfo(readFileSync('/proc/cpuinfo', 'utf8')) ?? logical;
    if (platform === 'darwin') return Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8' }).trim()) || logical;
  } catch { /* fall through: an unreadable source means we use the logical count */ }
  // Windows: no cheap synchronous query; the logical count over-subscribes SMT siblings a little but is safe.
  return logical;
}

/** Directory holding onnxruntime-node's native binding for this platform/arch. */
export function ortBinaryDir(platform: string = process.platform, arch: string = process.arch): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    return join(dirname(pkg), 'bin', 'napi-v6', platform, arch);
  } catch {
    return null;
  }
}

export function detectMachine(): MachineInfo {
  const platform = process.platform;
  const logical = os.availableParallelism();
  const bin = ortBinaryDir();
  const cudaLib = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return {
    platform, arch: process.arch, logicalCores: logical, physicalCores: physicalCores(platform, logical),
    totalMemoryBytes: os.totalmem(),
    cudaInstalled: (platform === 'linux' || platform === 'win32') && bin !== null && existsSync(join(bin, cudaLib)),
  };
}
