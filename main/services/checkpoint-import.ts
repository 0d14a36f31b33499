// "Import checkpoint…": converts a Hugging Face PaliGemma checkpoint folder the person picked into
// the user's models folder, in a second engine host process so OCR and model runs stay
// responsive during a conversion that can take minutes. The result is written to a staging folder
// and moved into place only when complete, so a failed or cancelled import leaves no half-model
// for the model list to trip over.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppFailure, type StreamContext } from '../ipc/dispatcher';
import type { EngineClient } from '../engine/client';

export type ImportDtype = 'fp32' | 'fp16' | 'int8' | 'q4';
export interface ImportChunk { stage: 'converting'; done: number; total: number; graph: string }
export interface ImportResult { imported: boolean; name?: string; location?: string }

export class CheckpointImporter {
  readonly #jobs: EngineClient;
  readonly #modelsDir: string;
  readonly #stagingDir: string;
  readonly #pickFolder: ((title: string) => Promise<string | null>) | undefined;

  constructor(deps: { jobs: EngineClient; modelsDir: string; stagingDir: string; pickFolder?: ((title: string) => Promise<string | null>) | undefined }) {
    this.#jobs = deps.jobs;
    this.#modelsDir = deps.modelsDir;
    this.#stagingDir = deps.stagingDir;
    this.#pickFolder = deps.pickFolder;
  }

  async import(input: { dtype: ImportDtype }, ctx: StreamContext<ImportChunk>): Promise<ImportResult> {
    if (!this.#pickFolder) {
      throw new AppFailure('UNSUPPORTED', `this host has no folder dialog; convert on the command line with \`npx paliscope convert <checkpoint> ${join(this.#modelsDir, '<name>')}\``);
    }
    const source = await this.#pickFolder('Import a PaliGemma checkpoint (the folder with config.json)');
    if (!source) return { imported: false };
    if (!existsSync(join(source, 'config.json'))) {
      throw new AppFailure('BAD_INPUT', `${source}: not a Hugging Face checkpoint folder (no config.json); pick the folder holding config.json and *.safetensors`);
    }
    const name = this.#freeName(`${basename(source)}-${input.dtype}`);
    const staging = join(this.#stagingDir, name);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(this.#stagingDir, { recursive: true });
    // Conversion reports every tensor read; the UI needs a step per percent at most.
    let lastPercent = -1;
    try {
      await this.#jobs.request('checkpoint.convert', { checkpointDir: source, outDir: staging, dtype: input.dtype }, {
        signal: ctx.signal,
        onProgress: (p) => {
          const { done, total, graph } = p as { done: number; total: number; graph: string };
          const percent = total > 0 ? Math.floor((100 * done) / total) : 0;
          if (percent === lastPercent) return;
          lastPercent = percent;
          ctx.send({ stage: 'converting', done, total, graph });
        },
      });
      mkdirSync(this.#modelsDir, { recursive: true });
      const location = join(this.#modelsDir, name);
      renameSync(staging, location);
      return { imported: true, name, location };
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (err instanceof AppFailure && err.code !== 'INTERNAL') throw err;
      throw new AppFailure('BAD_INPUT', `${source}: the checkpoint could not be converted (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /** `name`, or `name-2`, `name-3`… so an import never overwrites a model already there. */
  #freeName(name: string): string {
    const taken = (n: string): boolean => existsSync(join(this.#modelsDir, n)) || existsSync(join(this.#stagingDir, n));
    if (!taken(name)) return name;
    for (let i = 2; ; i++) if (!taken(`${name}-${i}`)) return `${name}-${i}`;
  }
}
