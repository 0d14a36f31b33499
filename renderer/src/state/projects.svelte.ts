// The project the app keeps its runs, reviews and batches in, as the toolbar's project menu shows it: its name and
// counts, the recent project files, and the actions (open a file's bytes, dialogs where the host has them, the default
// store, a copy saved as a download). Main holds the truth and announces every change (`projects.changed`), so a
// switch made in another window shows here too; `onChanged` lets the Batch tab and the review workspace reload.
import type { Api } from '../lib/api';
import type { ProjectImportProgress, ProjectImportResult, ProjectInfo, ProjectSwitch, RecentProject, Result } from '../../../preload/contract';
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
  /** Import results… in progress: the file being merged and how far (0…1 over all files), or null. */
  importing = $state<{ file: string; index: number; files: number; fraction: number } | null>(null);

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

  /**
   * Project → Import results…: project files (a cluster batch's shards) merged into the open project. Every file is
   * checked before any is merged; importing a file again adds nothing.
   */
  async importFiles(files: File[]): Promise<void> {
    if (this.busy || !files.length) return;
    const big = files.find((f) => f.size > MAX_UPLOAD_BYTES);
    if (big) return this.#notices.error(`Could not import ${big.name}`, `it is larger than ${Math.round(MAX_UPLOAD_BYTES / 2 ** 20)} MB`);
    this.busy = `Importing ${files.length === 1 ? files[0]!.name : `${files.length} files`}…`;
    this.importing = { file: files[0]!.name, index: 0, files: files.length, fraction: 0 };
    const payload = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const handle = this.#api.stream('projects.importResults', { files: payload }, (p) => this.#importProgress(p));
    const r = await handle.result;
    this.busy = null;
    this.importing = null;
    if (!r.ok) {
      this.#notices.error(files.length === 1 ? `Could not import ${files[0]!.name}` : 'Could not import the results', r.error.message, r.error.code);
      // Files merged before a failure or a cancel are kept: show them.
      await this.load();
      if (this.current) this.#onChanged(this.current);
      return;
    }
    this.current = r.value.project;
    this.#notices.info('Results imported', describeImport(r.value));
    this.#onChanged(r.value.project);
  }

  #importProgress(p: ProjectImportProgress): void {
    // Checking reads each file once, merging writes it: weigh them a third and two thirds of each file's share.
    const within = p.total ? p.done / p.total : 1;
    const part = p.phase === 'checking' ? within / 3 : p.phase === 'done' ? 1 : 1 / 3 + (2 / 3) * (p.phase === 'runs' ? within * 0.8 : 0.8 + within * 0.2);
    this.importing = { file: p.file, index: p.index, files: p.files, fraction: Math.min(1, (p.index + part) / Math.max(1, p.files)) };
    this.busy = `Importing ${p.files > 1 ? `${p.index + 1}/${p.files} ` : ''}${p.file}… ${Math.floor(100 * this.importing.fraction)} %`;
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

/** "12 results added (0 already there), 2 reviews, from 4 files". */
export function describeImport(r: ProjectImportResult): string {
  const sum = (f: (x: ProjectImportResult['files'][number]) => number) => r.files.reduce((a, x) => a + f(x), 0);
  const added = sum((x) => x.runs.added);
  const there = sum((x) => x.runs.seen - x.runs.added);
  const parts = [`${added} result${added === 1 ? '' : 's'} added (${there} already there)`];
  const docs = sum((x) => x.documents.added);
  parts.push(`${docs} new document${docs === 1 ? '' : 's'}`);
  const reviews = sum((x) => x.reviews.added);
  if (reviews) parts.push(`${reviews} review${reviews === 1 ? '' : 's'}`);
  const batches = sum((x) => x.batches.added);
  if (batches) parts.push(`${batches} new batch${batches === 1 ? '' : 'es'}`);
  const conflicts = sum((x) => x.reviews.conflicts);
  if (conflicts) parts.push(`${conflicts} result${conflicts === 1 ? '' : 's'} reviewed differently here and there: this project's reviews kept`);
  return `${parts.join(', ')}, from ${r.files.length} file${r.files.length === 1 ? '' : 's'}.`;
}
