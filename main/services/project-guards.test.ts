// Hostile project files (models/testing/hostile/projects.ts) against the project service: each is refused before
// any of its SQL runs, naming the file and the reason; the current project stays open; nothing is remembered; a
// project that takes too long to read is not opened; the batches a project holds wait for the person.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../models/store/store';
import { ProjectService, defaultStorePath } from './project';
import {
  projectWithEndlessView, projectWithGeneratedColumn, projectWithHugeCells, projectWithQueuedBatch, projectWithTrigger, projectWithVirtualTable,
} from '../../models/testing/hostile/projects';

function setup(): { root: string; userDataDir: string; service: () => ProjectService; state: () => { current: string | null; recent: { path: string }[] } } {
  const root = mkdtempSync(join(tmpdir(), 'paliscope-hostile-project-'));
  const userDataDir = join(root, 'user-data');
  return {
    root,
    userDataDir,
    service: () => new ProjectService({ userDataDir }),
    state: () => (existsSync(join(userDataDir, 'projects.json')) ? JSON.parse(readFileSync(join(userDataDir, 'projects.json'), 'utf8')) : { current: null, recent: [] }),
  };
}

const HOSTILE = [
  { what: 'a view with a never-ending recursive query', build: projectWithEndlessView, reason: /holds a view "documents"/ },
  { what: 'a trigger', build: projectWithTrigger, reason: /holds a trigger "reviews_rewrite"/ },
  { what: 'a virtual table', build: projectWithVirtualTable, reason: /holds a virtual table "notes"/ },
  { what: 'a generated column', build: projectWithGeneratedColumn, reason: /its table runs on runs is not one Paliscope makes/ },
];

describe('opening a hostile project file', () => {
  for (const { what, build, reason } of HOSTILE) {
    it(`refuses ${what}, by path and as bytes, keeping the current project and remembering nothing`, async () => {
      const { root, service, state } = setup();
      const file = build(join(root, 'shared.paliscope'));
      const projects = service();
      await expect(projects.openPath(file)).rejects.toThrow(reason);
      await expect(projects.openBytes('shared.paliscope', new Uint8Array(readFileSync(file)))).rejects.toThrow(new RegExp(`^shared\\.paliscope is not a Paliscope project that is safe to open: .*${reason.source}`));
      expect(projects.isDefault).toBe(true);
      expect(projects.info().counts).toEqual({ documents: 0, runs: 0, reviewed: 0 });
      expect(state()).toEqual({ current: null, recent: [] });
      projects.close();
    }, 30_000);
  }

  it('falls back to the default store at start-up when the project it last had open was replaced by a hostile file', async () => {
    const { root, userDataDir, service, state } = setup();
    const file = join(root, 'mine.paliscope');
    Store.open(file).close();
    const first = service();
    await first.openPath(file);
    first.close();
    expect(state().current).toBe(file);
    // Replaced meanwhile (a new version downloaded over it).
    copyFileSync(projectWithEndlessView(join(root, 'evil.paliscope')), file);
    const warnings: string[] = [];
    const second = new ProjectService({ userDataDir, log: { warn: (m) => warnings.push(m) } });
    expect(second.path).toBe(defaultStorePath(userDataDir));
    expect(second.info().counts.documents).toBe(0);
    expect(warnings.join('\n')).toMatch(/could not be opened/);
    second.close();
  }, 30_000);

  it('does not open a project whose reading takes longer than the time limit, and remembers nothing', async () => {
    const { root, userDataDir, state } = setup();
    // Sound, but 24 MB of text: reading it all takes far longer than the 1 ms allowed here.
    const file = projectWithHugeCells(join(root, 'big.paliscope'), { rows: 48, cellBytes: 512 * 1024 });
    const strict = new ProjectService({ userDataDir, probeTimeLimitMs: 1 });
    await expect(strict.openPath(file)).rejects.toThrow(/^big\.paliscope took longer than 0\.0 s to read and was not opened/);
    expect(strict.isDefault).toBe(true);
    expect(state()).toEqual({ current: null, recent: [] });
    strict.close();
    // With the normal limit it opens: huge cells are not refused for their size.
    const normal = new ProjectService({ userDataDir });
    expect((await normal.openPath(file)).counts.runs).toBe(48);
    normal.close();
  }, 60_000);

  it('pauses the batches a project holds as running or queued when it opens: nothing starts by itself', async () => {
    const { root, service } = setup();
    const secret = join(root, 'id_ed25519');
    writeFileSync(secret, 'PRIVATE KEY');
    const running = projectWithQueuedBatch(join(root, 'a.paliscope'), secret, { status: 'running' });
    const queued = projectWithQueuedBatch(join(root, 'b.paliscope'), secret, { status: 'queued' });
    const projects = service();
    for (const p of [running, queued]) {
      const changed: string[] = [];
      projects.attach({ changed: () => changed.push(projects.store!.batch(p.batchId)!.status) });
      await projects.openPath(p.path);
      // Paused before anyone (the batch service) is told the project changed.
      expect(changed).toEqual(['paused']);
    }
    projects.close();
  }, 30_000);
});
