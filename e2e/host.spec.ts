// The host's guarantees, seen from outside: the token is required, the contract refuses malformed
// payloads, and a killed engine host comes back.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from './support/app';
import { StatusBar } from './pages/status-bar';

/** A web server on another 127.0.0.1 port (any local dev server), recording what the browser sends it. */
async function otherLocalServer(): Promise<{ origin: string; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title><img src="/pixel.png">');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test.describe('headless host security', () => {
  test('a request without the token gets 401', async ({ app, request }) => {
    test.skip(app.kind !== 'headless', 'the token guards the headless host only');
    const origin = app.headless!.origin;
    expect((await request.post(`${origin}/api/app.info`, { data: {} })).status()).toBe(401);
    expect((await request.post(`${origin}/api/app.info?token=${app.headless!.token}`, { data: {} })).status()).toBe(401);
    expect((await request.get(`${origin}/page/abc/0?max=100`)).status()).toBe(401);
    const ok = await request.post(`${origin}/api/app.info`, { data: {}, headers: { authorization: `Bearer ${app.headless!.token}` } });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, value: { name: 'Paliscope', host: 'headless' } });
  });

  test('the contract rejects a malformed payload and the app keeps working', async ({ app, appPage }) => {
    test.skip(app.kind !== 'headless', 'drives the HTTP transport directly');
    const results = await appPage.evaluate(async () => {
      type Reply = { ok: boolean; error?: { code: string; message: string } };
      const authorization = `Bearer ${sessionStorage.getItem('paliscope.token')}`;
      const post = async (name: string, body: string): Promise<Reply> =>
        (await fetch(`/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body })).json() as Promise<Reply>;
      return {
        wrongType: await post('documents.close', JSON.stringify({ documentId: 42 })),
        extraKey: await post('documents.list', JSON.stringify({ path: '/etc/passwd' })),
        badId: await post('documents.close', JSON.stringify({ documentId: '../../etc' })),
        unknown: await post('fs.readFile', '{}'),
        after: await post('app.info', '{}'),
      };
    });
    expect(results.wrongType).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(results.wrongType.error?.message).toContain('documentId');
    expect(results.extraKey).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(results.badId).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(results.unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(results.after).toMatchObject({ ok: true });
  });

  test('after load the address bar shows no token, and a page on another 127.0.0.1 port receives no credential', async ({ app, appPage }) => {
    test.skip(app.kind !== 'headless', 'the headless host runs in a browser');
    const { token, origin } = app.headless!;
    // The app is loaded and working (its pages and socket authenticate without the token in the URL).
    expect(appPage.url()).toBe(`${origin}/`);
    expect(await appPage.evaluate(() => ({ href: location.href, cookie: document.cookie }))).toEqual({ href: `${origin}/`, cookie: '' });
    expect(await appPage.context().cookies()).toEqual([]);
    // Another local web server the same browser visits, in a tab and as a subresource, gets nothing of ours.
    const other = await otherLocalServer();
    try {
      const tab = await appPage.context().newPage();
      await tab.goto(`${other.origin}/`);
      await tab.waitForLoadState('load');
      await tab.close();
      await appPage.evaluate((url) => fetch(url, { mode: 'no-cors', credentials: 'include' }).then(() => undefined, () => undefined), `${other.origin}/from-app`);
      expect(other.seen.length).toBeGreaterThanOrEqual(2);
      for (const headers of other.seen) {
        expect(JSON.stringify(headers)).not.toContain(token);
        expect(headers.cookie).toBeUndefined();
        expect(headers.authorization).toBeUndefined();
      }
    } finally {
      await other.close();
    }
    // And the app still works after a reload (the token kept in this origin's session storage).
    await appPage.reload();
    await appPage.waitForSelector('[data-testid="app-ready"]');
    const info = await appPage.evaluate(async () => {
      const res = await fetch('/api/app.info', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionStorage.getItem('paliscope.token')}` }, body: '{}' });
      return (await res.json()) as { ok: boolean };
    });
    expect(info.ok).toBe(true);
  });

  test('the Content-Security-Policy stops WebAssembly and workers in the renderer', async ({ appPage }) => {
    const blocked = await appPage.evaluate(async () => {
      // The smallest module: the magic number and version.
      const wasm = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiled', (e: Error) => e.name);
      // Chromium refuses a worker the policy forbids after construction, with an error event (and a violation).
      const worker = await new Promise<string>((resolve) => {
        try {
          const w = new Worker(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' })));
          w.onmessage = () => resolve('ran');
          w.onerror = () => resolve('blocked');
          setTimeout(() => resolve('no answer'), 5000);
        } catch {
          resolve('blocked');
        }
      });
      return { wasm, worker };
    });
    expect(blocked.wasm).toBe('CompileError');
    expect(blocked.worker).toBe('blocked');
  });
});

test('the engine host restarts after being killed, and the UI is told', async ({ appPage }) => {
  const status = new StatusBar(appPage);
  await status.waitForEngine('ready');
  const pid = await status.enginePid();
  const restartsBefore = await status.engineRestarts();
  process.kill(pid, 'SIGKILL');
  await status.waitForEngineRestarts(restartsBefore + 1);
  await status.waitForEngine('ready');
  expect(await status.enginePid()).not.toBe(pid);
});
