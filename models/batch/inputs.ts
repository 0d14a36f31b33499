// Expands the files and folders given to a batch into document files: folders are walked (sorted, hidden entries
// skipped) keeping the formats Paliscope reads; files named explicitly are kept whatever their extension, so a bad
// one is reported by name when it fails to open instead of vanishing.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

export const DOCUMENT_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif', '.tif', '.tiff', '.pdf']);

export interface ExpandedInputs {
  /** Absolute paths, in the order given, folders expanded in name order, each file once. */
  files: string[];
  problems: { path: string; reason: string }[];
}

export async function expandInputs(inputs: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const seen = new Set<string>();
  const problems: ExpandedInputs['problems'] = [];
  const add = (f: string) => {
    if (!seen.has(f)) { seen.add(f); files.push(f); }
  };
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && DOCUMENT_EXTENSIONS.has(extname(e.name).toLowerCase())) add(p);
    }
  };
  for (const input of inputs) {
    const p = resolve(input);
    try {
      const s = await stat(p);
      if (s.isDirectory()) await walk(p);
      else add(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ path: input, reason: code === 'ENOENT' ? 'no such file or folder' : (e as Error).message });
    }
  }
  return { files, problems };
}
