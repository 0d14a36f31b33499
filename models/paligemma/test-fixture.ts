// Tiny converted PaliGemma models for tests and benchmarks: a random-weight checkpoint from models/onnx's fixture
// writer, converted to the requested layout in a temp folder (tens of milliseconds for the tiny preset).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '../onnx/config';
import { convertCheckpoint, type ConvertOptions } from '../onnx/convert/convert';
import { writeFixture, type FixtureOptions } from '../onnx/fixture';

export interface TinyModel { root: string; checkpointDir: string; modelDir: string; spec: ModelSpec; cleanup(): void }

export async function prepareTinyModel(layout: 'paliscope' | 'onnx-community', fixture: Partial<Omit<FixtureOptions, 'outDir'>> = {}, convert: Partial<ConvertOptions> = {}): Promise<TinyModel> {
  const root = mkdtempSync(join(tmpdir(), `paliscope-pg-${layout}-`));
  const checkpointDir = join(root, 'checkpoint');
  const modelDir = join(root, 'model');
  const { spec } = writeFixture({ preset: 'tiny', seed: 11, ...fixture, outDir: checkpointDir });
  await convertCheckpoint({ ...convert, checkpointDir, outDir: modelDir, layout });
  return { root, checkpointDir, modelDir, spec, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
