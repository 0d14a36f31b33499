// A models folder the app can list and run, made from the project's own tiny random-weight
// PaliGemma (real models cannot be downloaded here): the same checkpoint converted to both layouts
// (fp32), plus two broken copies the error paths are tested with. Idempotent: a stamp records the
// version, and a folder with everything in place at the same version is left alone.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixture } from '../../models/onnx/fixture';
import { convertCheckpoint } from '../../models/onnx/convert/convert';

/** Bump when the fixture, the conversion or the broken copies change so stale folders are remade. */
const TINY_MODELS_VERSION = '1';
const STAMP = '.paliscope-test-models.json';

export const TINY_MODELS = {
  /** Paliscope layout (paliscope.json + three graphs). */
  paliscope: 'tiny-paligemma',
  /** onnx-community layout (onnx/*.onnx, transformers.js names). */
  onnxCommunity: 'tiny-paligemma-onnx-community',
  /** Paliscope layout with decoder.onnx cut to half its length: fails when loaded. */
  truncated: 'broken-truncated-decoder',
  /** Paliscope layout without embed_tokens.onnx: the folder scan names the missing file. */
  missingFile: 'broken-missing-embed-tokens',
} as const;

export async function prepareTinyModels(dir: string): Promise<Record<keyof typeof TINY_MODELS, string>> {
  const paths = Object.fromEntries(Object.entries(TINY_MODELS).map(([k, name]) => [k, join(dir, name)])) as Record<keyof typeof TINY_MODELS, string>;
  const stampPath = join(dir, STAMP);
  const stamped = existsSync(stampPath) && (JSON.parse(await readFile(stampPath, 'utf8')) as { version?: string }).version === TINY_MODELS_VERSION;
  if (stamped && Object.values(paths).every((p) => existsSync(p))) return paths;

  await mkdir(dir, { recursive: true });
  for (const p of Object.values(paths)) await rm(p, { recursive: true, force: true });
  const work = await mkdtemp(join(tmpdir(), 'paliscope-tiny-checkpoint-'));
  try {
    writeFixture({ preset: 'tiny', seed: 11, outDir: work });
    await convertCheckpoint({ checkpointDir: work, outDir: paths.paliscope, layout: 'paliscope', dtype: 'fp32' });
    await convertCheckpoint({ checkpointDir: work, outDir: paths.onnxCommunity, layout: 'onnx-community', dtype: 'fp32' });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  await cp(paths.paliscope, paths.truncated, { recursive: true });
  const decoder = join(paths.truncated, 'decoder.onnx');
  await truncate(decoder, Math.floor((await stat(decoder)).size / 2));
  await cp(paths.paliscope, paths.missingFile, { recursive: true });
  await rm(join(paths.missingFile, 'embed_tokens.onnx'));
  await writeFile(stampPath, JSON.stringify({ version: TINY_MODELS_VERSION }));
  return paths;
}
