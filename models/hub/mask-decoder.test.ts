// The mask decoder fetched from a Space on the imitation hub: downloaded, checked and moved into the models folder;
// a corrupted transfer or a file that is not a decoder leaves the folder as it was.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubClient } from './hub-client';
import { downloadMaskDecoder, MASK_DECODER_SOURCE } from './mask-decoder';
import { startImitationHub, type ImitationHub } from './testing/imitation-hub';
import { writeRandomVae } from '../paligemma/tasks/mask/fixture';
import { findVae } from '../paligemma/tasks/mask/segment';

let root: string;
let hub: ImitationHub;
let client: HubClient;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paliscope-vae-hub-'));
  const space = join(root, 'space');
  mkdirSync(space);
  writeRandomVae(join(space, 'vae-oid.npz'), { seed: 2, embeddingDim: 16 });
  writeFileSync(join(space, 'app.py'), 'print("demo")\n');
  const wrong = join(root, 'wrong');
  mkdirSync(wrong);
  writeFileSync(join(wrong, 'vae-oid.npz'), Buffer.alloc(4096, 7));
  hub = await startImitationHub({ [MASK_DECODER_SOURCE.repo]: { dir: space }, 'spaces/someone/wrong': { dir: wrong } });
  client = new HubClient({ endpoint: hub.endpoint });
});
afterAll(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

const freshFolder = (name: string): string => {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
};

describe('downloadMaskDecoder', () => {
  it('downloads vae-oid.npz from the Space, checks it and puts it where segment runs look; nothing else is left', async () => {
    const models = freshFolder('models-ok');
    const r = await downloadMaskDecoder({ client, modelsDir: models });
    expect(r.location).toBe(join(models, 'vae-oid.npz'));
    expect(findVae(models)).toBe(r.location);
    expect(readdirSync(models).filter((n) => n !== '.staging')).toEqual(['vae-oid.npz']);
    // Only the decoder was fetched, not the Space's other files; the listing went to /api/spaces/.
    expect(hub.requests.some((q) => q.url.startsWith('/api/spaces/big-vision/paligemma-hf/tree/main'))).toBe(true);
    expect(hub.requests.some((q) => q.url.includes('app.py'))).toBe(false);
  });

  it('a corrupted transfer is caught by its SHA-256 and nothing is installed', async () => {
    const models = freshFolder('models-corrupt');
    hub.misbehave.corrupt.add('vae-oid.npz');
    try {
      await expect(downloadMaskDecoder({ client, modelsDir: models, retries: 0 })).rejects.toThrow(/vae-oid\.npz/);
    } finally {
      hub.misbehave.corrupt.clear();
    }
    expect(findVae(models)).toBeNull();
    expect(readdirSync(models).filter((n) => n !== '.staging')).toEqual([]);
  });

  it('a file that is not a decoder is refused after the download, naming it, and removed', async () => {
    const models = freshFolder('models-wrong');
    await expect(downloadMaskDecoder({ client, modelsDir: models, source: { repo: 'spaces/someone/wrong', revision: 'main', path: 'vae-oid.npz' } })).rejects.toThrow(
      /spaces\/someone\/wrong\/vae-oid\.npz downloaded but is not a usable mask decoder/,
    );
    expect(findVae(models)).toBeNull();
    expect(readdirSync(models).filter((n) => n !== '.staging')).toEqual([]);
  });

  it('a Space without the file says so', async () => {
    const models = freshFolder('models-missing');
    await expect(downloadMaskDecoder({ client, modelsDir: models, source: { repo: MASK_DECODER_SOURCE.repo, revision: 'main', path: 'nope.npz' } })).rejects.toThrow(
      'has no nope.npz; import the file you have instead',
    );
  });
});
