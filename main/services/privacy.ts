// Privacy of DICOM metadata in exports: de-identified (DICOM PS3.15 Annex E basic profile) unless the person turns on
// "keep identifiers". The setting and the secret that keys UID replacement and date shifting live in the user's data
// folder, so every export from this installation maps the same study to the same replacement UIDs and dates.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createDeidentifier, deidentifyMetadata, type Deidentifier, type DicomMetadata } from '../../models/dicom';
import type { PrivacySettings } from '../../preload/contract';

interface Stored {
  keepIdentifiers: boolean;
  secret: string;
}

export class PrivacyService {
  readonly #file: string;
  #state: Promise<Stored> | null = null;

  constructor(file: string) {
    this.#file = file;
  }

  async settings(): Promise<PrivacySettings> {
    return { keepIdentifiers: (await this.#load()).keepIdentifiers };
  }

  async set(settings: PrivacySettings): Promise<PrivacySettings> {
    const next = { ...(await this.#load()), keepIdentifiers: settings.keepIdentifiers };
    await this.#save(next);
    this.#state = Promise.resolve(next);
    return { keepIdentifiers: next.keepIdentifiers };
  }

  /** The metadata as an export may carry it: de-identified unless the person chose to keep identifiers. */
  async forExport(meta: DicomMetadata): Promise<DicomMetadata> {
    const s = await this.#load();
    return s.keepIdentifiers ? meta : deidentifyMetadata(meta, this.#deidentifier(s));
  }

  /** Replacement for a value that identifies the study (a file name, say) when exports are de-identified. */
  async deidentifier(): Promise<Deidentifier | null> {
    const s = await this.#load();
    return s.keepIdentifiers ? null : this.#deidentifier(s);
  }

  #deidentifier(s: Stored): Deidentifier {
    return createDeidentifier(s.secret);
  }

  #load(): Promise<Stored> {
    this.#state ??= (async () => {
      try {
        const raw = JSON.parse(await readFile(this.#file, 'utf8')) as Partial<Stored>;
        // Anything but an explicit true keeps identifiers out: a damaged file fails safe.
        const keepIdentifiers = raw.keepIdentifiers === true;
        if (typeof raw.secret === 'string' && /^[0-9a-f]{64}$/.test(raw.secret)) return { keepIdentifiers, secret: raw.secret };
        const fresh = { keepIdentifiers, secret: randomBytes(32).toString('hex') };
        await this.#save(fresh);
        return fresh;
      } catch {
        const fresh = { keepIdentifiers: false, secret: randomBytes(32).toString('hex') };
        await this.#save(fresh).catch(() => {});
        return fresh;
      }
    })();
    return this.#state;
  }

  async #save(s: Stored): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(s), { mode: 0o600 });
    await rename(tmp, this.#file);
  }
}
