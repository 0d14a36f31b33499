import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectService, defaultStorePath } from './project';
import { Store } from '../../models/store/store';
import { SCHEMA_VERSION } from '../../models/store/migrations';
import type { ProjectInfo } from '../../preload/contract';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'paliscope-project-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ProjectService', () => {
  it('opens the app store in the user-data folder, creating the folder', () => {
    const userData = join(tempDir(), 'not-yet');
    const project = new ProjectService({ userDataDir: userData });
    expect(project.store?.path).toBe(defaultStorePath(userData));
    expect(project.unavailable).toBeNull();
    expect(project.store!.schemaVersion).toBeGreaterThanOrEqual(2);
    project.close();
    expect(project.store).toBeNull();
  });

  it('keeps working without a store when the file is not one, and says why', () => {
    const userData = tempDir();
    writeFileSync(defaultStorePath(userData), 'this is not sqlite '.repeat(200));
    const warnings: string[] = [];
    const project = new ProjectService({ userDataDir: userData, log: { warn: (m) => warnings.push(m) } });
    expect(project.store).toBeNull();
    expect(project.unavailable).toMatch(/paliscope\.sqlite/);
    expect(warnings[0]).toMatch(/project store unavailable/);
    expect(() => project.requireStore('A batch')).toThrow(/A batch needs the project store.*paliscope\.sqlite/);
  });

  it('refuses a native add-on that does not load, with a message naming it', () => {
    const project = new ProjectService({ userDataDir: tempDir(), nativeBinding: '/nonexistent/better_sqlite3.node' });
    expect(project.store).toBeNull();
    expect(project.unavailable).toMatch(/cannot open the store/);
  });
});

// ---- switching projects ----

const sha = (c: string): string => c.repeat(64).slice(0, 64);

/** Adds one document with a run on its first page (and a review when asked) to a store. */
function addResult(store: Store, key: string, review = false): number {
  const { document } = store.registerDocument({ path: `/scans/${key}.tif`, sha256: sha(key), pageCount: 1, size: 10 });
  const [page] = store.ensurePages(document.id, [{ index: 0, width: 100, height: 100 }]);
  const run = store.addRun({ pageId: page!.id, modelId: 'm', modelName: 'tiny', task: 'caption', prompt: 'caption en', raw: `run ${key}`, parsed: { text: key }, status: 'done' });
  if (review) store.setReview(run.id, { status: 'accepted', value: null, note: null });
  return run.id;
}

function projectIn(userData: string): { project: ProjectService; changes: ProjectInfo[]; busy: { reason: string | null } } {
  const project = new ProjectService({ userDataDir: userData });
  const changes: ProjectInfo[] = [];
  const busy = { reason: null as string | null };
  project.attach({ busy: () => busy.reason, settle: async () => undefined, changed: (info) => changes.push(info) });
  return { project, changes, busy };
}

