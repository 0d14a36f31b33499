// Switching projects through main's services as the UI does (projects.* calls, projects.changed events), with the real
// engine host running a built-in OCR batch: a switch is refused while the batch runs, allowed once it is done; the
// Batch tab's list and the review list follow the switch; the dialog calls are refused in the headless host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchStartResult, BatchSummary, ProjectInfo, Push, ReviewList } from '../../preload/contract';
import type { Services } from '../compose';
import { composeTestServices } from '../testing/compose-for-tests';
import { Store } from '../../models/store/store';
import { makeFixtures, type FixtureName } from '../../e2e/fixtures/make-fixtures';
import type { Caller } from '../ipc/dispatcher';

const root = mkdtempSync(join(tmpdir(), 'paliscope-project-switch-'));
let fixtures: Record<FixtureName, string>;
let services: Services;
const batchEvents: BatchSummary[] = [];
const projectEvents: ProjectInfo[] = [];
const caller: Caller = {
  id: 'test-window',
  push: (p: Push) => {
    if (!('event' in p)) return;
    if (p.event === 'batches.progress') batchEvents.push(p.payload as BatchSummary);
    if (p.event === 'projects.changed') projectEvents.push(p.payload as ProjectInfo);
  },
};

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await services.dispatcher.call(name, input, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function until(test: () => boolean, timeoutMs = 90_000): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; last batch event: ${JSON.stringify(batchEvents.at(-1))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  fixtures = await makeFixtures(join(import.meta.dirname, '../../.cache/fixtures'));
  services = composeTestServices(join(root, 'user-data'), { modelFolders: [join(root, 'models')] });
  services.dispatcher.attach(caller);
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('projects.* through the services', () => {
  it('refuses a switch while a batch runs, switches once it is done, and the batches and results follow', async () => {
    const empty = join(root, 'empty.paliscope');
    Store.open(empty).close();
    const emptyBytes = new Uint8Array(readFileSync(empty));

    const bytes = new Uint8Array(await readFile(fixtures['multipage.tiff']));
    const documentId = (await call<{ id: string }>('documents.openBytes', { name: 'multipage.tiff', bytes })).id;
    const started = await call<BatchStartResult>('batches.start', { documentIds: [documentId], task: 'ocr-builtin' });
    await expect(call('projects.openBytes', { name: 'empty.paliscope', bytes: emptyBytes })).rejects.toThrow(
      `The project cannot change while batch ${started.batch.id} is running: pause or cancel it first`,
    );
    await until(() => batchEvents.some((e) => e.id === started.batch.id && e.status === 'done'));
    // The batch's last event and the end of its run are one tick apart.
    await until(() => services.batches.busy() === null);
    expect((await call<ProjectInfo>('projects.current', {})).counts).toMatchObject({ documents: 1, runs: 3 });

    const opened = await call<ProjectInfo>('projects.openBytes', { name: 'empty.paliscope', bytes: emptyBytes });
    expect(opened).toMatchObject({ name: 'empty', isDefault: false, counts: { runs: 0 } });
    expect(projectEvents.map((e) => e.name)).toEqual(['empty']);
    expect(await call<BatchSummary[]>('batches.list', {})).toEqual([]);
    expect((await call<ReviewList>('reviews.list', {})).items).toEqual([]);

    const back = await call<ProjectInfo>('projects.useDefault', {});
    expect(back).toMatchObject({ isDefault: true, counts: { runs: 3 } });
    expect((await call<BatchSummary[]>('batches.list', {})).map((b) => [b.id, b.status])).toEqual([[started.batch.id, 'done']]);
    expect((await call<ReviewList>('reviews.list', {})).items).toHaveLength(3);
  }, 120_000);

  it('refuses the dialogs in the headless host, saying to upload the file instead', async () => {
    for (const name of ['projects.openDialog', 'projects.newDialog']) {
      await expect(call(name, {})).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/no file dialog.*Open a project file/) });
    }
  });
});
