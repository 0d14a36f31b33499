// A Google original from the (imitation) hub to a model Paliscope runs: the gate, the config check before any weights,
// download → convert → run equal to converting the same files by hand, resuming an interrupted download and an
// interrupted conversion, the disk and memory refusals, the recorded origin, and `paliscope models download`.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { convertCheckpoint, type GraphName } from '../onnx/convert/convert';
import type { MachineInfo } from '../runtime/machine';
import { createPaliGemma } from '../paligemma/engine';
import { testImagePng } from '../paligemma/test-images';
import { loadCatalog } from './catalog';
import { convertInProcess, installCheckpoint, workDirOf, type CheckpointInstallOptions, type ConvertGraphs } from './checkpoint-install';
import { run } from './cli';
import { DOWNLOAD_MANIFEST, DownloadControl } from './downloader';
import { HubError } from './errors';
import { HubClient } from './hub-client';
import { resolveInstallTarget } from './install';
import { CHECKPOINT_TOKEN, NOT_PALIGEMMA, TINY_FINETUNE, TINY_ORIGINAL, startTinyCheckpointHub } from './testing/checkpoint-hub';
import { REVISION_SHA, type ImitationHub } from './testing/imitation-hub';

const machine: MachineInfo = { platform: 'linux', arch: 'x64', logicalCores: 2, physicalCores: 2, totalMemoryBytes: 8e9, cudaInstalled: false };
let root: string;
let hub: ImitationHub;
let modelsDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paliscope-checkpoint-'));
  hub = await startTinyCheckpointHub(join(root, 'hub'));
});
afterAll(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  modelsDir = mkdtempSync(join(root, 'models-'));
  hub.requests.length = 0;
});

const client = (token: string | null = CHECKPOINT_TOKEN) => new HubClient({ endpoint: hub.endpoint, token });
const install = (over: Partial<CheckpointInstallOptions> = {}) => installCheckpoint({
  client: client(), repo: TINY_ORIGINAL, modelsDir, name: 'paligemma2-3b-mix-448-q4', dtype: 'q4', backoffMs: 1, ...over,
});
async function failure(p: Promise<unknown>): Promise<HubError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const shardRequests = () => hub.requests.filter((r) => /\.safetensors(\?|$)/.test(r.url));
const hubDir = (repo: string) => join(root, 'hub', repo.replace('/', '--'));

