// The model manager behind the contract's models.* calls: the catalog with what is installed, downloads from the hub
// (one per model variant at a time, with progress, pause and cancel), removal, import of a folder the person picks,
// the models folder and the hub access token. The work itself is models/hub's; this adapts it to the app.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalogModel, ModelDownloadInput, ModelDownloadProgress, ModelDownloadResult, ModelSettings } from '../../preload/contract';
import type { ErrorCode } from '../../preload/contract';
import { CONVERT_DTYPES, findEntry, installName, isCheckpointEntry, loadCatalog, variantSize, type CatalogEntry } from '../../models/hub/catalog';
import { DownloadControl, cleanStaging, formatBytes, type DownloadOptions } from '../../models/hub/downloader';
import { isHubError, type HubErrorCode } from '../../models/hub/errors';
import { HubClient, endpointFromEnv } from '../../models/hub/hub-client';
import { downloadMaskDecoder } from '../../models/hub/mask-decoder';
import { installFromHub, resolveInstallTarget } from '../../models/hub/install';
import { paligemma2Spec } from '../../models/hub/architectures';
import { installCheckpoint, type ConvertGraphs } from '../../models/hub/checkpoint-install';
import { estimateConversion, memoryLimit } from '../../models/hub/conversion-estimate';
import { ListingCache } from '../../models/hub/listing-cache';
import { formatReport, type ValidationReport } from '../../models/hub/local-import';
import { AppFailure, type StreamContext } from '../ipc/dispatcher';
import type { ModelCatalog } from './models';
import { toModelInfo } from './models';
import type { TokenStore } from './token-store';

/** How the hub's failures read in the contract's error codes (the message carries the detail). */
const CODES: Record<HubErrorCode, ErrorCode> = {
  GATED: 'FORBIDDEN', NOT_FOUND: 'NOT_FOUND', NETWORK: 'INTERNAL', SERVER: 'INTERNAL', CHECKSUM: 'CORRUPT_FILE',
  DISK_FULL: 'TOO_LARGE', CANCELLED: 'CANCELLED', PAUSED: 'CANCELLED', EXISTS: 'BAD_INPUT', BAD_INPUT: 'BAD_INPUT', INVALID_MODEL: 'INPUT_MISMATCH',
  NOT_PALIGEMMA: 'INPUT_MISMATCH', TOO_BIG: 'TOO_LARGE',
};

export function toAppFailure(err: unknown): unknown {
  return isHubError(err) ? new AppFailure(CODES[err.code], err.message) : err;
}

export interface ModelManagerOptions {
  models: ModelCatalog;
  tokens: TokenStore;
  /** Where the chosen models folder is remembered. */
  settingsFile: string;
  /** The hub (default PALISCOPE_HF_ENDPOINT, HF_ENDPOINT, else huggingface.co). */
  endpoint?: string;
  /** Extra catalog files (default PALISCOPE_MODEL_CATALOG). */
  catalogPaths?: string[];
  pickFolder?: (title: string) => Promise<string | null>;
  /**
   * Validates a folder before import. Default: in this process (opens each graph with onnxruntime). Hosts should pass
   * one that runs models/hub's validateModelFolder in the jobs engine host, so a large model never loads in main.
   */
  validateFolder?: (dir: string) => Promise<ValidationReport>;
  /** Test hooks for the downloader (free-space probe, write failures, backoff). */
  downloadOverrides?: Partial<Pick<DownloadOptions, 'freeSpace' | 'openWrite' | 'backoffMs' | 'retries' | 'concurrency'>>;
  /**
   * Converts a downloaded checkpoint's graphs. Hosts pass one that runs in the jobs engine host (a conversion takes
   * minutes and all of a core); the default converts in this process (tests).
   */
  convertGraphs?: ConvertGraphs;
  /** Where the hub's listings of checkpoint repositories are remembered (default: beside the settings file). */
  listingCacheFile?: string;
}

export class ModelManager {
  readonly #o: ModelManagerOptions;
  readonly #endpoint: string;
  readonly #running = new Map<string, DownloadControl>();
  readonly #listings: ListingCache;

  constructor(o: ModelManagerOptions) {
    this.#o = o;
    this.#listings = new ListingCache(o.listingCacheFile ?? join(dirname(o.settingsFile), 'hub-listings.json'));
    this.#endpoint = (o.endpoint ?? endpointFromEnv()).replace(/\/+$/, '');
    const chosen = this.#readSettings().downloadFolder;
    if (chosen) o.models.setDownloadFolder(chosen);
  }

