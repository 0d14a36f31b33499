// A model folder from someone else is hostile until checked: a symbolic link inside it may point at any file on
// this machine (copied into the models folder, or read in place), and a FIFO or device would hang the copy. Links
// to files that stay inside the folder are fine (the copy dereferences them into plain files); anything else is refused,
// naming the entry and why.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { HubError } from './errors';

/** At most this many entries are walked: a model folder holds tens of files, not a file system. */
const MAX_ENTRIES = 10_000;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Checks every entry under `dir`: plain files and folders, and (when `links` is 'contained') symbolic links whose
 * target, fully resolved, is inside `dir`. `links: 'none'` refuses every link (for a copy that must be plain).
 */
export async function checkFolderTree(dir: string, o: { links: 'contained' | 'none' }): Promise<void> {
  const root = await realpath(dir);
  let seen = 0;
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (++seen > MAX_ENTRIES) throw new HubError('INVALID_MODEL', `${dir} holds more than ${MAX_ENTRIES} entries: not a model folder`);
      const path = join(folder, entry.name);
      const shown = relative(dir, path);
      const st = await lstat(path);
      if (st.isSymbolicLink()) {
        if (o.links === 'none') throw new HubError('INVALID_MODEL', `${dir}: ${shown} is a symbolic link, which a copied model folder must not hold`);
        const target = await realpath(path).catch(() => null);
        if (!target) throw new HubError('INVALID_MODEL', `${dir}: ${shown} is a symbolic link to nothing (broken)`);
        if (!inside(root, target)) throw new HubError('INVALID_MODEL', `${dir}: ${shown} is a symbolic link to ${target}, outside the model folder; a model folder may only link within itself`);
        // Only files: a link to a folder could loop back on itself, and the copy would follow it for ever.
        if (!(await lstat(target)).isFile()) throw new HubError('INVALID_MODEL', `${dir}: ${shown} links to ${target}, which is not a plain file`);
        continue;
      }
      if (st.isDirectory()) await walk(path);
      else if (!st.isFile()) throw new HubError('INVALID_MODEL', `${dir}: ${shown} is not a plain file or folder (a device, FIFO or socket)`);
    }
  };
  await walk(dir);
}
