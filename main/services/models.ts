// The PaliGemma-family models the app can run: every subfolder of the models folders
// (`<userData>/models` and, when set, PALISCOPE_MODELS_DIR), in either layout the engine reads.
// Folders are rescanned on every call, so a model copied in while the app runs shows up.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelInfo, ModelList } from '../../preload/contract';
import { scanModelDir } from '../../models/paligemma/layout';
import { loadPaliGemmaConfig } from '../../models/paligemma/model-config';
import { AppFailure } from '../ipc/dispatcher';

/** The models folders for a user-data folder and environment, in the order they are listed. */
export function defaultModelFolders(userDataDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const folders = [join(userDataDir, 'models')];
  if (env.PALISCOPE_MODELS_DIR) folders.push(env.PALISCOPE_MODELS_DIR);
  return [...new Set(folders.map((f) => resolve(f)))];
}

/** A stable id for a model folder that reveals nothing and fits the contract's id pattern. */
const modelId = (dir: string): string => createHash('sha256').update(dir).digest('hex').slice(0, 16);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling link or a folder removed while listing
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** What one folder holds; problems are reported on the entry instead of hiding the folder. */
export function describeModelFolder(dir: string, name: string): ModelInfo {
  const base = { id: modelId(dir), name, location: dir };
  let scan: ReturnType<typeof scanModelDir>;
  try {
    scan = scanModelDir(dir);
  } catch (err) {
    return { ...base, layout: null, dtypes: [], resolution: null, problem: message(err) };
  }
  const dtypes = scan.variants.decoder.map((v) => v.dtype);
  try {
    const config = loadPaliGemmaConfig(dir);
    return { ...base, layout: scan.layout, dtypes, resolution: config.imageSize, problem: null };
  } catch (err) {
    return { ...base, layout: scan.layout, dtypes, resolution: null, problem: message(err) };
  }
}

export class ModelCatalog {
  readonly #folders: readonly string[];

  constructor(folders: readonly string[]) {
    this.#folders = folders;
  }

  list(): ModelList {
    const models: ModelInfo[] = [];
    for (const folder of this.#folders) {
      if (!isDirectory(folder)) continue;
      const names = readdirSync(folder)
        .filter((name) => !name.startsWith('.') && isDirectory(join(folder, name)))
        .sort((a, b) => a.localeCompare(b));
      for (const name of names) models.push(describeModelFolder(join(folder, name), name));
    }
    return { folders: [...this.#folders], models };
  }

  /** The model with this id, ready to load; a folder with a known problem is refused with it. */
  get(id: string): ModelInfo {
    const model = this.list().models.find((m) => m.id === id);
    if (!model) throw new AppFailure('MODEL_NOT_FOUND', `no model with id ${id} in ${this.#folders.join(' or ')}; it may have been moved or deleted`);
    if (model.problem) {
      const where = model.problem.includes(model.location) ? '' : ` (${model.location})`;
      throw new AppFailure('MODEL_NOT_FOUND', `model “${model.name}”${where} cannot be used: ${model.problem}`);
    }
    return model;
  }
}
