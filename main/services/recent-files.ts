// The recent-files list: kept in a small JSON file in the user-data folder. The renderer sees ids
// and names; paths stay here and are only ever paths the user chose.
import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { z } from 'zod';

const Entry = z.object({ id: z.string(), path: z.string(), openedAt: z.string() });
type Entry = z.infer<typeof Entry>;
const MAX_ENTRIES = 20;

export class RecentFiles {
  readonly #file: string;
  #entries: Entry[] | null = null;

  constructor(file: string) {
    this.#file = file;
  }

  async list(): Promise<{ id: string; name: string; location: string; openedAt: string }[]> {
    return (await this.#load()).map((e) => ({ id: e.id, name: basename(e.path), location: dirname(e.path), openedAt: e.openedAt }));
  }

  /** Every path on the list (paths the user chose). */
  async paths(): Promise<string[]> {
    return (await this.#load()).map((e) => e.path);
  }

  async pathOf(id: string): Promise<string | undefined> {
    return (await this.#load()).find((e) => e.id === id)?.path;
  }

  async add(path: string): Promise<string> {
    const id = createHash('sha256').update(path).digest('hex').slice(0, 16);
    const rest = (await this.#load()).filter((e) => e.id !== id);
    this.#entries = [{ id, path, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_ENTRIES);
    await mkdir(dirname(this.#file), { recursive: true });
    await writeFile(this.#file, JSON.stringify(this.#entries, null, 2));
    return id;
  }

  async #load(): Promise<Entry[]> {
    if (this.#entries) return this.#entries;
    try {
      const parsed = z.array(Entry).safeParse(JSON.parse(await readFile(this.#file, 'utf8')));
      // A damaged list is not worth an error: start a new one.
      this.#entries = parsed.success ? parsed.data : [];
    } catch {
      this.#entries = [];
    }
    return this.#entries;
  }
}