describe('ProjectService: switching projects', () => {
  it('opens a project from bytes (copied into projects/, a suffix when the name is taken), switches back to the default', async () => {
    const userData = tempDir();
    const { project, changes } = projectIn(userData);
    expect(project.info()).toMatchObject({ name: 'Default store', isDefault: true, counts: { documents: 0, runs: 0, reviewed: 0 } });

    // A project made elsewhere (the CLI, a colleague) with two results, one reviewed.
    const other = Store.open(join(tempDir(), 'study.paliscope'));
    addResult(other, 'a', true);
    addResult(other, 'b');
    other.close();
    const bytes = readFileSync(other.path);

    const info = await project.openBytes('study.paliscope', bytes);
    expect(info).toMatchObject({ name: 'study', isDefault: false, counts: { documents: 2, runs: 2, reviewed: 1 }, unavailable: null });
    expect(info.path).toBe(join(userData, 'projects', 'study.paliscope'));
    expect(project.store!.results()).toHaveLength(2);
    expect(changes.map((c) => c.name)).toEqual(['study']);

    // The same name again is a new copy beside it, never an overwrite.
    const again = await project.openBytes('study.paliscope', bytes);
    expect(again.path).toBe(join(userData, 'projects', 'study (2).paliscope'));
    expect(readdirSync(join(userData, 'projects')).filter((f) => f.endsWith('.paliscope')).sort()).toEqual(['study (2).paliscope', 'study.paliscope']);

    const back = await project.useDefault();
    expect(back).toMatchObject({ isDefault: true, counts: { runs: 0 } });
    expect(project.recent().map((r) => r.name)).toEqual(['study (2)', 'study']);

    // A recent entry opens by id; the path never comes from the renderer.
    const recent = project.recent()[1]!;
    expect((await project.openRecent(recent.id)).path).toBe(join(userData, 'projects', 'study.paliscope'));
    await expect(project.openRecent('0123456789abcdef')).rejects.toThrow(/no longer in the recent list/);
    project.close();

    // The project open at quit is the one the next start opens.
    const restarted = new ProjectService({ userDataDir: userData });
    expect(restarted.info()).toMatchObject({ name: 'study', counts: { runs: 2 } });
    restarted.close();
  });

  it('migrates a project written by an older schema version', async () => {
    const userData = tempDir();
    const { project } = projectIn(userData);
    const file = join(tempDir(), 'old.paliscope');
    const db = new Database(file);
    db.exec(readFileSync(new URL('../../models/store/fixtures/v1.sql', import.meta.url), 'utf8'));
    db.close();
    const info = await project.openBytes('old.paliscope', readFileSync(file));
    expect(info.migrated).toEqual([2, 3]);
    expect(info.schemaVersion).toBe(SCHEMA_VERSION);
    expect(info.counts.runs).toBe(3);
    expect(project.store!.check()).toEqual([]);
    project.close();
  });

  it('refuses a newer version, a file that is not SQLite and a stranger SQLite database, naming the file and keeping the current project', async () => {
    const userData = tempDir();
    const { project, changes } = projectIn(userData);
    addResult(project.store!, 'keep');

    const newer = join(tempDir(), 'future.paliscope');
    const s = Store.open(newer);
    s.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    s.close();
    await expect(project.openBytes('future.paliscope', readFileSync(newer))).rejects.toThrow(
      new RegExp(`future\\.paliscope was written by a newer Paliscope \\(schema version ${SCHEMA_VERSION + 1}; this one knows up to ${SCHEMA_VERSION}\\)`),
    );
    await expect(project.openBytes('notes.paliscope', new TextEncoder().encode('these are my notes, not a database '.repeat(10)))).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      message: 'notes.paliscope is not a Paliscope project: it is not an SQLite database',
    });
    const stranger = join(tempDir(), 'stranger.sqlite');
    const sdb = new Database(stranger);
    sdb.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)');
    sdb.close();
    await expect(project.openBytes('stranger.paliscope', readFileSync(stranger))).rejects.toThrow(/stranger\.paliscope is not a Paliscope project: it is an SQLite database with other tables/);
    // The same refusal through a path (a dialog's pick), and nothing was added to that file.
    await expect(project.openPath(stranger)).rejects.toThrow(/stranger\.sqlite is not a Paliscope project/);
    const after = new Database(stranger, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['accounts']);
    after.close();

    // Still on the default store, with its result; no copy of a refused file was kept.
    expect(project.info()).toMatchObject({ isDefault: true, counts: { runs: 1 } });
    expect(changes).toEqual([]);
    expect(readdirSync(join(userData, 'projects')).filter((f) => !f.startsWith('.'))).toEqual([]);
    project.close();
  });

  it('refuses to switch while a batch runs, saying so', async () => {
    const { project, busy } = projectIn(tempDir());
    busy.reason = 'batch 3 is running';
    await expect(project.useDefault()).rejects.toThrow('The project cannot change while batch 3 is running: pause or cancel it first');
    await expect(project.create(join(tempDir(), 'new'))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(project.info().isDefault).toBe(true);
    busy.reason = null;
    const created = await project.create(join(tempDir(), 'new'));
    expect(created).toMatchObject({ name: 'new', isDefault: false, counts: { runs: 0 } });
    expect(created.path).toMatch(/new\.paliscope$/);
    project.close();
  });

  it('saves a consistent copy that reopens with the same runs and reviews', async () => {
    const userData = tempDir();
    const { project } = projectIn(userData);
    const runs = [addResult(project.store!, 'a', true), addResult(project.store!, 'b'), addResult(project.store!, 'c')];
    const copy = await project.saveCopy();
    expect(copy.fileName).toMatch(/^paliscope-\d{4}-\d{2}-\d{2}\.paliscope$/);
    expect(copy.mime).toBe('application/vnd.sqlite3');
    // Written after the copy: not in it.
    addResult(project.store!, 'd');

    const reopened = await project.openBytes(copy.fileName, copy.bytes);
    expect(reopened.counts).toEqual({ documents: 3, runs: 3, reviewed: 1 });
    expect(project.store!.results().map((r) => r.run.id).sort()).toEqual(runs);
    expect(project.store!.check()).toEqual([]);
    // No temporary file left behind.
    expect(readdirSync(userData).filter((f) => f.startsWith('.copy-'))).toEqual([]);
    project.close();
  });
});
