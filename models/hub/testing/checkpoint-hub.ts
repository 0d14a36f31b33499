// The imitation hub serving random-weight checkpoints in Google's layout (config.json, tokenizer and processor files,
// model-0000k-of-0000n.safetensors + model.safetensors.index.json, bf16 at real widths), under the names of Google's
// gated repositories, so `paliscope models download google/paligemma2-3b-mix-448` runs against it exactly as against
// the hub. Also a repository that is not PaliGemma (a Gemma 2 language model) for the refusal. Tests, the e2e host and
// the conversion benchmark use it; nothing here is shipped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFixture, type FixtureOptions, type PresetName } from '../../onnx/fixture';
import { writeSafetensors } from '../../onnx/safetensors';
import { startImitationHub, type ImitationHub, type ImitationRepo } from './imitation-hub';

export const CHECKPOINT_TOKEN = 'hf_checkpoint_granted_token';
/** A tiny PaliGemma 2 checkpoint under the name of the catalog's Google original. */
export const TINY_ORIGINAL = 'google/paligemma2-3b-mix-448';
/** A fine-tune someone published in the same format, not in the catalog and not gated. */
export const TINY_FINETUNE = 'someone/paligemma2-tiny-finetune';
/** A Gemma 2 language model: a real checkpoint, but not a PaliGemma one. */
export const NOT_PALIGEMMA = 'google/gemma-2-tiny';

export interface CheckpointRepoSpec {
  preset: PresetName;
  layers?: number;
  seed?: number;
  /** Shard size; Google's shards are up to 5 GB. */
  shardBytes: number;
  gated: boolean;
  fixture?: Partial<Omit<FixtureOptions, 'outDir' | 'preset'>>;
}

/** Writes one checkpoint repository's files into `dir` (a random-weight PaliGemma in Google's sharded layout). */
export function writeCheckpointRepo(dir: string, s: CheckpointRepoSpec): void {
  writeFixture({ preset: s.preset, outDir: dir, layers: s.layers, seed: s.seed ?? 7, shardBytes: s.shardBytes, ...s.fixture });
  writeFileSync(join(dir, 'README.md'), '---\nlicense: gemma\n---\nRandom weights in the layout of a PaliGemma 2 checkpoint, for tests.\n');
}

/** A Gemma 2 causal language model's config and one shard: the hub holds many of these, and none is a PaliGemma. */
export function writeNotPaliGemmaRepo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['Gemma2ForCausalLM'], model_type: 'gemma2', hidden_size: 64, num_hidden_layers: 1 }, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), '{}');
  writeSafetensors(join(dir, 'model-00001-of-00001.safetensors'), [{ name: 'model.embed_tokens.weight', dtype: 'F32', shape: [4, 4] }], () => [new Uint8Array(64)]);
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 64 }, weight_map: { 'model.embed_tokens.weight': 'model-00001-of-00001.safetensors' } }));
}

/** The hub serving the given repositories (written under `root`), gated ones granted to CHECKPOINT_TOKEN. */
export async function startCheckpointHub(root: string, repos: Record<string, CheckpointRepoSpec | 'not-paligemma'>): Promise<ImitationHub> {
  const served: Record<string, ImitationRepo> = {};
  for (const [name, spec] of Object.entries(repos)) {
    const dir = join(root, name.replace('/', '--'));
    if (spec === 'not-paligemma') writeNotPaliGemmaRepo(dir);
    else writeCheckpointRepo(dir, spec);
    served[name] = { dir, ...(spec !== 'not-paligemma' && spec.gated ? { grantedToken: CHECKPOINT_TOKEN } : {}) };
  }
  return startImitationHub(served);
}

/** The tiny repositories the tests and the e2e host use: a gated original, an open fine-tune, a non-PaliGemma. */
export function startTinyCheckpointHub(root: string): Promise<ImitationHub> {
  const tiny: CheckpointRepoSpec = { preset: 'tiny', seed: 21, shardBytes: 400_000, gated: true };
  return startCheckpointHub(root, {
    [TINY_ORIGINAL]: tiny,
    [TINY_FINETUNE]: { ...tiny, seed: 22, gated: false },
    [NOT_PALIGEMMA]: 'not-paligemma',
  });
}
