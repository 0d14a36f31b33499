// A checkpoint directory opened for conversion: the parsed config and lazy, one-tensor-at-a-time weight access by
// canonical name (either naming convention, single file or shards, F32/F16/BF16 storage).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig, type ModelSpec } from '../config';
import { openCheckpoint, readRowsF32, readTensorF32, type StoredTensor } from '../safetensors';
import { canonicalName, weightSpecs } from '../weights';

export class CheckpointSource {
  private constructor(readonly dir: string, readonly spec: ModelSpec, readonly rawConfig: Record<string, unknown>,
    private readonly tensors: Map<string, StoredTensor>) {}

  static async open(dir: string): Promise<CheckpointSource> {
    let cfg: Record<string, unknown>;
    try {
      cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`checkpoint ${dir}: cannot read config.json (${(e as Error).message})`);
    }
    const spec = parseConfig(cfg);
    const stored = await openCheckpoint(dir);
    const tensors = new Map<string, StoredTensor>();
    for (const [name, t] of stored) tensors.set(canonicalName(name), t);
    const missing = weightSpecs(spec).filter((w) => !tensors.has(w.name));
    if (missing.length) throw new Error(`checkpoint ${dir}: missing ${missing.length} tensors, e.g. ${missing.slice(0, 3).map((w) => w.name).join(', ')}`);
    for (const w of weightSpecs(spec)) {
      const got = tensors.get(w.name)!.shape;
      if (got.join(',') !== w.shape.join(',')) throw new Error(`checkpoint ${dir}: ${w.name} has shape [${got}], config implies [${w.shape}]`);
    }
    return new CheckpointSource(dir, spec, cfg, tensors);
  }

  /** Checked before every tensor read, so a long conversion stops promptly. */
  signal: AbortSignal | undefined;
  /** Told how many values each read returned: conversion progress is counted in weights read. */
  onRead: ((values: number) => void) | undefined;

  has(name: string): boolean { return this.tensors.has(name); }
  shape(name: string): number[] { return this.need(name).shape; }
  /** Reads one tensor as float32; the caller drops it before asking for the next. */
  get(name: string): Float32Array {
    this.signal?.throwIfAborted();
    const t = readTensorF32(this.need(name));
    this.onRead?.(t.length);
    return t;
  }
  /** Rows [row0, row0 + rows) of a 2-D tensor. */
  getRows(name: string, row0: number, rows: number): Float32Array {
    this.signal?.throwIfAborted();
    const t = readRowsF32(this.need(name), row0, rows);
    this.onRead?.(t.length);
    return t;
  }
  /** A 2-D tensor as a row source, for weights that are converted in row blocks. */
  rows(name: string): RowSource {
    const [rows, cols] = this.shape(name) as [number, number];
    return { rows, cols, read: (r0, n) => this.getRows(name, r0, n), all: () => this.get(name) };
  }
  private need(name: string): StoredTensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`checkpoint ${this.dir}: no tensor ${name}`);
    return t;
  }
}

/** A [rows, cols] matrix readable in row blocks (so a 2.4 GB table never has to be in memory at once). */
export interface RowSource { rows: number; cols: number; read(row0: number, n: number): Float32Array; all(): Float32Array }

/** Yields (row0, block) pairs of about `bytes` float32 bytes each. */
export function* rowBlocks(src: RowSource, bytes: number = 64 << 20): Iterable<[number, Float32Array]> {
  const per = Math.max(1, Math.floor(bytes / (4 * src.cols)));
  for (let r = 0; r < src.rows; r += per) yield [r, src.read(r, Math.min(per, src.rows - r))];
}
