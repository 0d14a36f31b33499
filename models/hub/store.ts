// The models on this machine, as one object the CLI and the app share: the folder downloads and imports go to
// (`primary`), other folders that are only read (PALISCOPE_MODELS_DIR), and folders imported by reference.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { rm } from 'node:fs/promises';
import { HubError } from './errors';
import { listInstalled, type InstalledModel } from './installed';
import { dropReference, importFolder, type ImportResult, type ValidationReport } from './local-import';
import { readFileSync } from 'node:fs';

/**
 * `<user data>/models`, the same place the app uses (main/user-data.ts decides user data for the app; this is its
 * rule restated for the CLI, which may not import main/).
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const userData = env.PALISCOPE_USER_DATA ||
    (platform === 'win32' ? join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Paliscope')
      : platform === 'darwin' ? join(homedir(), 'Library', 'Application Support', 'Paliscope')
      : join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Paliscope'));
  return join(userData, 'models');
}

export class ModelStore {
  readonly primary: string;
  readonly folders: readonly string[];

  constructor(primary: string, extraFolders: readonly string[] = []) {
    this.primary = resolve(primary);
    this.folders = [...new Set([this.primary, ...extraFolders.map((f) => resolve(f))])];
  }

  /** References are read synchronously so listing stays one simple call (the file is a few lines). */
  #references(): string[] {
    try {
      const list = JSON.parse(readFileSync(join(this.primary, '.references.json'), 'utf8')) as unknown;
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }

  list(): InstalledModel[] {
    return listInstalled(this.folders, this.#references());
  }

  /** By id, or by folder name when it names exactly one model. */
  find(idOrName: string): InstalledModel {
    const all = this.list();
    const byId = all.find((m) => m.id === idOrName);
    if (byId) return byId;
    const named = all.filter((m) => m.name === idOrName);
    if (named.length === 1) return named[0]!;
    if (named.length > 1) throw new HubError('BAD_INPUT', `${named.length} models are named "${idOrName}"; use the id: ${named.map((m) => `${m.id} (${m.location})`).join(', ')}`);
    throw new HubError('NOT_FOUND', `no installed model "${idOrName}" in ${this.folders.join(' or ')}; installed: ${all.map((m) => m.name).join(', ') || 'none'}`);
  }

  /** Deletes a model Paliscope manages (in the primary folder) or forgets a referenced folder (its files stay). */
  async remove(idOrName: string): Promise<{ model: InstalledModel; deleted: boolean }> {
    const model = this.find(idOrName);
    if (model.source === 'reference') {
      await dropReference(this.primary, model.location);
      return { model, deleted: false };
    }
    // Only a direct child of the folder downloads go to is ever deleted; other folders are the person's own.
    if (dirname(resolve(model.location)) !== this.primary) {
      throw new HubError('BAD_INPUT', `${model.location} is not in Paliscope's models folder (${this.primary}); delete it yourself if you mean to`);
    }
    await rm(model.location, { recursive: true, force: true });
    return { model, deleted: true };
  }

  import(from: string, mode: 'copy' | 'reference' = 'copy', name?: string, validate?: (dir: string) => Promise<ValidationReport>): Promise<ImportResult> {
    return importFolder({ from, modelsDir: this.primary, mode, name, validate });
  }
}
