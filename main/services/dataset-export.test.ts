import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetExportInput, DATASET_TASK_NAMES, type DatasetExportProgress } from '../../preload/contract';
import { DATASET_TASKS } from '../../models/dataset/values';
import { ExampleLine } from '../../models/dataset/schema';
import { makeTestProject, type TestProject } from '../../models/dataset/test-project';
import { Store } from '../../models/store/store';
import { DatasetExportService } from './dataset-export';
import type { StreamContext } from '../ipc/dispatcher';

const dir = mkdtempSync(join(tmpdir(), 'dataset-export-'));
let project: TestProject;
let store: Store;
beforeAll(async () => {
  project = await makeTestProject(join(dir, 'p'));
  store = Store.open(project.path, { mustExist: true });
}, 60_000);
afterAll(() => { store?.close(); rmSync(dir, { recursive: true, force: true }); });

function ctx(signal = new AbortController().signal): StreamContext<DatasetExportProgress> & { chunks: DatasetExportProgress[] } {
  const chunks: DatasetExportProgress[] = [];
  return { chunks, signal, caller: { id: 't', push: () => undefined }, send: (c) => chunks.push(c) };
}

const service = (over: Partial<ConstructorParameters<typeof DatasetExportService>[0]> = {}) => new DatasetExportService({
  store: () => store, unavailable: () => null, projectName: () => 'study', vaePath: () => project.vaePath, settled: async () => undefined,
  outRoot: join(dir, 'training-data'), ...over,
});

describe('DatasetExportService', () => {
  it('the contract lists the same tasks as the dataset builder', () => {
    expect([...DATASET_TASK_NAMES]).toEqual([...DATASET_TASKS]);
  });

  it('exports the open project with progress and hands back a zip whose lines validate against the schema', async () => {
    const c = ctx();
    const r = await service().export(DatasetExportInput.parse({ seed: 2 }), c);
    expect(r.examples).toBe(14);
    expect(r.skippedTotal).toBe(project.expectedSkips);
    expect(r.folder.startsWith(join(dir, 'training-data', 'study-training-data-'))).toBe(true);
    expect(c.chunks.map((x) => x.stage)).toEqual(expect.arrayContaining(['reading', 'images', 'writing', 'zipping', 'done']));
    const files = unzipSync(r.bytes!);
    const names = Object.keys(files);
    expect(names).toEqual(expect.arrayContaining(['study-training-data/README.md', 'study-training-data/schema.json', 'study-training-data/train.jsonl', 'study-training-data/hf/train/metadata.jsonl']));
    const lines = ['train', 'validation', 'test'].flatMap((s) => strFromU8(files[`study-training-data/${s}.jsonl`]!).split('\n').filter(Boolean));
    expect(lines).toHaveLength(14);
    for (const l of lines) {
      const e = ExampleLine.parse(JSON.parse(l));
      expect(files[`study-training-data/${e.image}`]).toBeDefined();
    }
  }, 60_000);

  it('refuses options the contract does not allow, and says why when there is no store', async () => {
    expect(DatasetExportInput.safeParse({ split: { train: 80, validation: 30, test: 10 } }).success).toBe(false);
    expect(DatasetExportInput.safeParse({ resolution: 300 }).success).toBe(false);
    expect(DatasetExportInput.safeParse({ tasks: ['poetry'] }).success).toBe(false);
    await expect(service({ store: () => null, unavailable: () => 'the add-on did not load' }).export(DatasetExportInput.parse({}), ctx())).rejects.toThrow(/no project store: the add-on did not load/);
  });

  it('a cancelled export fails as cancelled and leaves no folder', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(service({ outRoot: join(dir, 'cancelled') }).export(DatasetExportInput.parse({}), ctx(ac.signal))).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
