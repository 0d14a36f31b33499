// models.* through the dispatcher as the UI drives them, against the imitation hub serving the tiny model: the
// catalog, a download streamed with progress and listed with what a run would use, the gated case, pause and
// resume, cancel, removal; and the folder and token settings.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareTinyModel, type TinyModel } from '../../models/paligemma/test-fixture';
import type { ImitationHub } from '../../models/hub/testing/imitation-hub';
import { TINY_GRANTED_TOKEN, startTinyHub } from '../../models/hub/testing/tiny-hub';
import type { CatalogModel, ModelList, ModelSettings, Push, StreamMessage } from '../../preload/contract';
import type { Caller } from '../ipc/dispatcher';
import { composeForTests } from '../testing/compose-for-tests';
import { ModelCatalog } from './models';
import { ModelManager } from './model-manager';
import { TokenStore } from './token-store';

let tiny: TinyModel;
let hub: ImitationHub;
let work: string;
let services: ReturnType<typeof composeForTests>;
const pushes: Push[] = [];
const caller: Caller = { id: 'window', push: (m) => pushes.push(m) };

beforeAll(async () => {
  tiny = await prepareTinyModel('onnx-community');
  work = mkdtempSync(join(tmpdir(), 'paliscope-manager-'));
  let catalogPath: string;
  ({ hub, catalogPath } = await startTinyHub(tiny.modelDir, work));
  vi.stubEnv('PALISCOPE_HF_ENDPOINT', hub.endpoint);
  vi.stubEnv('PALISCOPE_MODEL_CATALOG', catalogPath);
  vi.stubEnv('PALISCOPE_MODELS_DIR', '');
  services = composeForTests();
  services.dispatcher.attach(caller);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await services.dispose();
  await hub.close();
  tiny.cleanup();
  rmSync(work, { recursive: true, force: true });
});

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await services.dispatcher.call(name as never, input, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function download(input: object, during?: (streamId: string, chunks: number) => void): Promise<StreamMessage[]> {
  const { streamId } = await call<{ streamId: string }>('models.download', input);
  const mine = (): StreamMessage[] => pushes.flatMap((p) => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : []));
  for (let i = 0; i < 600 && !mine().some((m) => m.type !== 'chunk'); i++) {
    during?.(streamId, mine().length);
    await new Promise((r) => setTimeout(r, 10));
  }
  return mine();
}

const modelsDir = () => join(services.userDataDir, 'models');

