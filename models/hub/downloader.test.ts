// The downloader against the imitation hub on 127.0.0.1: the happy path, and each failure the issue names ending in a
// clear message and a models folder with nothing half-done in it.
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_MANIFEST, DownloadControl, cleanStaging, downloadModel, type DownloadOptions, type DownloadProgress } from './downloader';
import { isHubError, type HubError } from './errors';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { HubClient, createHubDispatcher, endpointFromEnv, nextLink } from './hub-client';
import { startImitationHub, type ImitationHub } from './testing/imitation-hub';

const REPO = 'test-org/three-files';
const GATED = 'test-org/gated';
let hub: ImitationHub;
let repoDir: string;
let modelsDir: string;

beforeAll(async () => {
  repoDir = mkdtempSync(join(tmpdir(), 'paliscope-hub-repo-'));
  mkdirSync(join(repoDir, 'onnx'));
  writeFileSync(join(repoDir, 'config.json'), JSON.stringify({ model_type: 'paligemma' }));
  writeFileSync(join(repoDir, 'onnx/big.onnx'), randomBytes(1_500_000));
  writeFileSync(join(repoDir, 'onnx/big.onnx_data'), randomBytes(900_000));
  writeFileSync(join(repoDir, 'onnx/small.onnx'), randomBytes(200_000));
  hub = await startImitationHub({ [REPO]: { dir: repoDir }, [GATED]: { dir: repoDir, grantedToken: 'hf_granted' } }, { pageSize: 2 });
});
afterAll(async () => {
  await hub.close();
  rmSync(repoDir, { recursive: true, force: true });
});
beforeEach(() => {
  modelsDir = mkdtempSync(join(tmpdir(), 'paliscope-models-'));
  hub.requests.length = 0;
  hub.maxConcurrentDownloads = 0;
  Object.assign(hub.misbehave, { chunkDelayMs: 0, ignoreRange: false });
  hub.misbehave.dropAfter.clear();
  hub.misbehave.corrupt.clear();
  hub.misbehave.statuses.clear();
});
afterEach(() => rmSync(modelsDir, { recursive: true, force: true }));

async function options(extra: Partial<DownloadOptions> = {}, token?: string): Promise<DownloadOptions> {
  const client = new HubClient({ endpoint: hub.endpoint, token });
  const repo = extra.repo ?? REPO;
  const files = extra.files ?? (await new HubClient({ endpoint: hub.endpoint, token: 'hf_granted' }).listFiles(repo, 'main'));
  return { client, repo, revision: 'main', files, modelsDir, name: 'three', backoffMs: 5, ...extra };
}

/** Nothing in the models folder but what the test expects: no staging folder, no half model. */
function expectClean(models: string[] = []): void {
  expect(readdirSync(modelsDir).sort()).toEqual(models);
}

async function failure(p: Promise<unknown>): Promise<HubError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!isHubError(err)) throw new Error(`expected a HubError, got ${String(err)}`);
  return err;
}

