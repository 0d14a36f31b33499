// The model manager window's state: installed models, the catalog, downloads in progress (one stream per model
// variant, with pause and cancel), the hub settings. `changes` counts finished changes (a download, a removal, an
// import) so the run panel's model picker can list models again without App wiring a callback through.
import type { AppError, CatalogModel, ModelDownloadProgress, ModelInfo, ModelList, ModelSettings } from '../../../preload/contract';
import { createApi, type Api, type StreamHandle } from '../lib/api';

export interface DownloadView {
  catalogId: string;
  dtype: string;
  state: 'running' | 'pausing' | 'paused' | 'done' | 'error' | 'cancelled';
  progress: ModelDownloadProgress | null;
  message: string;
  code: string | null;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
export function formatBytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) { v /= 1000; i++; }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[i]}`;
}

export function formatDuration(s: number): string {
  const t = Math.round(s);
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${t % 60} s`;
  return `${Math.floor(t / 3600)} h ${Math.floor((t % 3600) / 60)} min`;
}

/** The share of the whole job done: bytes while downloading, graphs (and the weights of the current one) while converting. */
export function progressFraction(p: ModelDownloadProgress): number {
  if (p.phase === 'convert' && p.convert) return (p.convert.graphsDone + (p.convert.total > 0 ? p.convert.done / p.convert.total : 0)) / p.convert.graphsTotal;
  return p.totalBytes > 0 ? p.doneBytes / p.totalBytes : 0;
}

/** "12.3 MB / 2.1 GB · 8.4 MB/s · 4 min 10 s left" — the CLI's progress detail, in the window; "Converting …" after. */
export function progressText(p: ModelDownloadProgress): string {
  if (p.phase === 'convert' && p.convert) {
    const c = p.convert;
    return `Converting ${c.graph.replace('_', ' ')} (${c.graphsDone + 1} of ${c.graphsTotal}) · ${Math.floor(100 * progressFraction(p))} %`;
  }
  const parts = [`${formatBytes(p.doneBytes)} / ${formatBytes(p.totalBytes)}`];
  if (p.bytesPerSecond !== null) parts.push(`${formatBytes(p.bytesPerSecond)}/s`);
  if (p.etaSeconds !== null) parts.push(`${formatDuration(p.etaSeconds)} left`);
  parts.push(`${p.filesDone}/${p.filesTotal} files`);
  return parts.join(' · ');
}

export const downloadKey = (catalogId: string, dtype: string): string => `${catalogId}:${dtype}`;

export class ModelsState {
  open = $state(false);
  list = $state<ModelList | null>(null);
  catalog = $state<CatalogModel[]>([]);
  settings = $state<ModelSettings | null>(null);
  canShowDialogs = $state(false);
  /** Keyed by downloadKey(catalogId, dtype). */
  downloads = $state<Record<string, DownloadView>>({});
  /** The dtype chosen per catalog entry. */
  chosen = $state<Record<string, string>>({});
  error = $state<AppError | null>(null);
  notice = $state('');
  changes = $state(0);

  readonly #api: Api;
  // Not rendered: the open streams, to cancel them. A plain Map on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #handles = new Map<string, StreamHandle<unknown>>();

  constructor(api: Api) {
    this.#api = api;
  }

  readonly usedBytes = $derived((this.list?.models ?? []).filter((m) => m.removable && m.source !== 'reference').reduce((a, m) => a + m.bytes, 0));

  async refresh(): Promise<void> {
    const [list, catalog, settings, info] = await Promise.all([
      this.#api.call('models.list', {}), this.#api.call('models.catalog', {}), this.#api.call('models.settings', {}), this.#api.call('app.info', {}),
    ]);
    if (!list.ok) { this.error = list.error; return; }
    if (!catalog.ok) { this.error = catalog.error; return; }
    this.list = list.value;
    this.catalog = catalog.value;
    if (settings.ok) this.settings = settings.value;
    if (info.ok) this.canShowDialogs = info.value.canShowDialogs;
    for (const c of this.catalog) {
      if (!this.chosen[c.id] && c.variants.length > 0) this.chosen[c.id] = (c.variants.find((v) => v.dtype === 'q4') ?? c.variants[0]!).dtype;
    }
    this.error = null;
  }