describe('a Hugging Face checkpoint from the hub, converted here', () => {
  it('the shipped catalog sends google/paligemma2-3b-mix-448 --dtype q4 down the checkpoint path', () => {
    const t = resolveInstallTarget(loadCatalog([]), TINY_ORIGINAL, 'q4');
    expect(t).toMatchObject({ kind: 'checkpoint', repo: TINY_ORIGINAL, dtype: 'q4', name: 'paligemma2-3b-mix-448-q4', entry: { id: 'paligemma2-3b-mix-448', gated: true } });
    expect(resolveInstallTarget(loadCatalog([]), 'paligemma2-3b-mix-448')).toMatchObject({ kind: 'checkpoint', dtype: 'q4' });
    expect(resolveInstallTarget(loadCatalog([]), TINY_FINETUNE, 'int8')).toMatchObject({ kind: 'checkpoint', entry: null, name: 'someone--paligemma2-tiny-finetune-int8' });
    expect(() => resolveInstallTarget(loadCatalog([]), TINY_FINETUNE, 'bnb4')).toThrow(/converted on this machine, to one of q4, int8, fp16, fp32; "bnb4"/);
    expect(() => resolveInstallTarget(loadCatalog([]), 'paligemma2-3b-mix-448', 'q4f16')).toThrow(/has no q4f16 variant/);
  });

  it('a gated original without a token: the hub\'s refusal and the licence link, and no weights requested', async () => {
    const err = await failure(install({ client: client(null) }));
    expect(err.code).toBe('GATED');
    expect(err.message).toContain(`${TINY_ORIGINAL} is gated and needs an access token (HTTP 401)`);
    expect(err.message).toContain(`The hub says: Access to model ${TINY_ORIGINAL} is restricted`);
    expect(err.licenceUrl).toBe(`${hub.endpoint}/${TINY_ORIGINAL}`);
    expect(err.message).toContain(`Accept the model's licence at ${hub.endpoint}/${TINY_ORIGINAL}`);
    expect(shardRequests()).toEqual([]);
    const wrong = await failure(install({ client: client('hf_not_granted') }));
    expect(wrong.message).toMatch(/token was refused .*HTTP 403.*The hub says: .*not in the authorized list/);
  });

  it('download → convert → run: the same files converted by hand give the same graphs and the same greedy output', async () => {
    const phases = new Set<string>();
    const graphs: string[] = [];
    const r = await install({ onProgress: (p) => { phases.add(p.phase); if (p.phase === 'convert' && graphs.at(-1) !== p.graph) graphs.push(p.graph); } });
    expect([...phases]).toEqual(['download', 'convert']);
    expect(graphs).toEqual(['vision_encoder', 'embed_tokens', 'decoder']);
    expect(r.location).toBe(join(modelsDir, 'paligemma2-3b-mix-448-q4'));
    expect(r.commit).toBe(REVISION_SHA);
    // Pinned to the commit, and the weights went through the CDN redirect without the token.
    expect(hub.requests.filter((q) => q.url.includes('/resolve/')).every((q) => q.url.includes(`/resolve/${REVISION_SHA}/`))).toBe(true);
    expect(shardRequests().filter((q) => q.url.startsWith('/cdn-lfs/')).every((q) => q.authorization === null)).toBe(true);
    // The source shards are gone; the models folder holds only the model.
    expect(readdirSync(modelsDir)).toEqual(['paligemma2-3b-mix-448-q4']);
    expect(r.keptSource).toBeNull();

    const byHand = join(root, 'by-hand');
    rmSync(byHand, { recursive: true, force: true });
    await convertCheckpoint({ checkpointDir: hubDir(TINY_ORIGINAL), outDir: byHand, dtype: 'q4', layout: 'paliscope' });
    for (const f of ['vision_encoder.onnx', 'embed_tokens.onnx', 'decoder.onnx']) expect(sha(join(r.location, f))).toBe(sha(join(byHand, f)));

    const image = await testImagePng('photo');
    const [a, b] = await Promise.all([r.location, byHand].map((dir) => createPaliGemma({ modelDir: dir, machine, prefs: { threads: 1 } })));
    try {
      const ga = await a!.generate({ image, prompt: 'caption en', maxNewTokens: 10 });
      const gb = await b!.generate({ image, prompt: 'caption en', maxNewTokens: 10 });
      expect(ga.ids.length).toBeGreaterThan(0);
      expect(ga.ids).toEqual(gb.ids);
      expect(ga.logprobs).toEqual(gb.logprobs);
    } finally {
      await Promise.all([a!.dispose(), b!.dispose()]);
    }

    // Where it came from: repository, commit, every source file's checksum, dtype, converter version, outputs.
    const manifest = JSON.parse(readFileSync(join(r.location, DOWNLOAD_MANIFEST), 'utf8'));
    const served = hub.files(TINY_ORIGINAL);
    expect(manifest).toMatchObject({
      source: 'hub-checkpoint', repo: TINY_ORIGINAL, commit: REVISION_SHA, dtype: 'q4', layout: 'paliscope',
      converter: { name: 'paliscope', version: pkg.version, format: 'paliscope-onnx 1', q4Block: 32 },
    });
    for (const f of served.filter((x) => x.path.endsWith('.safetensors'))) {
      expect(manifest.files).toContainEqual(expect.objectContaining({ path: f.path, size: f.size, sha256: f.sha256 }));
    }
    expect(manifest.files.map((f: { path: string }) => f.path)).not.toContain('README.md');
    expect(manifest.outputs).toContainEqual(expect.objectContaining({ path: 'decoder.onnx', sha256: sha(join(r.location, 'decoder.onnx')) }));
  });

  it('refuses a repository that is not a PaliGemma checkpoint after reading only its config.json', async () => {
    const err = await failure(install({ repo: NOT_PALIGEMMA, name: 'x-q4' }));
    expect(err.code).toBe('NOT_PALIGEMMA');
    expect(err.message).toBe(`${NOT_PALIGEMMA} is not a checkpoint Paliscope can convert: its config.json says model_type "gemma2", architectures Gemma2ForCausalLM. Paliscope converts Hugging Face PaliGemmaForConditionalGeneration checkpoints (PaliGemma and PaliGemma 2) in safetensors; nothing was downloaded besides config.json`);
    const files = hub.requests.filter((q) => q.url.includes('/resolve/')).map((q) => q.url.split('/').pop());
    expect(files).toEqual(['config.json']);
    expect(shardRequests()).toEqual([]);
  });

  it('an interrupted download resumes from the bytes it has, and a dropped connection mid-shard costs nothing', async () => {
    const shard = hub.files(TINY_ORIGINAL).find((f) => f.path.startsWith('model-00001'))!;
    hub.misbehave.dropAfter.set(shard.path, 100_000);
    const err = await failure(install({ retries: 0 }));
    expect(err.code).toBe('NETWORK');
    const part = join(workDirOf(modelsDir, 'paligemma2-3b-mix-448-q4'), 'source', `${shard.path}.part`);
    expect(existsSync(part)).toBe(true);
    expect(readdirSync(modelsDir)).toEqual(['.checkpoints']); // nothing that looks like a model
    const r = await install();
    expect(r.resumedBytes).toBeGreaterThanOrEqual(100_000);
    // The hub's resolve and its CDN both see the Range of the bytes already on disk.
    const ranges = hub.requests.filter((q) => q.url.includes(shard.path) && q.range !== null).map((q) => q.range);
    expect(ranges.length).toBeGreaterThan(0);
    expect(new Set(ranges)).toEqual(new Set(['bytes=100000-']));
    expect(existsSync(join(r.location, 'decoder.onnx'))).toBe(true);
  });

  it('an interrupted conversion resumes at the graph it stopped in', async () => {
    const control = new DownloadControl();
    const converted: GraphName[] = [];
    const pausingConvert: ConvertGraphs = async (o) => {
      if (o.graphs.includes('embed_tokens')) control.pause(); // stop while the second graph is being written
      await convertInProcess(o);
      converted.push(...o.graphs);
    };
    const err = await failure(install({ control, convert: pausingConvert }));
    expect(err.code).toBe('PAUSED');
    expect(converted).toEqual(['vision_encoder']);
    const again: GraphName[] = [];
    const logs: string[] = [];
    const r = await install({ convert: async (o) => { again.push(...o.graphs); await convertInProcess(o); }, log: (m) => logs.push(m) });
    expect(again).toEqual(['embed_tokens', 'decoder']);
    expect(r.graphsResumed).toEqual(['vision_encoder']);
    expect(logs).toContain('resuming the conversion: vision_encoder already converted');
    expect(r.resumedBytes).toBe(r.downloadedBytes); // nothing downloaded twice
    const byHand = join(root, 'by-hand-2');
    await convertCheckpoint({ checkpointDir: hubDir(TINY_ORIGINAL), outDir: byHand, dtype: 'q4', layout: 'paliscope' });
    for (const f of ['vision_encoder.onnx', 'embed_tokens.onnx', 'decoder.onnx']) expect(sha(join(r.location, f))).toBe(sha(join(byHand, f)));
  });

  it('refuses before downloading weights when the disk or the memory cannot hold the conversion', async () => {
    const disk = await failure(install({ freeSpace: async () => 500_000 }));
    expect(disk.code).toBe('DISK_FULL');
    expect(disk.message).toMatch(/needs [\d.]+ [kM]B \([\d.]+ [kM]B to download \+ [\d.]+ [kM]B for the converted q4 model \(estimate\)\) but only 500 kB is free/);
    const memory = await failure(install({ memoryBytes: 100e6 }));
    expect(memory.code).toBe('TOO_BIG');
    expect(memory.message).toMatch(/converting it to q4 needs about [\d.]+ MB of memory at its peak \(estimate\), and this machine offers 100 MB/);
    expect(shardRequests()).toEqual([]);
  });

  it('keeps the downloaded checkpoint when asked, and refuses to overwrite an installed model', async () => {
    const r = await install({ repo: TINY_FINETUNE, name: 'ft-fp16', dtype: 'fp16', keepSource: true });
    expect(r.keptSource).toBe(join(workDirOf(modelsDir, 'ft-fp16'), 'source'));
    const shards = hub.files(TINY_FINETUNE).map((f) => f.path).filter((p) => p.endsWith('.safetensors'));
    expect(shards.length).toBeGreaterThan(1);
    expect(readdirSync(r.keptSource!)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors.index.json', 'tokenizer.json', ...shards]));
    expect((await failure(install({ repo: TINY_FINETUNE, name: 'ft-fp16', dtype: 'fp16' }))).code).toBe('EXISTS');
  });

  it('`paliscope models download google/paligemma2-3b-mix-448 --dtype q4` with HF_TOKEN, from the hub at HF_ENDPOINT', async () => {
    vi.stubEnv('HF_ENDPOINT', hub.endpoint);
    vi.stubEnv('PALISCOPE_HF_ENDPOINT', '');
    vi.stubEnv('PALISCOPE_MODEL_CATALOG', '');
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
    try {
      vi.stubEnv('HF_TOKEN', '');
      expect(await run(['download', TINY_ORIGINAL, '--dtype', 'q4', '--models-dir', modelsDir])).toBe(1);
      expect(err).toMatch(/is gated and needs an access token \(HTTP 401\)\. Accept the model's licence at http:\/\/127\.0\.0\.1:\d+\/google\/paligemma2-3b-mix-448/);
      err = '';
      vi.stubEnv('HF_TOKEN', CHECKPOINT_TOKEN);
      expect(await run(['download', TINY_ORIGINAL, '--dtype', 'q4', '--models-dir', modelsDir])).toBe(0);
    } finally {
      o.mockRestore();
      e.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(err).toMatch(/paligemma2-3b-mix-448 download: 100 %/);
    expect(err).toMatch(/paligemma2-3b-mix-448 convert decoder \(3\/3\): 100 %/);
    expect(out).toContain(`downloaded ${TINY_ORIGINAL} at commit ${REVISION_SHA.slice(0, 12)}`);
    expect(out).toContain(`installed as ${join(modelsDir, 'paligemma2-3b-mix-448-q4')}`);
    expect(out).toContain('the downloaded checkpoint was deleted');
    expect(readdirSync(modelsDir)).toEqual(['paligemma2-3b-mix-448-q4']);
  });
});
