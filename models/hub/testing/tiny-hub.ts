// The imitation hub serving the project's tiny random-weight PaliGemma (onnx-community layout, fp32) as
// `paliscope/tiny-test`, and a gated copy as `paliscope/tiny-gated`, with a catalog file naming both. Used by the
// hub tests, the CLI tests and the e2e host (PALISCOPE_HF_ENDPOINT + PALISCOPE_MODEL_CATALOG); the shipped catalog
// never names them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogEntry } from '../catalog';
import { startImitationHub, type ImitationHub } from './imitation-hub';

export const TINY_GRANTED_TOKEN = 'hf_tiny_granted_token';

const entry = (id: string, repo: string, gated: boolean): CatalogEntry => ({
  id, name: id === 'tiny-test' ? 'Tiny test PaliGemma (random weights)' : 'Tiny gated PaliGemma (random weights)', family: 'paligemma2',
  source: { kind: 'hub', repo, revision: 'main', layout: 'onnx-community', confirmed: true },
  tasks: ['caption', 'describe', 'answer', 'ocr', 'detect', 'segment'], resolution: 56,
  licence: { name: 'test only', url: null, note: 'random weights for tests' }, gated, sharedBytes: null,
  variants: [{ dtype: 'fp32', sizes: { vision_encoder: null, embed_tokens: null, decoder_model_merged: null } }],
});

/** `modelDir`: a tiny model in the onnx-community layout (e.g. prepareTinyModel('onnx-community').modelDir). */
export async function startTinyHub(modelDir: string, catalogDir: string): Promise<{ hub: ImitationHub; catalogPath: string }> {
  const hub = await startImitationHub({
    'paliscope/tiny-test': { dir: modelDir },
    'paliscope/tiny-gated': { dir: modelDir, grantedToken: TINY_GRANTED_TOKEN },
  });
  const catalogPath = join(catalogDir, 'tiny-catalog.json');
  writeFileSync(catalogPath, JSON.stringify({ version: 1, models: [entry('tiny-test', 'paliscope/tiny-test', false), entry('tiny-gated', 'paliscope/tiny-gated', true)] }, null, 2));
  return { hub, catalogPath };
}