  /** Repositories whose listing could not be read at the last refresh (sizes shown are the last ones read, if any). */
  sizesFailed = $state<string[]>([]);
  sizesRefreshing = $state(false);

  /** Reads the hub's listings of the checkpoints (download sizes); the catalog is answered again with them. */
  async refreshSizes(): Promise<void> {
    if (this.sizesRefreshing) return;
    this.sizesRefreshing = true;
    try {
      const r = await this.#api.call('models.refreshSizes', {});
      if (r.ok) {
        this.catalog = r.value.catalog;
        this.sizesFailed = r.value.failed;
      }
    } finally {
      this.sizesRefreshing = false;
    }
  }

  async show(): Promise<void> {
    this.open = true;
    await this.refresh();
    void this.refreshSizes();
  }

  async download(catalogId: string, dtype: string): Promise<void> {
    const key = downloadKey(catalogId, dtype);
    if (this.#handles.has(key)) return;
    // A resumed download starts from the paused figures; a new attempt after a failure starts from nothing.
    const previous = this.downloads[key];
    this.downloads[key] = { catalogId, dtype, state: 'running', progress: previous?.state === 'paused' ? previous.progress : null, message: '', code: null };
    const handle = this.#api.stream('models.download', { catalogId, dtype: dtype as never }, (p) => {
      const d = this.downloads[key];
      if (d) d.progress = p;
    });
    this.#handles.set(key, handle as StreamHandle<unknown>);
    const r = await handle.result;
    this.#handles.delete(key);
    const d = this.downloads[key]!;
    if (r.ok) {
      d.state = r.value.status;
      d.message = r.value.message;
    } else {
      d.state = r.error.code === 'CANCELLED' ? 'cancelled' : 'error';
      d.message = r.error.code === 'CANCELLED' ? 'Cancelled; nothing was kept.' : r.error.message;
      d.code = r.error.code;
    }
    if (d.state === 'done') this.changes++;
    await this.refresh();
  }

  async pause(catalogId: string, dtype: string): Promise<void> {
    const d = this.downloads[downloadKey(catalogId, dtype)];
    if (d) d.state = 'pausing';
    await this.#api.call('models.pauseDownload', { catalogId, dtype: dtype as never });
  }

  async cancel(catalogId: string, dtype: string): Promise<void> {
    await this.#handles.get(downloadKey(catalogId, dtype))?.cancel();
  }

  async remove(model: ModelInfo): Promise<void> {
    const r = await this.#api.call('models.remove', { modelId: model.id });
    if (!r.ok) { this.error = r.error; return; }
    this.notice = r.value.deleted ? `Deleted ${r.value.name} (${formatBytes(model.bytes)} freed).` : `Forgot ${r.value.name}; its files were left where they are.`;
    this.changes++;
    await this.refresh();
  }

  async importFolder(mode: 'copy' | 'reference'): Promise<void> {
    const r = await this.#api.call('models.importFolder', { mode });
    if (!r.ok) { this.error = r.error; return; }
    if (!r.value.imported) return;
    this.notice = `Imported ${r.value.model?.name ?? 'the folder'}.`;
    this.changes++;
    await this.refresh();
  }

  async chooseFolder(): Promise<void> {
    const r = await this.#api.call('models.chooseFolder', {});
    if (!r.ok) { this.error = r.error; return; }
    this.settings = r.value;
    this.changes++;
    await this.refresh();
  }

  async setToken(token: string | null): Promise<boolean> {
    const r = await this.#api.call('models.setToken', { token });
    if (!r.ok) { this.error = r.error; return false; }
    this.settings = r.value;
    this.error = null;
    return true;
  }
}

let shared: ModelsState | null = null;
/** One state for the window: the toolbar's Models button and the run panel's picker share it. */
export function modelsState(): ModelsState {
  shared ??= new ModelsState(createApi());
  return shared;
}