  /** Removes staging folders a killed app left behind; call once at start, before any download. */
  async start(): Promise<void> {
    await cleanStaging(this.#o.models.downloadFolder).catch(() => undefined);
  }

  #readSettings(): { downloadFolder?: string } {
    try {
      return JSON.parse(readFileSync(this.#o.settingsFile, 'utf8')) as { downloadFolder?: string };
    } catch {
      return {};
    }
  }

  #catalog(): CatalogEntry[] {
    try {
      return loadCatalog(this.#o.catalogPaths);
    } catch (err) {
      throw toAppFailure(err);
    }
  }

  catalog(): CatalogModel[] {
    const installed = new Set(this.#o.models.list().models.filter((m) => m.source === 'download').map((m) => m.name));
    const client = new HubClient({ endpoint: this.#endpoint });
    const memoryBytes = memoryLimit();
    return this.#catalog().map((e) => {
      const repo = e.source.kind === 'hub' ? e.source.repo : null;
      const checkpoint = isCheckpointEntry(e) && repo;
      const listed = checkpoint ? this.#listings.get(repo) : null;
      const spec = checkpoint && e.size && e.resolution ? paligemma2Spec(e.size, e.resolution) : null;
      return {
        id: e.id, name: e.name, family: e.family, repo,
        confirmed: e.source.kind === 'hub' ? e.source.confirmed : true,
        tasks: e.tasks, resolution: e.resolution, licence: e.licence, gated: e.gated, notes: e.notes ?? null,
        kind: e.source.kind === 'bundled' ? 'bundled' : checkpoint ? 'checkpoint' : 'onnx',
        licenceUrl: repo && e.gated !== false ? client.pageOf(repo) : null,
        checkpoint: checkpoint ? {
          downloadBytes: listed?.downloadBytes ?? null, listedAt: listed?.listedAt ?? null, memoryBytes,
          estimates: spec ? CONVERT_DTYPES.map((dtype) => {
            const est = estimateConversion(spec, dtype);
            return { dtype, outputBytes: est.outputBytes, peakMemoryBytes: est.peakMemoryBytes };
          }) : [],
        } : null,
        variants: e.variants.map((v) => {
          const size = variantSize(e, v);
          return { dtype: v.dtype, knownBytes: size.knownBytes > 0 ? size.knownBytes : null, complete: size.complete, installed: installed.has(installName(e, v.dtype)) };
        }),
      };
    });
  }

  /** Lists each checkpoint repository on the hub (four at a time) and remembers its download size. */
  async refreshSizes(): Promise<{ catalog: CatalogModel[]; failed: string[] }> {
    const repos = [...new Set(this.#catalog().filter(isCheckpointEntry).flatMap((e) => (e.source.kind === 'hub' ? [e.source.repo] : [])))];
    const client = new HubClient({ endpoint: this.#endpoint, token: this.#o.tokens.get() });
    const failed: string[] = [];
    const queue = [...repos];
    const worker = async () => {
      for (let repo = queue.shift(); repo; repo = queue.shift()) {
        try {
          this.#listings.put(repo, await client.listFiles(repo, 'main'));
        } catch {
          failed.push(repo); // offline, or the repository moved: the size last read stays
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return { catalog: this.catalog(), failed: failed.sort() };
  }

  settings(): ModelSettings {
    return { endpoint: this.#endpoint, tokenSet: this.#o.tokens.get() !== null, tokenStorage: this.#o.tokens.storage, downloadFolder: this.#o.models.downloadFolder };
  }

  setToken(token: string | null): ModelSettings {
    this.#o.tokens.set(token);
    return this.settings();
  }

  async chooseFolder(): Promise<ModelSettings> {
    if (!this.#o.pickFolder) throw new AppFailure('UNSUPPORTED', 'this host has no folder dialog; start it with PALISCOPE_MODELS_DIR set to read models from another folder');
    const dir = await this.#o.pickFolder('Choose the folder Paliscope keeps its models in');
    if (dir) {
      if (this.#running.size > 0) throw new AppFailure('BAD_INPUT', 'wait for the downloads in progress to end before changing the models folder');
      this.#o.models.setDownloadFolder(dir);
      mkdirSync(dirname(this.#o.settingsFile), { recursive: true });
      writeFileSync(`${this.#o.settingsFile}.tmp`, JSON.stringify({ downloadFolder: dir }, null, 2));
      renameSync(`${this.#o.settingsFile}.tmp`, this.#o.settingsFile);
    }
    return this.settings();
  }

  async download(input: ModelDownloadInput, ctx: StreamContext<ModelDownloadProgress>): Promise<ModelDownloadResult> {
    let target: ReturnType<typeof resolveInstallTarget>;
    try {
      const entry = findEntry(this.#catalog(), input.catalogId);
      target = resolveInstallTarget([entry], entry.id, input.dtype);
    } catch (err) {
      throw toAppFailure(err);
    }
    const { name } = target;
    if (this.#running.has(name)) throw new AppFailure('BAD_INPUT', `${name} is already downloading`);
    const control = new DownloadControl();
    this.#running.set(name, control);
    // streams.cancel (or the window closing) cancels: nothing is kept.
    const onAbort = () => control.cancel();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const client = new HubClient({ endpoint: this.#endpoint, token: this.#o.tokens.get() });
      const modelsDir = this.#o.models.downloadFolder;
      mkdirSync(modelsDir, { recursive: true });
      let message: string;
      let location: string;
      if (target.kind === 'checkpoint') {
        const { entry } = target;
        // The converter reports every tensor: one progress message per percent is plenty.
        let lastPercent = -1;
        const r = await installCheckpoint({
          ...this.#o.downloadOverrides, client, repo: target.repo, revision: target.revision, modelsDir, name, dtype: target.dtype, control,
          catalog: entry ? { id: entry.id, tasks: entry.tasks, licence: entry.licence.name } : null,
          ...(this.#o.convertGraphs ? { convert: this.#o.convertGraphs } : {}),
          onProgress: (p) => {
            if (p.phase === 'download') return ctx.send({ phase: 'download', convert: null, ...p.download });
            const percent = Math.floor((100 * (p.graphsDone + (p.total > 0 ? p.done / p.total : 0))) / p.graphsTotal);
            if (percent === lastPercent) return;
            lastPercent = percent;
            ctx.send({ phase: 'convert', convert: { graph: p.graph, graphsDone: p.graphsDone, graphsTotal: p.graphsTotal, done: p.done, total: p.total }, doneBytes: 0, totalBytes: 0, bytesPerSecond: null, etaSeconds: null, filesDone: 0, filesTotal: 0, active: [] });
          },
        });
        location = r.location;
        message = `${entry?.name ?? target.repo} downloaded (${formatBytes(r.downloadedBytes)}, verified) and converted to ${target.dtype} (${formatBytes(r.outputBytes)}); the downloaded checkpoint was deleted`;
      } else {
        const r = await installFromHub({ ...this.#o.downloadOverrides, client, entry: target.entry, dtype: target.dtype, modelsDir, control, onProgress: (p) => ctx.send({ phase: 'download', convert: null, ...p }) });
        location = r.location;
        message = `${target.entry.name} (${r.dtype}, ${formatBytes(r.bytes)}) downloaded and verified`;
      }
      const model = this.#o.models.store.list().find((m) => m.location === location);
      return { status: 'done', name, model: model ? toModelInfo(model) : null, message };
    } catch (err) {
      if (isHubError(err, 'PAUSED')) return { status: 'paused', name, model: null, message: err.message };
      throw toAppFailure(err);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      this.#running.delete(name);
    }
  }

  /** The segmentation mask decoder (vae-oid.npz) from the hub into the models folder, checked; cancel keeps nothing. */
  async downloadMaskDecoder(ctx: StreamContext<ModelDownloadProgress>): Promise<{ location: string }> {
    const control = new DownloadControl();
    const onAbort = () => control.cancel();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const client = new HubClient({ endpoint: this.#endpoint, token: this.#o.tokens.get() });
      const modelsDir = this.#o.models.downloadFolder;
      mkdirSync(modelsDir, { recursive: true });
      const r = await downloadMaskDecoder({ ...this.#o.downloadOverrides, client, modelsDir, control, onProgress: (p) => ctx.send({ phase: 'download', convert: null, ...p }) });
      return { location: r.location };
    } catch (err) {
      throw toAppFailure(err);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  pause(input: ModelDownloadInput): { paused: boolean } {
    let name: string;
    try {
      const entry = findEntry(this.#catalog(), input.catalogId);
      name = resolveInstallTarget([entry], entry.id, input.dtype).name;
    } catch (err) {
      throw toAppFailure(err);
    }
    const control = this.#running.get(name);
    control?.pause();
    return { paused: Boolean(control) };
  }

  async remove(modelId: string): Promise<{ deleted: boolean; name: string }> {
    const model = this.#o.models.list().models.find((m) => m.id === modelId);
    if (!model) throw new AppFailure('NOT_FOUND', `no model with id ${modelId}; it may have been removed already`);
    if (!model.removable) throw new AppFailure('FORBIDDEN', `${model.location} is not in Paliscope's models folder; delete it yourself if you mean to`);
    try {
      const r = await this.#o.models.store.remove(modelId);
      return { deleted: r.deleted, name: model.name };
    } catch (err) {
      throw toAppFailure(err);
    }
  }

  async importFolder(mode: 'copy' | 'reference'): Promise<{ imported: boolean; model: ReturnType<typeof toModelInfo> | null; report: string }> {
    if (!this.#o.pickFolder) throw new AppFailure('UNSUPPORTED', 'this host has no folder dialog; import on the command line with `npx paliscope models import <folder>`');
    const dir = await this.#o.pickFolder('Import a model folder (ONNX, Paliscope or onnx-community layout)');
    if (!dir) return { imported: false, model: null, report: '' };
    try {
      const r = await this.#o.models.store.import(dir, mode, undefined, this.#o.validateFolder);
      const model = this.#o.models.store.list().find((m) => m.location === r.location);
      return { imported: true, model: model ? toModelInfo(model) : null, report: formatReport(r.report) };
    } catch (err) {
      throw toAppFailure(err);
    }
  }
}
