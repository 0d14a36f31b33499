// models.* for Google's originals, as the Models window drives them, against the imitation hub serving a tiny
// random-weight checkpoint under google/paligemma2-3b-mix-448 (gated): the catalog's facts (kind, licence page, the
// converted size and memory per dtype), the download sizes read from the hub's listing, and a download that is refused
// without the token and, with it, streams a download phase then a convert phase (in the jobs engine host) and ends
// with a model that is listed and runs.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHECKPOINT_TOKEN, TINY_ORIGINAL, startTinyCheckpointHub } from '../../models/hub/testing/checkpoint-hub';
import type { ImitationHub } from '../../models/hub/testing/imitation-hub';
import type { CatalogModel, ModelDownloadProgress, ModelDownloadResult, Push, StreamMessage } from '../../preload/contract';
import type { Caller } from '../ipc/dispatcher';
import { composeForTests } from '../testing/compose-for-tests';

let hub: ImitationHub;
let work: string;
let services: ReturnType<typeof composeForTests>;
const pushes: Push[] = [];
const caller: Caller = { id: 'window', push: (m) => pushes.push(m) };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'paliscope-manager-ck-'));
  hub = await startTinyCheckpointHub(join(work, 'hub'));
  vi.stubEnv('PALISCOPE_HF_ENDPOINT', hub.endpoint);
  vi.stubEnv('PALISCOPE_MODEL_CATALOG', '');
  vi.stubEnv('PALISCOPE_MODELS_DIR', '');
  services = composeForTests();
  services.dispatcher.attach(caller);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await services.dispose();
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await services.dispatcher.call(name as never, input, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function download(input: object): Promise<StreamMessage[]> {
  const { streamId } = await call<{ streamId: string }>('models.download', input);
  const mine = (): StreamMessage[] => pushes.flatMap((p) => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : []));
  for (let i = 0; i < 3000 && !mine().some((m) => m.type !== 'chunk'); i++) await new Promise((r) => setTimeout(r, 10));
  return mine();
}

describe('models.* for a Google original converted here', () => {
  it('the catalog shows the originals with their licence page, converted sizes and memory, and the listed download size', async () => {
    const catalog = await call<CatalogModel[]>('models.catalog', {});
    const mix = catalog.find((c) => c.id === 'paligemma2-3b-mix-448')!;
    expect(mix).toMatchObject({ kind: 'checkpoint', repo: TINY_ORIGINAL, gated: true, licenceUrl: `${hub.endpoint}/${TINY_ORIGINAL}` });
    expect(mix.checkpoint!.downloadBytes).toBeNull(); // not listed yet: unknown, not guessed
    expect(mix.checkpoint!.estimates.map((e) => e.dtype)).toEqual(['q4', 'int8', 'fp16', 'fp32']);
    const q4 = mix.checkpoint!.estimates[0]!;
    expect(q4.outputBytes).toBeGreaterThan(2.2e9); // a real 3B at 448 px, from its architecture
    expect(q4.outputBytes).toBeLessThan(2.5e9);
    const big = catalog.find((c) => c.id === 'paligemma2-28b-mix-448')!;
    expect(big.checkpoint!.estimates[0]!.outputBytes).toBeGreaterThan(5 * q4.outputBytes);
    expect(catalog.find((c) => c.id === 'paligemma2-3b-pt-224-onnx')).toMatchObject({ kind: 'onnx', checkpoint: null });

    const { catalog: refreshed, failed } = await call<{ catalog: CatalogModel[]; failed: string[] }>('models.refreshSizes', {});
    // The imitation hub holds only the tiny original; every other repository's listing fails and stays unknown.
    expect(failed).not.toContain(TINY_ORIGINAL);
    expect(failed.length).toBe(16);
    const listed = hub.files(TINY_ORIGINAL).filter((f) => f.path !== 'README.md').reduce((a, f) => a + f.size, 0);
    expect(refreshed.find((c) => c.id === 'paligemma2-3b-mix-448')!.checkpoint).toMatchObject({ downloadBytes: listed, listedAt: expect.any(String) });
    expect(refreshed.find((c) => c.id === 'paligemma2-10b-mix-448')!.checkpoint!.downloadBytes).toBeNull();
    // Remembered: the next catalog answer has it without asking the hub.
    expect((await call<CatalogModel[]>('models.catalog', {})).find((c) => c.id === 'paligemma2-3b-mix-448')!.checkpoint!.downloadBytes).toBe(listed);
  });

  it('refuses without the token with the hub\'s text and the licence page; with it, downloads then converts in the engine host', async () => {
    const denied = await download({ catalogId: 'paligemma2-3b-mix-448', dtype: 'q4' });
    const end = denied.at(-1)!;
    expect(end.type).toBe('error');
    const message = (end as { error: { message: string; code: string } }).error;
    expect(message.code).toBe('FORBIDDEN');
    expect(message.message).toContain(`Accept the model's licence at ${hub.endpoint}/${TINY_ORIGINAL}`);
    expect(message.message).toContain('The hub says: Access to model google/paligemma2-3b-mix-448 is restricted');

    await call('models.setToken', { token: CHECKPOINT_TOKEN });
    const messages = await download({ catalogId: 'paligemma2-3b-mix-448', dtype: 'q4' });
    const chunks = messages.filter((m) => m.type === 'chunk').map((m) => (m as { chunk: ModelDownloadProgress }).chunk);
    const phases = [...new Set(chunks.map((c) => c.phase))];
    expect(phases).toEqual(['download', 'convert']);
    expect([...new Set(chunks.flatMap((c) => (c.convert ? [c.convert.graph] : [])))]).toEqual(['vision_encoder', 'embed_tokens', 'decoder']);
    const done = messages.at(-1) as { type: string; value: ModelDownloadResult };
    expect(done.type).toBe('done');
    expect(done.value).toMatchObject({ status: 'done', name: 'paligemma2-3b-mix-448-q4', model: { layout: 'paliscope', dtypes: ['q4'], source: 'download', catalogId: 'paligemma2-3b-mix-448', problem: null } });
    expect(done.value.message).toMatch(/downloaded \([\d.]+ [kM]B, verified\) and converted to q4/);
    expect(readdirSync(join(services.userDataDir, 'models'))).toEqual(['paligemma2-3b-mix-448-q4']);
    const catalog = await call<CatalogModel[]>('models.catalog', {});
    expect(catalog.find((c) => c.id === 'paligemma2-3b-mix-448')!.variants.find((v) => v.dtype === 'q4')!.installed).toBe(true);
  });
});
