// A Hugging Face PaliGemma checkpoint (Google's gated originals, or anyone's fine-tune in the same format) from the hub
// to a model in Paliscope's own layout, on this machine:
//   1. the revision is pinned to its commit, the file list read (open even for gated repositories), config.json
//      downloaded alone and checked: a repository that is not a PaliGemma checkpoint is refused before any weights;
//   2. the converted size and the converter's peak memory are computed from the config and checked against this
//      machine (disk: what is left to download + the converted model; memory: the peak) with a clear refusal;
//   3. the safetensors shards and side files are downloaded with the verified, resumable downloader;
//   4. the checkpoint is converted graph by graph (vision encoder, embedding, decoder), each recorded when done, so an
//      interrupted conversion resumes at the graph it stopped in;
//   5. the result is checked (layout and config readable, every graph written), its origin recorded (repository,
//      commit, every source file's checksum, dtype, converter version) and moved into the models folder in one
//      rename; the downloaded shards are then deleted unless the caller keeps them.
// Work happens in `<models>/.checkpoints/<name>/` (a dot folder: never listed as a model, and kept across restarts so a
// 56 GB download is never fetched twice). Pause keeps it; cancel removes it.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { GRAPH_NAMES, type GraphName } from '../onnx/convert/convert';
import type { ModelSpec } from '../onnx/config';
import { scanModelDir } from '../paligemma/layout';
import { loadPaliGemmaConfig } from '../paligemma/model-config';
import { checkCheckpointConfig, MAX_CONFIG_BYTES } from './checkpoint-config';
import { estimateConversion, memoryLimit, type ConversionEstimate, type ConvertDtype } from './conversion-estimate';
import { DOWNLOAD_MANIFEST, DownloadControl, downloadFilesInto, formatBytes, type DownloadOptions, type DownloadProgress } from './downloader';
import { HubError, isHubError } from './errors';
import type { HubClient, HubEntry } from './hub-client';

export const CHECKPOINT_WORK_DIR = '.checkpoints';
/** Recorded in every converted model's manifest. */
export const CONVERTER = { name: 'paliscope', version: pkg.version, format: 'paliscope-onnx 1', layout: 'paliscope', q4Block: 32 } as const;

/** Files besides the weights that a converted model keeps (tokenizer, processor and generation settings). */
const SIDE_FILES = ['config.json', 'preprocessor_config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json'];
const REQUIRED_SIDE_FILES = ['config.json', 'tokenizer.json'];
const INDEX = 'model.safetensors.index.json';
const SHARD = /^model-(\d{5})-of-(\d{5})\.safetensors$/;

export type InstallProgress =
  | { phase: 'download'; download: DownloadProgress }
  | { phase: 'convert'; graph: GraphName; graphsDone: number; graphsTotal: number; done: number; total: number };

/** Converts some graphs of a checkpoint folder (in this process, or in an engine host process in the app). */
export type ConvertGraphs = (o: {
  checkpointDir: string; outDir: string; dtype: ConvertDtype; graphs: GraphName[]; signal: AbortSignal;
  onProgress: (p: { done: number; total: number }) => void;
}) => Promise<void>;

export const convertInProcess: ConvertGraphs = async (o) => {
  const { convertCheckpoint } = await import('../onnx/convert/convert');
  await convertCheckpoint({ checkpointDir: o.checkpointDir, outDir: o.outDir, dtype: o.dtype, layout: 'paliscope', graphs: o.graphs, signal: o.signal, onProgress: o.onProgress });
};

export interface CheckpointInstallOptions extends Partial<Pick<DownloadOptions, 'concurrency' | 'retries' | 'backoffMs' | 'freeSpace' | 'openWrite'>> {
  client: HubClient;
  repo: string;
  revision?: string;
  modelsDir: string;
  /** The model's folder name in the models folder. */
  name: string;
  dtype: ConvertDtype;
  /** Facts from the catalog entry, when there is one. */
  catalog?: { id: string; tasks: string[]; licence: string } | null;
  /** Keep the downloaded checkpoint (in the work folder) after a verified conversion. */
  keepSource?: boolean;
  control?: DownloadControl;
  convert?: ConvertGraphs;
  /** Memory this machine offers the converter (default: its RAM, or the container's limit). */
  memoryBytes?: number;
  onProgress?: (p: InstallProgress) => void;
  /** One-line notes (resumed work, what was kept). */
  log?: (msg: string) => void;
}