describe('models.* (model manager)', () => {
  it('lists the shipped catalog and the test catalog, marking what is installed', async () => {
    const catalog = await call<CatalogModel[]>('models.catalog', {});
    expect(catalog.map((c) => c.id)).toEqual(expect.arrayContaining(['paligemma2-3b-pt-224-onnx', 'paligemma2-3b-mix-448', 'pp-ocrv4', 'tiny-test', 'tiny-gated']));
    expect(catalog.find((c) => c.id === 'tiny-test')!.variants).toEqual([{ dtype: 'fp32', knownBytes: null, complete: false, installed: false }]);
  });

  it('downloads with progress, lists the model with its tasks and the dtype/provider a run would use, and removes it', async () => {
    const messages = await download({ catalogId: 'tiny-test' });
    const end = messages.at(-1) as { type: string; value: { status: string; model: { id: string } } };
    expect(end.type).toBe('done');
    expect(end.value.status).toBe('done');
    const chunks = messages.filter((m) => m.type === 'chunk').map((m) => (m as { chunk: { doneBytes: number; totalBytes: number } }).chunk);
    expect(chunks.at(-1)).toMatchObject({ doneBytes: chunks.at(-1)!.totalBytes });

    const list = await call<ModelList>('models.list', {});
    const model = list.models.find((m) => m.name === 'tiny-test-fp32')!;
    expect(model).toMatchObject({ source: 'download', catalogId: 'tiny-test', removable: true, resolution: 56, problem: null,
      plan: { dtypes: { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder: 'fp32' }, providers: expect.arrayContaining(['cpu']) } });
    expect(model.tasks).toContain('caption');
    expect(model.bytes).toBeGreaterThan(100_000);
    expect(list.downloadFolder).toBe(modelsDir());
    expect(list.freeBytes).toBeGreaterThan(0);
    expect((await call<CatalogModel[]>('models.catalog', {})).find((c) => c.id === 'tiny-test')!.variants[0]!.installed).toBe(true);

    expect(await call('models.remove', { modelId: model.id })).toEqual({ deleted: true, name: 'tiny-test-fp32' });
    expect(readdirSync(modelsDir())).toEqual([]);
  });

  it('ends a gated download with FORBIDDEN and a clear message, and succeeds once the token is set (kept in memory here)', async () => {
    const denied = (await download({ catalogId: 'tiny-gated' })).at(-1) as { type: string; error: { code: string; message: string } };
    expect(denied).toMatchObject({ type: 'error', error: { code: 'FORBIDDEN' } });
    expect(denied.error.message).toMatch(/gated and needs an access token/);
    expect(existsSync(join(modelsDir(), 'tiny-gated-fp32'))).toBe(false);

    const settings = await call<ModelSettings>('models.setToken', { token: TINY_GRANTED_TOKEN });
    expect(settings).toMatchObject({ tokenSet: true, tokenStorage: 'memory', endpoint: hub.endpoint });
    expect(readdirSync(services.userDataDir)).not.toContain('hub-token.bin');
    expect((await download({ catalogId: 'tiny-gated' })).at(-1)).toMatchObject({ type: 'done', value: { status: 'done' } });
    await call('models.setToken', { token: null });
    expect((await call<ModelSettings>('models.settings', {})).tokenSet).toBe(false);
    await expect(call('models.setToken', { token: 'has space' })).rejects.toThrow(/printable characters without spaces/);
  });

  it('pauses keeping the partial files hidden, resumes with Range requests, and cancel leaves nothing', async () => {
    hub.misbehave.chunkDelayMs = 30;
    let paused = false;
    const first = await download({ catalogId: 'tiny-test' }, (_id, n) => {
      if (!paused && n > 2) { paused = true; void call('models.pauseDownload', { catalogId: 'tiny-test' }); }
    });
    expect(first.at(-1)).toMatchObject({ type: 'done', value: { status: 'paused' } });
    expect(readdirSync(modelsDir()).filter((n) => !n.startsWith('.'))).not.toContain('tiny-test-fp32');
    expect((await call<ModelList>('models.list', {})).models.map((m) => m.name)).not.toContain('tiny-test-fp32');

    hub.misbehave.chunkDelayMs = 0;
    hub.requests.length = 0;
    expect((await download({ catalogId: 'tiny-test' })).at(-1)).toMatchObject({ type: 'done', value: { status: 'done' } });
    expect(hub.requests.some((r) => r.range && /bytes=[1-9]/.test(r.range))).toBe(true);
    const model = (await call<ModelList>('models.list', {})).models.find((m) => m.name === 'tiny-test-fp32')!;
    await call('models.remove', { modelId: model.id });

    hub.misbehave.chunkDelayMs = 30;
    let cancelled = false;
    const gone = await download({ catalogId: 'tiny-test' }, (streamId, n) => {
      if (!cancelled && n > 2) { cancelled = true; void call('streams.cancel', { streamId }); }
    });
    hub.misbehave.chunkDelayMs = 0;
    expect(gone.at(-1)!.type).toBe('cancelled');
    for (let i = 0; i < 50 && existsSync(join(modelsDir(), '.staging')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(modelsDir()).filter((n) => n !== 'tiny-gated-fp32')).toEqual([]);
  });

  it('says the headless host cannot pick folders, and names unknown catalog ids', async () => {
    await expect(call('models.importFolder', {})).rejects.toThrow(/npx paliscope models import/);
    await expect(call('models.chooseFolder', {})).rejects.toThrow(/no folder dialog/);
    const unknown = (await download({ catalogId: 'no-such-model' })).at(-1) as { error: { code: string; message: string } };
    expect(unknown.error).toMatchObject({ code: 'BAD_INPUT' });
    expect(unknown.error.message).toMatch(/no model "no-such-model" in the catalog/);
  });
});

describe('ModelManager failures', () => {
  it('refuses a download the disk has no room for, with the sizes, and leaves the models folder empty', async () => {
    const dir = mkdtempSync(join(work, 'full-'));
    const manager = new ModelManager({
      models: new ModelCatalog([dir]), tokens: new TokenStore(join(dir, 'token')), settingsFile: join(work, 'settings.json'),
      endpoint: hub.endpoint, downloadOverrides: { freeSpace: async () => 10_000 },
    });
    const ctx = { callerId: 'w', signal: new AbortController().signal, send: () => undefined };
    const err = await manager.download({ catalogId: 'tiny-test' }, ctx as never).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({ code: 'TOO_LARGE' });
    expect(err!.message).toMatch(/paliscope\/tiny-test: needs [\d.]+ MB but only 10\.0 kB is free on the disk holding/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
