// The hub's file listings of checkpoint repositories, remembered on disk: the Models window shows a Google original's
// download size as the hub lists it, and still shows the last size it read when the machine is offline. One small JSON
// file; a missing or unreadable file is an empty cache.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { selectCheckpointFiles } from './checkpoint-install';
import type { HubEntry } from './hub-client';

export interface ListedSize { downloadBytes: number; files: number; listedAt: string }

export class ListingCache {
  constructor(readonly path: string) {}

  #read(): Record<string, ListedSize> {
    try {
      const json = JSON.parse(readFileSync(this.path, 'utf8')) as { version?: unknown; repos?: unknown };
      return json.version === 1 && typeof json.repos === 'object' && json.repos !== null ? (json.repos as Record<string, ListedSize>) : {};
    } catch {
      return {};
    }
  }

  get(repo: string): ListedSize | null {
    const s = this.#read()[repo];
    return s && typeof s.downloadBytes === 'number' && typeof s.listedAt === 'string' ? s : null;
  }

  /** Records what a download of `repo` fetches, from its listing. */
  put(repo: string, tree: readonly HubEntry[], now = new Date()): ListedSize {
    const f = selectCheckpointFiles(tree, repo);
    const all = [f.config, ...(f.index ? [f.index] : []), ...f.weights, ...f.side];
    const entry = { downloadBytes: all.reduce((a, e) => a + e.size, 0), files: all.length, listedAt: now.toISOString() };
    const repos = { ...this.#read(), [repo]: entry };
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(`${this.path}.tmp`, JSON.stringify({ version: 1, repos }, null, 1));
    renameSync(`${this.path}.tmp`, this.path);
    return entry;
  }
}