export interface CheckpointInstallResult {
  name: string;
  location: string;
  commit: string;
  downloadedBytes: number;
  resumedBytes: number;
  /** Graphs converted by an earlier, interrupted attempt and kept. */
  graphsResumed: GraphName[];
  outputBytes: number;
  estimate: ConversionEstimate;
  /** Where the downloaded checkpoint stays (keepSource), else null. */
  keptSource: string | null;
}

interface WorkState {
  repo: string; commit: string; dtype: ConvertDtype;
  graphs: Partial<Record<GraphName, Array<{ path: string; size: number }>>>;
}

/** A folder name for any hub repository: `owner--name-q4`, lower case. */
export function checkpointInstallName(repo: string, dtype: string): string {
  return `${repo.replace('/', '--')}-${dtype}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 120);
}

export function workDirOf(modelsDir: string, name: string): string {
  return join(modelsDir, CHECKPOINT_WORK_DIR, name);
}

/** The files of a checkpoint repository to download: weights (one file or shards + index) and the side files. */
export function selectCheckpointFiles(tree: readonly HubEntry[], repo: string): { config: HubEntry; index: HubEntry | null; weights: HubEntry[]; side: HubEntry[] } {
  const top = new Map(tree.filter((e) => !e.path.includes('/')).map((e) => [e.path, e]));
  const config = top.get('config.json');
  if (!config) throw new HubError('NOT_PALIGEMMA', `${repo} has no config.json at the top of the repository; it is not a Hugging Face checkpoint Paliscope can convert`);
  if (config.size > MAX_CONFIG_BYTES) throw new HubError('NOT_PALIGEMMA', `${repo}: config.json is ${formatBytes(config.size)}; a model configuration is a few kB, so this is not one`);
  const index = top.get(INDEX) ?? null;
  let weights: HubEntry[];
  if (index) {
    weights = [...top.values()].filter((e) => SHARD.test(e.path));
    if (weights.length === 0) throw new HubError('NOT_FOUND', `${repo} has ${INDEX} but no model-NNNNN-of-NNNNN.safetensors shards`);
  } else if (top.has('model.safetensors')) {
    weights = [top.get('model.safetensors')!];
  } else {
    const other = [...top.keys()].filter((p) => /\.(npz|bin|pt|pth|gguf|ckpt)$/.test(p));
    throw new HubError('NOT_PALIGEMMA', `${repo} has no safetensors weights (model.safetensors or ${INDEX} with shards)${other.length ? `; it holds ${other.slice(0, 3).join(', ')}, a format Paliscope does not convert (big_vision .npz and PyTorch .bin checkpoints are not supported yet)` : ''}`);
  }
  for (const need of REQUIRED_SIDE_FILES) if (!top.has(need)) throw new HubError('NOT_FOUND', `${repo}: ${need} is missing at the top of the repository; a converted model needs it`);
  const side = SIDE_FILES.filter((f) => f !== 'config.json' && top.has(f)).map((f) => top.get(f)!);
  return { config, index, weights, side };
}

const sha256Of = async (path: string): Promise<string> => {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
};

function readState(path: string): WorkState | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as WorkState;
  } catch {
    return null;
  }
}

async function writeState(path: string, s: WorkState): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(s, null, 1));
  await rename(`${path}.tmp`, path);
}

/** The graph's files in a converted folder (the graph and its external data when it has one). */
function graphFiles(dir: string, g: GraphName): Array<{ path: string; size: number }> {
  return [`${g}.onnx`, `${g}.onnx_data`].filter((f) => existsSync(join(dir, f))).map((f) => ({ path: f, size: statSync(join(dir, f)).size }));
}

const stillThere = (dir: string, files: Array<{ path: string; size: number }> | undefined) =>
  Boolean(files?.length) && files!.every((f) => existsSync(join(dir, f.path)) && statSync(join(dir, f.path)).size === f.size);

export async function installCheckpoint(o: CheckpointInstallOptions): Promise<CheckpointInstallResult> {
  const control = o.control ?? new DownloadControl();
  const signal = control.signal;
  const log = o.log ?? (() => {});
  const target = join(o.modelsDir, o.name);
  if (existsSync(target)) throw new HubError('EXISTS', `${target} already exists; remove that model first to install it again`);
  const work = workDirOf(o.modelsDir, o.name);
  const source = join(work, 'source');
  const out = join(work, 'model');
  const statePath = join(work, 'state.json');
  const fetchOpts = {
    client: o.client, repo: o.repo, control, diskDir: o.modelsDir,
    concurrency: o.concurrency, retries: o.retries, backoffMs: o.backoffMs, freeSpace: o.freeSpace, openWrite: o.openWrite,
  };

  try {
    // 1. Pin the revision, read the file list, fetch config.json alone and check it.
    const commit = await o.client.commitOf(o.repo, o.revision ?? 'main', signal);
    const tree = await o.client.listFiles(o.repo, commit, signal);
    const files = selectCheckpointFiles(tree, o.repo);
    let state = readState(statePath);
    if (state && (state.commit !== commit || state.dtype !== o.dtype || state.repo !== o.repo)) {
      log(`${o.repo} changed since the interrupted attempt (${state.commit.slice(0, 12)} → ${commit.slice(0, 12)}); starting again`);
      await rm(work, { recursive: true, force: true });
      state = null;
    }
    await mkdir(source, { recursive: true });
    state ??= { repo: o.repo, commit, dtype: o.dtype, graphs: {} };
    await writeState(statePath, state);

    await downloadFilesInto({ ...fetchOpts, revision: commit, dir: source, files: [files.config] });
    const spec: ModelSpec = checkCheckpointConfig(await readFile(join(source, 'config.json'), 'utf8'), o.repo);

    // 2. Will it fit? Memory first (nothing large is on disk yet), then disk in the download's own check.
    const estimate = estimateConversion(spec, o.dtype);
    const memory = o.memoryBytes ?? memoryLimit();
    if (estimate.peakMemoryBytes > 0.9 * memory) {
      throw new HubError('TOO_BIG', `${o.repo}: converting it to ${o.dtype} needs about ${formatBytes(estimate.peakMemoryBytes)} of memory at its peak (estimate), and this machine offers ${formatBytes(memory)}; convert it on a machine with more memory, or choose q4 or fp16`);
    }
    const done = GRAPH_NAMES.filter((g) => stillThere(out, state!.graphs[g]));
    const convertedBytes = done.reduce((a, g) => a + state!.graphs[g]!.reduce((b, f) => b + f.size, 0), 0);

    // 3. The index first (small), so its shard list is checked before gigabytes move; then everything else.
    let weights = files.weights;
    if (files.index) {
      await downloadFilesInto({ ...fetchOpts, revision: commit, dir: source, files: [files.index] });
      weights = shardsNamedByIndex(join(source, INDEX), files.weights, o.repo);
    }
    const rest = [...weights, ...files.side];
    const fetched = await downloadFilesInto({
      ...fetchOpts, revision: commit, dir: source, files: rest,
      extraBytes: Math.max(0, estimate.outputBytes - convertedBytes), extraBytesFor: `for the converted ${o.dtype} model (estimate)`,
      onProgress: (p) => o.onProgress?.({ phase: 'download', download: p }),
    });

    // 4. Convert what is not converted yet, one graph at a time.
    if (done.length > 0) log(`resuming the conversion: ${done.join(', ')} already converted`);
    await mkdir(out, { recursive: true });
    const todo = GRAPH_NAMES.filter((g) => !done.includes(g));
    for (const [i, g] of todo.entries()) {
      signal.throwIfAborted();
      const graphsDone = done.length + i;
      await (o.convert ?? convertInProcess)({
        checkpointDir: source, outDir: out, dtype: o.dtype, graphs: [g], signal,
        onProgress: (p) => o.onProgress?.({ phase: 'convert', graph: g, graphsDone, graphsTotal: GRAPH_NAMES.length, done: p.done, total: p.total }),
      });
      state.graphs[g] = graphFiles(out, g);
      await writeState(statePath, state);
    }

    // 5. Check the result, record where it came from, move it into place.
    try {
      verifyConverted(out, o.repo);
    } catch (err) {
      state.graphs = {}; // convert anew next time
      await writeState(statePath, state);
      throw err;
    }
    const sourceFiles = [files.config, ...(files.index ? [files.index] : []), ...rest];
    const outputs = await Promise.all(GRAPH_NAMES.flatMap((g) => state!.graphs[g]!).map(async (f) => ({ ...f, sha256: await sha256Of(join(out, f.path)) })));
    await writeFile(join(out, DOWNLOAD_MANIFEST), JSON.stringify({
      source: 'hub-checkpoint', endpoint: o.client.endpoint, repo: o.repo, revision: o.revision ?? 'main', commit,
      downloadedAt: new Date().toISOString(),
      catalogId: o.catalog?.id ?? null, tasks: o.catalog?.tasks, licence: o.catalog?.licence,
      dtype: o.dtype, layout: 'paliscope', converter: CONVERTER,
      files: sourceFiles.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, gitOid: f.gitOid })),
      outputs,
    }, null, 2));
    if (existsSync(target)) throw new HubError('EXISTS', `${target} appeared while converting; the converted model stays in ${out}`);
    await rename(out, target);
    let keptSource: string | null = null;
    if (o.keepSource) {
      keptSource = source;
      await rm(statePath, { force: true });
    } else {
      await rm(work, { recursive: true, force: true });
      await rmdir(join(o.modelsDir, CHECKPOINT_WORK_DIR)).catch(() => undefined);
    }
    return {
      name: o.name, location: target, commit, downloadedBytes: fetched.bytes, resumedBytes: fetched.resumedBytes,
      graphsResumed: done, outputBytes: outputs.reduce((a, f) => a + f.size, 0), estimate, keptSource,
    };
  } catch (err) {
    if (control.intent === 'cancel') {
      await rm(work, { recursive: true, force: true });
      await rmdir(join(o.modelsDir, CHECKPOINT_WORK_DIR)).catch(() => undefined);
      throw new HubError('CANCELLED', `${o.repo}: cancelled; nothing was kept`);
    }
    if (control.intent === 'pause') {
      throw isHubError(err, 'PAUSED') ? err : new HubError('PAUSED', `${o.repo}: paused; run the same download again to resume where it stopped`);
    }
    throw err;
  }
}

/** The shards the index names, each of which the repository must list; unnamed shards hold nothing the model uses. */
function shardsNamedByIndex(path: string, shards: readonly HubEntry[], repo: string): HubEntry[] {
  let map: unknown;
  try {
    map = (JSON.parse(readFileSync(path, 'utf8')) as { weight_map?: unknown }).weight_map;
  } catch (err) {
    throw new HubError('NOT_PALIGEMMA', `${repo}: ${INDEX} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof map !== 'object' || map === null) throw new HubError('NOT_PALIGEMMA', `${repo}: ${INDEX} has no weight_map`);
  const named = new Set(Object.values(map as Record<string, unknown>).filter((v): v is string => typeof v === 'string'));
  const listed = new Set(shards.map((s) => s.path));
  const missing = [...named].filter((n) => !listed.has(n));
  if (missing.length > 0) throw new HubError('NOT_FOUND', `${repo}: ${INDEX} names ${missing.slice(0, 3).join(', ')}, which the repository does not hold`);
  return shards.filter((s) => named.has(s.path));
}

/** The converted folder must read as a Paliscope model: every graph present, config and processor settings usable. */
function verifyConverted(dir: string, repo: string): void {
  try {
    const scan = scanModelDir(dir);
    if (scan.layout !== 'paliscope') throw new Error(`expected Paliscope's layout, found ${scan.layout}`);
    loadPaliGemmaConfig(dir);
  } catch (err) {
    throw new HubError('INVALID_MODEL', `${repo}: the converted model did not check out (${(err as Error).message}); the download is kept: run the same command again to convert it anew`);
  }
}
