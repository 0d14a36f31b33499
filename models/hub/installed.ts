// The models present on disk: every subfolder of the models folders (dot folders such as .staging are skipped, so a
// download in progress is never listed), plus folders imported by reference. Each is described from what the folder
// holds (layout, dtypes, resolution), where it came from (download manifest, Paliscope conversion, import) and its
// size on disk; a folder that cannot be used is listed with the reason rather than hidden.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanModelDir } from '../paligemma/layout';
import { loadPaliGemmaConfig } from '../paligemma/model-config';
import { DOWNLOAD_MANIFEST } from './downloader';
import { MIX_TASK_NAMES } from '../tasks/table';

export const IMPORT_MANIFEST = '.paliscope-import.json';

export type ModelSource = 'download' | 'converted' | 'import' | 'reference' | 'folder';

export interface InstalledModel {
  id: string;
  name: string;
  location: string;
  layout: 'paliscope' | 'onnx-community' | null;
  dtypes: string[];
  resolution: number | null;
  problem: string | null;
  source: ModelSource;
  /** The catalog entry it was downloaded from, when known. */
  catalogId: string | null;
  tasks: string[];
  /** Bytes on disk (all files of the folder). */
  bytes: number;
  /** The folder is inside a models folder Paliscope manages (so removing it deletes files). */
  managed: boolean;
}

/** A stable id for a model folder that reveals nothing and fits the contract's id pattern. */
export const modelId = (dir: string): string => createHash('sha256').update(dir).digest('hex').slice(0, 16);


function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling link or a folder removed while listing
  }
}

export function diskUse(dir: string): number {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += diskUse(p);
    else if (e.isFile()) n += statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  }
  return n;
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Describes one model folder; problems are reported on the entry instead of hiding the folder. */
export function describeModelFolder(dir: string, name: string, opts: { managed: boolean; reference?: boolean } = { managed: true }): InstalledModel {
  const download = readJson(join(dir, DOWNLOAD_MANIFEST));
  const imported = readJson(join(dir, IMPORT_MANIFEST));
  const source: ModelSource = opts.reference ? 'reference' : download ? 'download' : imported ? 'import' : existsSync(join(dir, 'paliscope.json')) ? 'converted' : 'folder';
  const recordedTasks = Array.isArray(download?.tasks) ? (download.tasks as unknown[]).filter((t): t is string => typeof t === 'string') : null;
  const base = {
    id: modelId(dir), name, location: dir, source, managed: opts.managed && !opts.reference,
    catalogId: typeof download?.catalogId === 'string' ? download.catalogId : null,
    // PaliGemma checkpoints answer every task prefix; a catalog entry narrows that (e.g. DOCCI only describes).
    tasks: recordedTasks ?? MIX_TASK_NAMES,
    bytes: diskUse(dir),
  };
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

/** Every model in `folders` (managed) and `references` (folders imported in place), in listing order. */
export function listInstalled(folders: readonly string[], references: readonly string[] = []): InstalledModel[] {
  const models: InstalledModel[] = [];
  const seen = new Set<string>();
  for (const folder of folders) {
    if (!isDirectory(folder)) continue;
    const names = readdirSync(folder)
      .filter((name) => !name.startsWith('.') && isDirectory(join(folder, name)))
      .sort((a, b) => a.localeCompare(b));
    for (const name of names) {
      const dir = resolve(folder, name);
      seen.add(dir);
      models.push(describeModelFolder(dir, name, { managed: true }));
    }
  }
  for (const ref of references) {
    const dir = resolve(ref);
    if (seen.has(dir)) continue;
    seen.add(dir);
    models.push(describeModelFolder(dir, dir.split(/[\\/]/).pop() ?? dir, { managed: false, reference: true }));
  }
  return models;
}
