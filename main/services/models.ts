// The models the app can run: every subfolder of the models folders (the download folder, `<userData>/models` unless
// the person chose another, and PALISCOPE_MODELS_DIR when set) and folders imported by reference, as
// models/hub/installed.ts describes them. Folders are rescanned on every call, so a model copied in while the app
// runs shows up; staging folders of downloads in progress (dot folders) never do. Each model also says what a run
// would use on this machine: the dtype per graph and the execution providers, from the engine's own session plan.
import { join, resolve } from 'node:path';
import type { ModelInfo, ModelList } from '../../preload/contract';
import { ModelStore } from '../../models/hub/store';
import type { InstalledModel } from '../../models/hub/installed';
import { defaultFreeSpace } from '../../models/hub/downloader';
import { scanModelDir } from '../../models/paligemma/layout';
import { detectMachine, type MachineInfo } from '../../models/runtime/machine';
import { planSessions } from '../../models/runtime/plan';
import { AppFailure } from '../ipc/dispatcher';
import { findVae } from '../../models/paligemma/tasks/mask/segment';

/** The models folders for a user-data folder and environment, in the order they are listed. */
export function defaultModelFolders(userDataDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const folders = [join(userDataDir, 'models')];
  if (env.PALISCOPE_MODELS_DIR) folders.push(env.PALISCOPE_MODELS_DIR);
  return [...new Set(folders.map((f) => resolve(f)))];
}

let machine: MachineInfo | null = null;

/** The session plan a CPU/accelerator run would make for this folder (null when it cannot be planned). */
function planFor(m: InstalledModel): ModelInfo['plan'] {
  if (m.problem || !m.layout) return null;
  try {
    machine ??= detectMachine();
    const scan = scanModelDir(m.location);
    const plan = planSessions({ modelDir: m.location, family: 'paligemma', layout: scan.layout, variants: scan.variants, machine });
    return { dtypes: Object.fromEntries(Object.entries(plan.components).map(([k, c]) => [k, c.dtype])), providers: [...plan.providers] };
  } catch {
    return null;
  }
}

export function toModelInfo(m: InstalledModel): ModelInfo {
  return {
    id: m.id, name: m.name, location: m.location, layout: m.layout, dtypes: m.dtypes, resolution: m.resolution, problem: m.problem,
    source: m.source, catalogId: m.catalogId, tasks: m.tasks, bytes: m.bytes, removable: m.managed || m.source === 'reference', plan: planFor(m),
  };
}

export class ModelCatalog {
  #store: ModelStore;
  readonly #extra: readonly string[];

  /** `folders[0]` is where downloads and imports go; the others are only read. */
  constructor(folders: readonly string[]) {
    if (folders.length === 0) throw new Error('ModelCatalog needs at least one models folder');
    this.#extra = folders.slice(1);
    this.#store = new ModelStore(folders[0]!, this.#extra);
  }

  get store(): ModelStore { return this.#store; }
  get downloadFolder(): string { return this.#store.primary; }

  /** Downloads and imports go to `dir` from now on (the person chose another models folder). */
  setDownloadFolder(dir: string): void {
    this.#store = new ModelStore(dir, this.#extra);
  }

  /**
   * The segmentation mask decoder (vae-oid.npz) in a models folder, or null. Looks at the folders only, without
   * listing the models in them: segment runs ask on every run.
   */
  maskDecoder(): string | null {
    for (const folder of this.#store.folders) {
      const found = findVae(folder);
      if (found) return found;
    }
    return null;
  }

  async listWithSpace(): Promise<ModelList> {
    const list = this.list();
    const freeBytes = await defaultFreeSpace(this.#store.primary).catch(() => null);
    return { ...list, freeBytes };
  }

  list(): ModelList {
    return { folders: [...this.#store.folders], models: this.#store.list().map(toModelInfo), downloadFolder: this.#store.primary, freeBytes: null };
  }

  /** The model with this id, ready to load; a folder with a known problem is refused with it. */
  get(id: string): ModelInfo {
    const model = this.list().models.find((m) => m.id === id);
    if (!model) throw new AppFailure('MODEL_NOT_FOUND', `no model with id ${id} in ${this.#store.folders.join(' or ')}; it may have been moved or deleted`);
    if (model.problem) {
      const where = model.problem.includes(model.location) ? '' : ` (${model.location})`;
      throw new AppFailure('MODEL_NOT_FOUND', `model “${model.name}”${where} cannot be used: ${model.problem}`);
    }
    return model;
  }
}
