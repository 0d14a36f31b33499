// "Import checkpoint…" through the dispatcher, as the desktop app drives it: the folder dialog is
// faked as the folder a person picked; the conversion runs in the jobs engine host for real.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixture } from '../../models/onnx/fixture';
import { composeForTests } from '../testing/compose-for-tests';
import type { Caller } from '../ipc/dispatcher';
import type { ModelList, Push, StreamMessage } from '../../preload/contract';

const root = mkdtempSync(join(tmpdir(), 'paliscope-import-'));
const checkpoint = join(root, 'tiny-checkpoint');
let picked: string | null = null;
let services: ReturnType<typeof composeForTests>;
const pushes: Push[] = [];
const caller: Caller = { id: 'window', push: (m) => pushes.push(m) };

beforeAll(() => {
  writeFixture({ preset: 'tiny', outDir: checkpoint });
  services = composeForTests({ host: 'electron', showFolderDialog: async () => picked });
  services.dispatcher.attach(caller);
});
afterAll(async () => {
  await services.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function importOnce(dtype: string): Promise<StreamMessage[]> {
  const started = await services.dispatcher.call('models.importCheckpoint', { dtype }, caller);
  if (!started.ok) throw new Error(started.error.message);
  const { streamId } = started.value as { streamId: string };
  const mine = (): StreamMessage[] => pushes.flatMap((p) => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : []));
  for (let i = 0; i < 600 && !mine().some((m) => m.type !== 'chunk'); i++) await new Promise((r) => setTimeout(r, 50));
  return mine();
}

describe('importing a checkpoint', () => {
  it('converts the picked folder into the models folder with progress, and the model list shows it', async () => {
    picked = checkpoint;
    const messages = await importOnce('q4');
    const chunks = messages.filter((m) => m.type === 'chunk').map((m) => (m as { chunk: { done: number; total: number } }).chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.at(-1)!.done).toBe(chunks.at(-1)!.total);
    const done = messages.at(-1) as { type: string; value: { imported: boolean; name: string; location: string } };
    expect(done.type).toBe('done');
    expect(done.value).toMatchObject({ imported: true, name: 'tiny-checkpoint-q4' });
    expect(done.value.location).toBe(join(services.userDataDir, 'models', 'tiny-checkpoint-q4'));
    // Staging is empty again: the finished model was moved, not copied.
    expect(readdirSync(join(services.userDataDir, 'staging'))).toEqual([]);

    const list = await services.dispatcher.call('models.list', {}, caller);
    const models = (list as { ok: true; value: ModelList }).value.models;
    const imported = models.find((m) => m.name === 'tiny-checkpoint-q4');
    expect(imported).toMatchObject({ layout: 'paliscope', problem: null });
    expect(imported!.dtypes).toContain('q4');
  });

  it('never overwrites a model already there', async () => {
    picked = checkpoint;
    const done = (await importOnce('q4')).at(-1) as { value: { name: string } };
    expect(done.value.name).toBe('tiny-checkpoint-q4-2');
  });

  it('a cancelled dialog imports nothing; a folder that is not a checkpoint is refused by name', async () => {
    picked = null;
    expect((await importOnce('fp32')).at(-1)).toMatchObject({ type: 'done', value: { imported: false } });
    const notCheckpoint = join(root, 'holiday-photos');
    mkdirSync(notCheckpoint);
    picked = notCheckpoint;
    const failed = (await importOnce('fp32')).at(-1) as { type: string; error: { code: string; message: string } };
    expect(failed.type).toBe('error');
    expect(failed.error.code).toBe('BAD_INPUT');
    expect(failed.error.message).toContain('holiday-photos');
    expect(existsSync(join(services.userDataDir, 'models', 'holiday-photos-fp32'))).toBe(false);
  });

  it('the headless host, which has no folder dialog, says how to convert instead', async () => {
    const headless = composeForTests();
    try {
      const started = await headless.dispatcher.call('models.importCheckpoint', {}, caller);
      const { streamId } = (started as { ok: true; value: { streamId: string } }).value;
      let end: StreamMessage | undefined;
      for (let i = 0; i < 100 && !end; i++) {
        await new Promise((r) => setTimeout(r, 20));
        end = pushes.flatMap((p) => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : [])).at(-1);
      }
      expect(end).toMatchObject({ type: 'error', error: { code: 'UNSUPPORTED' } });
      expect((end as { error: { message: string } }).error.message).toContain('npx paliscope convert');
    } finally {
      await headless.dispose();
    }
  });
});
