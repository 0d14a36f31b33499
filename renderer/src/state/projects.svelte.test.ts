import { describe, expect, it } from 'vitest';
import { fakeHost } from './fake-host.test-helpers';
import type { ProjectInfo } from '../../../preload/contract';
import { NoticesState } from './notices.svelte';
import { ProjectsState } from './projects.svelte';

const info = (over: Partial<ProjectInfo> = {}): ProjectInfo => ({
  path: '/u/paliscope.sqlite', name: 'Default store', schemaVersion: 2, counts: { documents: 0, runs: 0, reviewed: 0 },
  isDefault: true, unavailable: null, migrated: [], ...over,
});
const study = info({ path: '/u/projects/study.paliscope', name: 'study', isDefault: false, counts: { documents: 1, runs: 4, reviewed: 2 } });

describe('ProjectsState', () => {
  it('opens a picked file by its bytes and reloads the panels once, though both the answer and the event announce it', async () => {
    const host = fakeHost({ 'projects.current': { ok: true, value: info() }, 'projects.openBytes': { ok: true, value: study } });
    const changed: string[] = [];
    const state = new ProjectsState(host.api, new NoticesState(), (p) => changed.push(p.name));
    await state.load();
    host.calls.length = 0;
    await state.openFile(new File([new Uint8Array([1, 2, 3])], 'study.paliscope'));
    host.push({ event: 'projects.changed', payload: study });
    expect(host.calls).toHaveLength(1);
    expect(host.calls[0]).toMatchObject({ name: 'projects.openBytes', input: { name: 'study.paliscope' } });
    expect(Array.from((host.calls[0]!.input as { bytes: Uint8Array }).bytes)).toEqual([1, 2, 3]);
    expect(state.current?.name).toBe('study');
    expect(changed).toEqual(['study']);
    expect(state.busy).toBeNull();
  });

  it('shows a refusal naming the file, and keeps the project', async () => {
    const host = fakeHost({
      'projects.current': { ok: true, value: info() },
      'projects.openBytes': { ok: false, error: { code: 'UNSUPPORTED_FORMAT', message: 'notes.paliscope is not a Paliscope project: it is not an SQLite database' } },
    });
    const notices = new NoticesState();
    const changed: string[] = [];
    const state = new ProjectsState(host.api, notices, (p) => changed.push(p.name));
    await state.load();
    await state.openFile(new File(['hello'], 'notes.paliscope'));
    expect(notices.items[0]).toMatchObject({ kind: 'error', title: 'Could not open notes.paliscope', code: 'UNSUPPORTED_FORMAT' });
    expect(state.current?.name).toBe('Default store');
    expect(changed).toEqual([]);
  });

  it('a cancelled dialog changes nothing; a migrated project is announced', async () => {
    const host = fakeHost({
      'projects.current': { ok: true, value: info() },
      'projects.openDialog': { ok: true, value: { changed: false, project: info() } },
    });
    const notices = new NoticesState();
    const changed: string[] = [];
    const state = new ProjectsState(host.api, notices, (p) => changed.push(p.name));
    await state.load();
    await state.openDialog();
    expect(changed).toEqual([]);
    host.push({ event: 'projects.changed', payload: { ...study, migrated: [2] } });
    expect(changed).toEqual(['study']);
    expect(notices.items[0]).toMatchObject({ kind: 'info', title: 'study was updated' });
  });

  it('imports results with progress on the button and a notice of the counts; a refusal names the file', async () => {
    const host = fakeHost({ 'projects.current': { ok: true, value: info() }, 'projects.importResults': { ok: true, value: { streamId: 's1' } } });
    const notices = new NoticesState();
    const changed: string[] = [];
    const state = new ProjectsState(host.api, notices, (p) => changed.push(p.name));
    await state.load();
    const done = state.importFiles([new File([new Uint8Array([1])], 'out-0.paliscope'), new File([new Uint8Array([2])], 'out-1.paliscope')]);
    await new Promise((r) => setTimeout(r, 0));
    expect(host.calls.at(-1)).toMatchObject({ name: 'projects.importResults', input: { files: [{ name: 'out-0.paliscope' }, { name: 'out-1.paliscope' }] } });
    host.push({ stream: { streamId: 's1', type: 'chunk', chunk: { file: 'out-1.paliscope', index: 1, files: 2, phase: 'runs', done: 50, total: 100 } } });
    expect(state.busy).toBe('Importing 2/2 out-1.paliscope… 80 %');
    expect(state.importing).toMatchObject({ file: 'out-1.paliscope', index: 1, files: 2 });
    const seen = { seen: 6, added: 6 };
    const file = (name: string) => ({ name, documents: seen, pages: seen, runs: seen, reviews: { added: 1, conflicts: 0 }, history: { added: 1 }, batches: { seen: 1, added: name === 'out-0.paliscope' ? 1 : 0 }, items: { seen: 6, added: 6, updated: 0 } });
    const after = { ...info(), counts: { documents: 12, runs: 12, reviewed: 2 } };
    host.push({ stream: { streamId: 's1', type: 'done', value: { files: [file('out-0.paliscope'), file('out-1.paliscope')], project: after } } });
    await done;
    expect(state.busy).toBeNull();
    expect(state.importing).toBeNull();
    expect(state.current?.counts.runs).toBe(12);
    expect(notices.items[0]).toMatchObject({ kind: 'info', title: 'Results imported', message: '12 results added (0 already there), 12 new documents, 2 reviews, 1 new batch, from 2 files.' });
    expect(changed).toEqual(['Default store']);

    const refusing = fakeHost({
      'projects.current': { ok: true, value: info() },
      'projects.importResults': { ok: false, error: { code: 'UNSUPPORTED_FORMAT', message: 'notes.paliscope is not a Paliscope project: it is not an SQLite database' } },
    });
    const n2 = new NoticesState();
    const s2 = new ProjectsState(refusing.api, n2, () => undefined);
    await s2.importFiles([new File(['x'], 'notes.paliscope')]);
    expect(n2.items[0]).toMatchObject({ kind: 'error', title: 'Could not import notes.paliscope', code: 'UNSUPPORTED_FORMAT' });
    expect(s2.busy).toBeNull();
  });
});