describe('hub client', () => {
  it('lists every file across the tree pages, with LFS SHA-256 for large files and git ids for small ones', async () => {
    const files = await new HubClient({ endpoint: hub.endpoint }).listFiles(REPO, 'main');
    expect(files.map((f) => f.path).sort()).toEqual(['config.json', 'onnx/big.onnx', 'onnx/big.onnx_data', 'onnx/small.onnx']);
    expect(files.find((f) => f.path === 'onnx/big.onnx')).toMatchObject({ size: 1_500_000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(files.find((f) => f.path === 'config.json')).toMatchObject({ sha256: null, gitOid: expect.stringMatching(/^[0-9a-f]{40}$/) });
    // pageSize 2: the tree (one directory + four files) came in three pages, following Link: rel="next".
    expect(hub.requests.filter((r) => r.url.includes('/tree/')).length).toBe(3);
  });

  it('reads the endpoint from PALISCOPE_HF_ENDPOINT, then HF_ENDPOINT, else the public hub', () => {
    expect(endpointFromEnv({ HF_ENDPOINT: 'https://mirror.example/' })).toBe('https://mirror.example');
    expect(endpointFromEnv({ HF_ENDPOINT: 'https://a.example', PALISCOPE_HF_ENDPOINT: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9');
    expect(endpointFromEnv({})).toBe('https://huggingface.co');
    expect(() => new HubClient({ endpoint: 'ftp://x' })).toThrow(/expected an http\(s\) URL/);
  });

  it('goes through the proxy HTTP_PROXY names, and straight to hosts NO_PROXY lists', async () => {
    // A tunnelling proxy (CONNECT, as undici's proxy agent uses for every request): it counts the tunnels it opens.
    const seen: string[] = [];
    const proxy = createServer((_req, res) => { res.writeHead(405); res.end(); });
    proxy.on('connect', (req: { url?: string }, client: Socket, head: Buffer) => {
      seen.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const via = new HubClient({ endpoint: hub.endpoint, dispatcher: createHubDispatcher({ HTTP_PROXY: proxyUrl }) });
      expect(await via.listFiles(REPO, 'main')).toHaveLength(4);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]).toBe(new URL(hub.endpoint).host);
      seen.length = 0;
      const direct = new HubClient({ endpoint: hub.endpoint, dispatcher: createHubDispatcher({ HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' }) });
      expect(await direct.listFiles(REPO, 'main')).toHaveLength(4);
      expect(seen).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('resolves Link headers and ignores other relations', () => {
    expect(nextLink('<https://h/api?cursor=2>; rel="next"', 'https://h/api')).toBe('https://h/api?cursor=2');
    expect(nextLink('<https://h/a>; rel="prev"', 'https://h/api')).toBeNull();
    expect(nextLink(undefined, 'https://h/api')).toBeNull();
  });
});

describe('downloadModel', () => {
  it('downloads every file in parallel, verifies it, and moves the folder into place with a manifest', async () => {
    hub.misbehave.chunkDelayMs = 2; // long enough for the three transfers to overlap
    const progress: DownloadProgress[] = [];
    const result = await downloadModel({ ...(await options()), onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ location: join(modelsDir, 'three'), files: 4, bytes: 2_600_000 + readFileSync(join(repoDir, 'config.json')).length, resumedBytes: 0 });
    for (const f of hub.files(REPO)) expect(readFileSync(join(modelsDir, 'three', f.path)).equals(readFileSync(f.abs))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(modelsDir, 'three', DOWNLOAD_MANIFEST), 'utf8')) as { repo: string; files: unknown[] };
    expect(manifest).toMatchObject({ repo: REPO, source: 'hub' });
    expect(manifest.files).toHaveLength(4);
    expectClean(['three']);
    expect(hub.maxConcurrentDownloads).toBeGreaterThan(1);
    expect(hub.maxConcurrentDownloads).toBeLessThanOrEqual(3);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ doneBytes: result.bytes, totalBytes: result.bytes, filesDone: 4, filesTotal: 4 });
    // Done bytes never go backwards on a clean run.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.doneBytes).toBeGreaterThanOrEqual(progress[i - 1]!.doneBytes);
  });

  it('keeps to one connection with concurrency 1', async () => {
    hub.misbehave.chunkDelayMs = 1;
    await downloadModel({ ...(await options()), concurrency: 1 });
    expect(hub.maxConcurrentDownloads).toBe(1);
  });

  it('resumes a file with an HTTP Range request after the connection drops mid-file', async () => {
    hub.misbehave.dropAfter.set('onnx/big.onnx', 700_000);
    await downloadModel(await options());
    const gets = hub.requests.filter((r) => r.url.startsWith('/cdn-lfs/') && r.url.includes('/big.onnx?'));
    const ranged = gets.filter((r) => r.range);
    expect(ranged).toHaveLength(1);
    const from = Number(/bytes=(\d+)-/.exec(ranged[0]!.range!)![1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(700_000);
    expect(readFileSync(join(modelsDir, 'three/onnx/big.onnx')).equals(readFileSync(join(repoDir, 'onnx/big.onnx')))).toBe(true);
    expectClean(['three']);
  });

  it('starts a file over when the server ignores the Range header, and still verifies it', async () => {
    hub.misbehave.dropAfter.set('onnx/big.onnx', 500_000);
    hub.misbehave.ignoreRange = true;
    await downloadModel(await options());
    expect(readFileSync(join(modelsDir, 'three/onnx/big.onnx')).equals(readFileSync(join(repoDir, 'onnx/big.onnx')))).toBe(true);
  });

  it('retries 503 with backoff but not 404', async () => {
    hub.misbehave.statuses.set('onnx/small.onnx', [503, 503]);
    await downloadModel(await options());
    expect(hub.requests.filter((r) => r.url.endsWith('/small.onnx')).length).toBe(3);

    rmSync(join(modelsDir, 'three'), { recursive: true });
    hub.requests.length = 0;
    hub.misbehave.statuses.set('onnx/small.onnx', [404]);
    const err = await failure(downloadModel(await options()));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('onnx/small.onnx');
    expect(hub.requests.filter((r) => r.url.endsWith('/small.onnx')).length).toBe(1);
    expectClean();
  });

  it('gives up after the retries on a server that keeps failing, with the file named', async () => {
    hub.misbehave.statuses.set('config.json', [500, 500, 500, 500]);
    const err = await failure(downloadModel({ ...(await options()), retries: 2 }));
    expect(err.code).toBe('NETWORK');
    expect(err.message).toMatch(/config\.json: gave up after 3 attempts: .*HTTP 500/);
    expectClean();
  });

  it('answers a gated repository without a token with 401 and a message that says what to do', async () => {
    const err = await failure(downloadModel(await options({ repo: GATED })));
    expect(err.code).toBe('GATED');
    expect(err.message).toMatch(/test-org\/gated is gated and needs an access token \(HTTP 401\)/);
    expect(err.message).toContain('The hub says: Access to model test-org/gated is restricted');
    expectClean();
  });

  it('answers a token without access with 403, and downloads with the granted token', async () => {
    const err = await failure(downloadModel(await options({ repo: GATED }, 'hf_wrong')));
    expect(err.code).toBe('GATED');
    expect(err.message).toMatch(/token was refused .*HTTP 403/);
    expectClean();
    await downloadModel(await options({ repo: GATED }, 'hf_granted'));
    expectClean(['three']);
    // The token goes to the hub, never to the CDN the large files are redirected to.
    const cdn = hub.requests.filter((r) => r.url.startsWith('/cdn-lfs/'));
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((r) => r.authorization === null)).toBe(true);
  });

  it('detects a wrong checksum, discards the file and names it', async () => {
    hub.misbehave.corrupt.add('onnx/big.onnx_data');
    const err = await failure(downloadModel(await options()));
    expect(err.code).toBe('CHECKSUM');
    expect(err.message).toMatch(/onnx\/big\.onnx_data: its SHA-256 is [0-9a-f]{64}, the hub lists [0-9a-f]{64}; the file was discarded/);
    expectClean();
  });

  it('checks small files against their git blob id too', async () => {
    hub.misbehave.corrupt.add('config.json');
    const err = await failure(downloadModel(await options()));
    expect(err.message).toMatch(/config\.json: its git blob id is/);
    expectClean();
  });

  it('refuses to start when the disk has too little free space, before fetching anything', async () => {
    const err = await failure(downloadModel({ ...(await options()), freeSpace: async () => 1_000_000 }));
    expect(err.code).toBe('DISK_FULL');
    expect(err.message).toMatch(/needs 2\.6 MB but only 1\.0 MB is free/);
    expect(hub.requests.filter((r) => r.url.includes('/resolve/'))).toHaveLength(0);
    expectClean();
  });

  it('reports a disk that fills up while writing (ENOSPC) and removes what was written', async () => {
    const openWrite = (path: string, append: boolean) => {
      if (!path.endsWith('big.onnx.part')) return createWriteStream(path, { flags: append ? 'a' : 'w' });
      let written = 0;
      return new Writable({
        write(chunk: Buffer, _e, cb) {
          written += chunk.length;
          cb(written > 300_000 ? Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }) : null);
        },
      }) as unknown as ReturnType<typeof createWriteStream>;
    };
    const err = await failure(downloadModel({ ...(await options()), openWrite }));
    expect(err.code).toBe('DISK_FULL');
    expect(err.message).toMatch(/writing onnx\/big\.onnx: the disk holding .* is full \(ENOSPC\)/);
    expectClean();
  });

  it('cancels mid-file and keeps nothing', async () => {
    hub.misbehave.chunkDelayMs = 20;
    const control = new DownloadControl();
    const p = downloadModel({ ...(await options()), control, onProgress: (x) => { if (x.doneBytes > 200_000) control.cancel(); } });
    const err = await failure(p);
    expect(err.code).toBe('CANCELLED');
    expectClean();
  });

  it('pauses mid-file keeping the partial files hidden in staging, and resumes from them', async () => {
    hub.misbehave.chunkDelayMs = 10;
    const control = new DownloadControl();
    const err = await failure(downloadModel({ ...(await options()), control, onProgress: (x) => { if (x.doneBytes > 400_000) control.pause(); } }));
    expect(err.code).toBe('PAUSED');
    expectClean(['.staging']); // nothing that looks like a model
    hub.misbehave.chunkDelayMs = 0;
    hub.requests.length = 0;
    const result = await downloadModel(await options());
    expect(result.resumedBytes).toBeGreaterThan(0);
    expect(hub.requests.some((r) => r.range && /bytes=[1-9]\d*-/.test(r.range))).toBe(true);
    expectClean(['three']);
    for (const f of hub.files(REPO)) expect(readFileSync(join(modelsDir, 'three', f.path)).equals(readFileSync(f.abs))).toBe(true);
  });

  it('a pause or cancel while the tree is being listed says so', async () => {
    const control = new DownloadControl();
    control.cancel();
    const err = await new HubClient({ endpoint: hub.endpoint }).listFiles(REPO, 'main', control.signal).then(() => null, (e: unknown) => e);
    expect(isHubError(err, 'CANCELLED')).toBe(true);
  });

  it('cleans staging folders a killed process left behind', async () => {
    mkdirSync(join(modelsDir, '.staging/half/onnx'), { recursive: true });
    writeFileSync(join(modelsDir, '.staging/half/onnx/decoder.onnx.part'), 'x');
    await cleanStaging(modelsDir);
    expectClean();
  });

  it('refuses a target that exists and file names that would leave the folder', async () => {
    mkdirSync(join(modelsDir, 'three'));
    expect((await failure(downloadModel(await options()))).code).toBe('EXISTS');
    const err = await failure(downloadModel(await options({ name: 'other', files: [{ path: '../evil', size: 1, gitOid: '', sha256: null }] })));
    expect(err.message).toContain('refusing the file name "../evil"');
    expect(existsSync(join(modelsDir, 'other'))).toBe(false);
  });
});
