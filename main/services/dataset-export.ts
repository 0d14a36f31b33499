// Project → Export training data…: the open project's accepted and corrected results as PaliGemma fine-tuning data
// (models/dataset/build.ts), written under `<user data>/training-data/` and handed to the renderer as a zip to save.
// The renderer chooses the options only; main decides where files go.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { DatasetExportInput, DatasetExportProgress, DatasetExportResult } from '../../preload/contract';
import { AppFailure, type StreamContext } from '../ipc/dispatcher';
import { buildDataset, type OpenPages } from '../../models/dataset/build';
import type { Store } from '../../models/store/store';
import { safeName, assertEntriesContained } from '../files/export-names';
import { unreadablePathReason } from './untrusted-batches';

/** Above this the zip is not built (it would sit in memory twice); the folder is still there. */
export const MAX_ZIP_BYTES = 1024 * 1024 * 1024;

export interface DatasetExportDeps {
  store: () => Store | null;
  unavailable: () => string | null;
  projectName: () => string;
  /** vae-oid.npz where the app keeps it, for segmentation examples. */
  vaePath: () => string | null;
  /** Waits for runs still being filed in the store. */
  settled: () => Promise<unknown>;
  outRoot: string;
  /** An open document with this content hash (documents opened from bytes have no file to reopen). */
  openDocument?: (sha256: string) => Promise<OpenPages | null>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');

export class DatasetExportService {
  readonly #deps: DatasetExportDeps;
  #running = false;

  constructor(deps: DatasetExportDeps) {
    this.#deps = deps;
  }

  async export(input: DatasetExportInput, ctx: StreamContext<DatasetExportProgress>): Promise<DatasetExportResult> {
    if (this.#running) throw new AppFailure('BAD_INPUT', 'a training-data export is already running');
    await this.#deps.settled();
    const store = this.#deps.store();
    if (!store) throw new AppFailure('UNSUPPORTED', `there is no project store: ${this.#deps.unavailable() ?? 'it could not be opened'}`);
    this.#running = true;
    try {
      const name = safeName(this.#deps.projectName(), 'project');
      const folder = join(this.#deps.outRoot, `${name}-training-data-${stamp(new Date())}`);
      const summary = await buildDataset({
        store, projectName: this.#deps.projectName(), outDir: folder,
        ...(input.tasks ? { tasks: input.tasks } : {}),
        split: { train: input.split.train / 100, validation: input.split.validation / 100, test: input.split.test / 100 },
        only: input.only, resolution: input.resolution, seed: input.seed, vaePath: this.#deps.vaePath(), signal: ctx.signal,
        ...(this.#deps.openDocument ? { openDocument: this.#deps.openDocument } : {}),
        unreadablePath: unreadablePathReason,
        onProgress: (p) => { if (p.stage !== 'done') ctx.send(p); },
      }).catch((e: unknown) => {
        if (ctx.signal.aborted) throw new AppFailure('CANCELLED', 'the export was cancelled');
        throw new AppFailure('BAD_INPUT', (e as Error).message);
      });
      const files = await filesUnder(folder);
      let size = 0;
      for (const f of files) size += (await stat(f)).size;
      let bytes: Uint8Array | null = null;
      if (size <= MAX_ZIP_BYTES) {
        const zip: Zippable = {};
        let done = 0;
        for (const f of files) {
          if (ctx.signal.aborted) throw new AppFailure('CANCELLED', 'the export was cancelled');
          ctx.send({ stage: 'zipping', done: done++, total: files.length });
          const rel = `${name}-training-data/${relative(folder, f).split(sep).join('/')}`;
          // PNGs are compressed already: stored, not deflated again.
          zip[rel] = [new Uint8Array(await readFile(f)), { level: f.endsWith('.png') ? 0 : 6 }];
        }
        assertEntriesContained(Object.keys(zip));
        bytes = zipSync(zip);
      }
      const reasons = new Map<string, { task: string; reason: string; count: number }>();
      for (const s of summary.skipped) {
        const k = `${s.task}\0${s.reason}`;
        const r = reasons.get(k) ?? { task: s.task, reason: s.reason.slice(0, 2000), count: 0 };
        r.count++;
        reasons.set(k, r);
      }
      ctx.send({ stage: 'done', done: 1, total: 1 });
      return {
        fileName: `${name}-training-data.zip`, mime: 'application/zip', bytes, folder,
        examples: summary.examples, images: summary.images, counts: summary.counts,
        skipped: [...reasons.values()].sort((a, b) => b.count - a.count).slice(0, 50), skippedTotal: summary.skipped.length,
      };
    } finally {
      this.#running = false;
    }
  }
}
