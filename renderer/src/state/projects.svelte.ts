// The project the app keeps its runs, reviews and batches in, as the toolbar's project menu shows it: its name and
// counts, the recent project files, and the actions (open a file's bytes, dialogs where the host has them, the default
// store, a copy saved as a download). Main holds the truth and announces every change (`projects.changed`), so a
// switch made in another window shows here too; `onChanged` lets the Batch tab and the review workspace reload.
import type { Api } from '../lib/api';
import type { ProjectInfo, ProjectSwitch, RecentProject, Result } from '../../../preload/contract';
import { MAX_UPLOAD_BYTES } from '../../../preload/contract/limits';
import { saveFile } from '../lib/download';
import type { NoticesState } from './notices.svelte';
import { TrainingDataState } from './training-data.svelte';

export class ProjectsState {
  current = $state<ProjectInfo | null>(null);
  recent = $state<RecentProject[]>([]);
  /** What is being done now ("Opening study.paliscope…"), or null. */
  busy = $state<string | null>(null);
  /** True where main can show native dialogs (Electron). */
  canShowDialogs = $state(false);
  /** Project → Export training data…: its options, progress and result. */
  readonly trainingData: TrainingDataState;

  readonly #api: Api;
  readonly #notices: NoticesState;
  readonly #onChanged: (info: ProjectInfo) => void;

  constructor(api: Api, notices: NoticesState, onChanged: (info: ProjectInfo) => void) {
    this.#api = api;
    this.#notices = notices;
    this.#onChanged = onChanged;
    this.trainingData = new TrainingDataState(api, notices);
    api.on('projects.changed', (info) => this.#changed(info));
  }

  async load(): Promise<void> {
    const r = await this.#api.call('projects.current', {});
    if (r.ok) this.current = r.value;
    else this.#notices.error('Could not read the project', r.error.message, r.error.code);
  }

  async loadRecent(): Promise<void> {
    const [current, recent] = await Promise.all([this.#api.call('projects.current', {}), this.#api.call('projects.recent', {})]);
    if (current.ok) this.current = current.value;
    if (recent.ok) this.recent = recent.value;
  }

  /** A `.paliscope` file the person picked (the file input) or dropped. */
  async openFile(file: File): Promise<void> {
    if (file.size > MAX_UPLOAD_BYTES) {
      return this.#notices.error(`Could not open ${file.name}`, `it is larger than ${Math.round(MAX_UPLOAD_BYTES / 2 ** 20)} MB`);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    await this.#run(`Opening ${file.name}…`, `Could not open ${file.name}`, () => this.#api.call('projects.openBytes', { name: file.name, bytes }));
  }

  openDialog(): Promise<void> {
    return this.#run('Opening…', 'Could not open the project', () => this.#api.call('projects.openDialog', {}));
  }

  newDialog(): Promise<void> {
    return this.#run('Creating…', 'Could not create the project', () => this.#api.call('projects.newDialog', {}));
  }

  useDefault(): Promise<void> {
    return this.#run('Switching…', 'Could not switch to the default store', () => this.#api.call('projects.useDefault', {}));
  }

  openRecent(entry: RecentProject): Promise<void> {
    return this.#run(`Opening ${entry.name}…`, `Could not open ${entry.name}`, () => this.#api.call('projects.openRecent', { id: entry.id }));
  }

  async saveCopy(): Promise<void> {
    this.busy = 'Saving a copy…';
    const r = await this.#api.call('projects.saveCopy', {});
    this.busy = null;
    if (!r.ok) return this.#notices.error('Could not save a copy of the project', r.error.message, r.error.code);
    saveFile(r.value.fileName, r.value.mime, r.value.bytes);
    this.#notices.info('Project copy saved', `${r.value.fileName}: open it in Paliscope on any computer (Open a project file…).`);
  }

  async #run(busy: string, failure: string, call: () => Promise<Result<ProjectInfo | ProjectSwitch>>): Promise<void> {
    if (this.busy) return;
    this.busy = busy;
    const r = await call();
    this.busy = null;
    if (!r.ok) return this.#notices.error(failure, r.error.message, r.error.code);
    const info = 'changed' in r.value ? (r.value.changed ? r.value.project : null) : r.value;
    // The `projects.changed` event says the same; taking the answer too keeps a window without events right.
    if (info) this.#changed(info);
  }

  #changed(info: ProjectInfo): void {
    const same = this.current?.path === info.path;
    this.current = info;
    if (same) return;
    if (info.migrated.length) this.#notices.info(`${info.name} was updated`, `It was written by an older Paliscope; it now has schema version ${info.schemaVersion}.`);
    this.#onChanged(info);
  }
}
