// A hostile model output that keeps a parser busy: the request is stopped at its time limit, the message names the
// input, the engine host is restarted (not counted as a crash) and serves the next request. Real host, real parsers.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { EngineStatus } from '../../preload/contract';
import { EngineClient } from './client';
import { nodeEngineSpawner } from './spawn-node';
import { describeInput } from './time-limits';
import { hostileKern, hostileSmiles, hostileTable } from '../../models/testing/hostile/payloads';
import { npzBomb } from '../../models/testing/hostile/archives';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

const spawnTsHost = nodeEngineSpawner(join(import.meta.dirname, 'host.ts'), { execArgv: ['--import', 'tsx'] });

describe('engine host time limits (models/testing/hostile/payloads)', () => {
  let client: EngineClient | null = null;
  afterEach(async () => {
    await client?.stop();
    client = null;
  });

  it('stops a table parse over its limit, names the output, restarts the host and serves again', async () => {
    const statuses: EngineStatus[] = [];
    // Seconds of parsing at full speed (nested spanning cells); the limit here is half a second once the parser is
    // loaded, four times that for the first table of a host.
    client = new EngineClient(spawnTsHost, { onStatus: (s) => statuses.push(s), timeLimitsMs: { 'tasks.analyze': 500 } });
    await client.request('tasks.analyze', { task: 'table', raw: '<table><tr><td>warm</td></tr></table>', options: {} });
    const before = await client.health();
    const raw = hostileTable(12);
    const t0 = Date.now();
    await expect(client.request('tasks.analyze', { task: 'table', raw, options: {} })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(new RegExp(`^the table output of ${raw.length} characters \\("<table>.*"\\) took longer than 0\\.5 s to parse; it was stopped and the engine host restarted$`)),
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
    const after = await client.health();
    expect(after.pid).not.toBe(before.pid);
    expect(statuses.some((s) => s.state === 'crashed')).toBe(false);
    // A small output parses as usual in the new host.
    const ok = await client.request('tasks.analyze', { task: 'table', raw: '<table><tr><td>1</td></tr></table>', options: {} });
    expect(ok).toMatchObject({ kind: 'table' });
  }, 60_000);

  it('imports a mask decoder in the engine host: a compressed bomb is refused by name and nothing is installed', async () => {
    client = new EngineClient(spawnTsHost);
    const modelsDir = join(mkdtempSync(join(tmpdir(), 'paliscope-mask-import-')), 'models');
    const bomb = npzBomb({ inflatedBytes: 64 * 2 ** 20, declaredBytes: 4096 });
    await expect(client.request('mask.importDecoder', { name: 'vae-oid.npz', bytes: bomb, modelsDir })).rejects.toMatchObject({
      code: 'CORRUPT_FILE',
      message: expect.stringMatching(/^vae-oid\.npz: member "bomb\.npy": inflates to more than the 4096 bytes/),
    });
    expect(existsSync(modelsDir) ? readdirSync(modelsDir) : []).toEqual([]);
    expect(describeInput('mask.importDecoder', { name: 'vae-oid.npz', bytes: bomb, modelsDir })).toMatch(/^the mask decoder file vae-oid\.npz \(0\.\d MiB\)$/);
  }, 60_000);

  it('names each kind of hostile input in its message', () => {
    expect(describeInput('tasks.analyze', { task: 'music', raw: hostileKern({ spines: 2, bars: 3 }), options: {} })).toMatch(/^the music output of \d+ characters \("\*\*kern \*\*kern \*M4\/4 .*…"\)$/);
    expect(describeInput('tasks.analyze', { task: 'molecule', raw: hostileSmiles(100), options: {} })).toMatch(/^the molecule output of \d+ characters \("C1CCCCC/);
  });
});
