// `--model` for the CLI: a model folder, or the name or id of a model in the app's models folders, so a batch run
// from the command line is stored under the same model id the app shows (sha256 of the folder path, 16 hex digits,
// as main/services/models.ts derives it).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export interface ModelRef { id: string; name: string; dir: string }

export const modelIdOf = (dir: string): string => createHash('sha256').update(dir).digest('hex').slice(0, 16);

/** The app's user-data models folder on this platform, then PALISCOPE_MODELS_DIR (the folders the app lists). */
export function appModelFolders(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = homedir()): string[] {
  const userData = platform === 'win32' ? join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Paliscope')
    : platform === 'darwin' ? join(home, 'Library', 'Application Support', 'Paliscope')
    : join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Paliscope');
  const folders = [join(userData, 'models')];
  if (env.PALISCOPE_MODELS_DIR) folders.push(env.PALISCOPE_MODELS_DIR);
  return [...new Set(folders.map((f) => resolve(f)))];
}

const isDir = (p: string): boolean => {
  try { return statSync(p).isDirectory(); } catch { return false; }
};

export function resolveModel(ref: string, folders: string[] = appModelFolders()): ModelRef {
  if (isDir(ref)) {
    const dir = resolve(ref);
    return { id: modelIdOf(dir), name: basename(dir), dir };
  }
  for (const folder of folders) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const dir = join(folder, name);
      if (isDir(dir) && (name === ref || modelIdOf(dir) === ref)) return { id: modelIdOf(dir), name, dir };
    }
  }
  throw new Error(`--model ${ref}: no such folder, and no model of that name or id in ${folders.join(' or ')}`);
}
