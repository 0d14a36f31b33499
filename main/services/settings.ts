// The person's settings, kept in `<userData>/settings.json` and read once at start. Every change is checked against
// the contract's schema (the renderer is untrusted) and written atomically (a temporary file renamed over the old),
// so a crash mid-write never leaves half a file. A file that cannot be read — hand-edited, damaged, from a newer
// version — is set aside as settings.json.bad and the defaults are used; the Settings dialog says what was wrong.
//
// What the settings drive: the engine preferences every model run and OCR page is sent with (provider, threads,
// preferred dtype, vision-feature cache), the DPI PDFs are rendered at when opened, and the theme (renderer-side).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppSettings, DEFAULT_SETTINGS, PROVIDER_CHOICES, SettingsChange, type SettingsView } from '../../preload/contract/settings';
import { detectMachine, type MachineInfo } from '../../models/runtime/machine';
import { providerAvailable } from '../../models/runtime/plan';
import type { EnginePrefs } from '../engine/protocol';
import { AppFailure } from '../ipc/dispatcher';


export interface SettingsDeps {
  file: string;
  userDataDir: string;
  modelsFolders: () => string[];
  storePath: () => string;
  /** Called after a change is saved (the DPI goes to the document service from here). */
  onChange?: (settings: AppSettings) => void;
  machine?: MachineInfo;
  log?: { warn(message: string): void };
  /** The host's folder dialog (none in the headless host). */
  pickFolder?: ((title: string) => Promise<string | null>) | undefined;
  /** Checks a picked OCR recognizer folder in the engine host; rejects with the file and the reason. */
  checkOcrRecognizer?: (dir: string) => Promise<unknown>;
}

export class SettingsService {
  readonly #deps: SettingsDeps;
  readonly #machine: MachineInfo;
  #settings: AppSettings;
  #problem: string | null = null;

  constructor(deps: SettingsDeps) {
    this.#deps = deps;
    this.#machine = deps.machine ?? detectMachine();
    this.#settings = this.#read();
  }

  get current(): AppSettings {
    return this.#settings;
  }

  view(): SettingsView {
    const m = this.#machine;
    return {
      settings: this.#settings,
      providers: PROVIDER_CHOICES.map((name) => {
        const reason = name === 'auto' ? null : providerAvailable(name, m);
        return { name, available: reason === null, reason };
      }),
      machine: { platform: m.platform, arch: m.arch, physicalCores: m.physicalCores, logicalCores: m.logicalCores },
      locations: { settingsFile: this.#deps.file, userData: this.#deps.userDataDir, modelsFolders: this.#deps.modelsFolders(), store: this.#deps.storePath() },
      problem: this.#problem,
    };
  }

  /** Applies a change the renderer asked for; refuses one that does not fit, naming the field and the reason. */
  set(input: unknown): SettingsView {
    const change = SettingsChange.safeParse(input);
    if (!change.success) {
      const issue = change.error.issues[0];
      throw new AppFailure('BAD_INPUT', `setting ${issue?.path.join('.') || '(unknown)'}: ${issue?.message ?? 'not valid'}`);
    }
    if (change.data.provider && change.data.provider !== 'auto') {
      const why = providerAvailable(change.data.provider, this.#machine);
      if (why) throw new AppFailure('PROVIDER_UNAVAILABLE', `execution provider ${change.data.provider} is not available here: ${why}`);
    }
    const next = AppSettings.parse({ ...this.#settings, ...change.data });
    this.#write(next);
    this.#settings = next;
    this.#problem = null;
    this.#deps.onChange?.(next);
    return this.view();
  }

  /**
   * Asks for a PP-OCR recognizer folder and keeps it once the engine host has checked it; a folder that fails a check
   * is refused with the file and the reason, and the recognizer in use stays as it was. Cancelling the dialog changes nothing.
   */
  async chooseOcrRecognizer(): Promise<SettingsView> {
    const { pickFolder, checkOcrRecognizer } = this.#deps;
    if (!pickFolder || !checkOcrRecognizer) throw new AppFailure('UNSUPPORTED', 'this host has no folder dialog; the command line takes another recognizer with --recognizer and --dictionary');
    const dir = await pickFolder('Choose a folder with a PP-OCR recognizer (.onnx) and its dictionary (.txt)');
    if (dir === null) return this.view();
    try {
      await checkOcrRecognizer(dir);
    } catch (err) {
      const code = err instanceof AppFailure ? err.code : 'CORRUPT_FILE';
      throw new AppFailure(code, `OCR recognizer not changed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.#keep({ ...this.#settings, ocrRecognizer: dir });
    return this.view();
  }

  /** The chosen recognizer folder failed its checks when loaded: back to the built-in one, and the dialog says why. */
  ocrRecognizerFailed(dir: string, reason: string): void {
    if (this.#settings.ocrRecognizer !== dir) return;
    this.#keep({ ...this.#settings, ocrRecognizer: null });
    this.#problem = `The OCR recognizer in ${dir} could not be used (${reason}); the built-in recognizer is in use again.`;
    this.#deps.log?.warn(this.#problem);
  }

  #keep(next: AppSettings): void {
    this.#write(next);
    this.#settings = next;
    this.#problem = null;
    this.#deps.onChange?.(next);
  }

  /** The engine preferences of the next model run: only what the person set, so the engine's defaults stay defaults. */
  engineRunPrefs(): EnginePrefs {
    const s = this.#settings;
    return {
      // A chosen provider first, CPU after it (the engine falls back, and says so, when the provider fails to start).
      ...(s.provider !== 'auto' ? { providers: [s.provider] } : {}),
      ...(s.threads !== null ? { threads: s.threads } : {}),
      ...(s.dtype !== 'auto' ? { dtype: s.dtype } : {}),
      imageCacheBytes: s.visionCacheMb * 1024 * 1024,
    };
  }

  #read(): AppSettings {
    const file = this.#deps.file;
    if (!existsSync(file)) return { ...DEFAULT_SETTINGS };
    let problem: string;
    try {
      // Fields added in later versions get their defaults; unknown ones make the file unreadable (strict), on purpose.
      const parsed = AppSettings.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(readFileSync(file, 'utf8')) as object) });
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      problem = `${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'not valid'}`;
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
    // Kept beside, not deleted: nothing the person wrote is lost.
    try {
      renameSync(file, `${file}.bad`);
    } catch { /* unreadable and immovable: the defaults still apply, and the next save replaces it */ }
    this.#problem = `${file} could not be read (${problem}); it was kept as settings.json.bad and the defaults are in use`;
    this.#deps.log?.warn(this.#problem);
    return { ...DEFAULT_SETTINGS };
  }

  #write(settings: AppSettings): void {
    const file = this.#deps.file;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
    renameSync(tmp, file);
  }
}
