// The engine host as a real child process (TypeScript source run through tsx): ping, crash
// detection, restart, and the fate of requests in flight when it dies.
import { describe, it, expect, afterEach } from 'vitest';
import { join } from 'node:path';
import type { EngineStatus } from '../../preload/contract';
import { EngineClient } from './client';
import { nodeEngineSpawner } from './spawn-node';

const spawnTsHost = nodeEngineSpawner(join(import.meta.dirname, 'host.ts'), { execArgv: ['--import', 'tsx'] });

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('EngineClient', () => {
  let client: EngineClient | null = null;
  afterEach(async () => {
    await client?.stop();
    client = null;
  });

  it('starts the host, answers ping from another process, and reports status', async () => {
    const statuses: EngineStatus[] = [];
    client = new EngineClient(spawnTsHost, { onStatus: (s) => statuses.push(s) });
    const health = await client.health();
    expect(health.pid).not.toBe(process.pid);
    expect(health.state).toBe('ready');
    expect(health.rssBytes).toBeGreaterThan(0);
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready']);
  });

  it('restarts a killed host, rejects the request in flight with ENGINE_CRASHED, and serves again', async () => {
    const statuses: EngineStatus[] = [];
    client = new EngineClient(spawnTsHost, { onStatus: (s) => statuses.push(s) });
    const first = await client.health();
    // A request that is still waiting when the process dies: 'ocr.recognize' on a 1x1 page has
    // to load models first, so it is still pending when we kill the host a moment later.
    const inFlight = client.request('ocr.recognize', { image: { data: new Uint8Array(3), width: 1, height: 1, channels: 3 } });
    process.kill(first.pid!, 'SIGKILL');
    await expect(inFlight).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
    await until(() => statuses.at(-1)?.state === 'ready' && statuses.at(-1)!.restarts === 1);
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready', 'crashed', 'restarting', 'ready']);
    const second = await client.health();
    expect(second.pid).not.toBe(first.pid);
    expect(second.restarts).toBe(1);
  });

  it('keeps the restart count when a request starts the host again during the restart delay', async () => {
    const statuses: EngineStatus[] = [];
    client = new EngineClient(spawnTsHost, { onStatus: (s) => statuses.push(s) });
    const first = await client.health();
    process.kill(first.pid!, 'SIGKILL');
    await until(() => statuses.at(-1)?.state === 'crashed');
    // Asked at once, before the scheduled restart: this request starts the host itself.
    const second = await client.health();
    expect(second.pid).not.toBe(first.pid);
    expect(second.restarts).toBe(1);
    await new Promise((r) => setTimeout(r, 400)); // past the restart delay: no second host
    expect(statuses.filter((s) => s.state === 'ready').map((s) => s.restarts)).toEqual([0, 1]);
    expect((await client.health()).pid).toBe(second.pid);
  });

  it('gives up after repeated crashes at start and says so', async () => {
    const statuses: EngineStatus[] = [];
    const crashing = nodeEngineSpawner(join(import.meta.dirname, 'host.ts'), { execArgv: ['--import', 'tsx'], env: { ...process.env, NODE_OPTIONS: '--invalid-flag-to-crash' } });
    client = new EngineClient(crashing, { onStatus: (s) => statuses.push(s), maxRapidCrashes: 2 });
    await expect(client.start()).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
    await until(() => statuses.at(-1)?.state === 'stopped');
    expect(statuses.at(-1)!.message).toMatch(/crashed 3 times in a row/);
  });

  it('the host runs nothing on params the protocol does not have, and says which part is wrong', async () => {
    client = new EngineClient(spawnTsHost);
    const pixels = { data: new Uint8Array(5), width: 2, height: 2, channels: 3 as const };
    await expect(client.request('ocr.recognize', { image: pixels })).rejects.toMatchObject({
      code: 'BAD_INPUT', message: expect.stringMatching(/engine host ocr\.recognize: params do not fit the protocol \(image(\.data)?: pixel data must be width × height × 3 bytes\)/),
    });
    await expect(client.request('runs.run', { modelDir: '/m', task: 'poem' } as never)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('runs.run: params do not fit the protocol') });
    // A model folder that is not there is a run record with its reason, not a thrown error.
    const outcome = await client.request('runs.run', {
      modelDir: '/nonexistent/model', task: 'caption', prompt: 'caption en', image: { data: new Uint8Array(12), width: 2, height: 2, channels: 3 },
      maxNewTokens: 4, strategy: { kind: 'greedy' }, region: null, vaePath: null,
    });
    expect(outcome).toMatchObject({ status: 'error', raw: '', parsed: null, error: { code: 'MODEL_NOT_FOUND', message: expect.stringContaining('/nonexistent/model') } });
    expect((await client.health()).state).toBe('ready');
  });
});
