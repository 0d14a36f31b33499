// The headless host over real HTTP and WebSocket: the token guards everything, the contract is
// routed, page images come from the app's origin, and nothing outside the renderer folder is served.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { startHeadlessServer, type HeadlessServer } from './server';
import { composeForTests } from '../testing/compose-for-tests';
import { encodeWire, decodeWire } from '../../preload/contract/wire';

let services: ReturnType<typeof composeForTests>;
let server: HeadlessServer;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'paliscope-renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Paliscope</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  services = composeForTests();
  server = await startHeadlessServer({ services, rendererDir });
});
afterAll(async () => {
  await server.close();
  await services.dispose();
  rmSync(rendererDir, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${server.token}` });
const call = async (name: string, input: unknown, headers: Record<string, string> = auth()) => {
  const res = await fetch(`${server.origin}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: encodeWire(input) });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json');
  return { status: res.status, body: (json ? decodeWire(text) : { raw: text }) as { ok: boolean; value?: unknown; error?: { code: string; message: string } } };
};

describe('headless host', () => {
  it('listens on 127.0.0.1 only and prints a URL with the token and the image key', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/?token=${server.token}&images=${server.imageKey}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    expect(server.imageKey).not.toBe(server.token);
  });

  it('answers 401 to every call, page image and socket without the token, and takes it from no query or cookie', async () => {
    expect((await call('app.info', {}, {})).status).toBe(401);
    // The token in the address bar or in a cookie opens nothing: only the header does.
    expect((await fetch(`${server.origin}/api/app.info?token=${server.token}`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call('app.info', {}, { cookie: `paliscope_token=${server.token}` })).status).toBe(401);
    // The image key opens page images, never the API.
    expect((await call('app.info', {}, { authorization: `Bearer ${server.imageKey}` })).status).toBe(401);
    expect((await fetch(`${server.origin}/page/abc/0?max=100`)).status).toBe(401);
    expect((await fetch(`${server.origin}/page/abc/0?max=100&k=wrong`)).status).toBe(401);
  });

  it('serves the app files to anyone on this machine, with the CSP and no cookie', async () => {
    const first = await fetch(server.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(first.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${server.origin}/assets/app.js`)).status).toBe(200);
  });

  it('refuses other Host names (DNS rebinding) and cross-origin calls', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(`${server.origin}/`, { headers: { host: 'evil.example:80', ...auth() } }, (res) => resolve(res.statusCode!));
      req.end();
    });
    expect(status).toBe(421);
    expect((await call('app.info', {}, { ...auth(), origin: 'http://evil.example' })).status).toBe(403);
  });

  it('does not serve files outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../etc/hostname']) {
      expect((await fetch(`${server.origin}${path}`, { headers: auth() })).status).toBe(404);
    }
  });

  it('routes every call of the contract and validates payloads', async () => {
    const info = await call('app.info', {});
    expect(info.body).toMatchObject({ ok: true, value: { host: 'headless', canShowDialogs: false } });
    expect((await call('documents.close', { documentId: 7 })).body).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const unknown = await call('shell.exec', {});
    expect(unknown.status).toBe(404);
    expect((await call('documents.openDialog', {})).body).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });

  it('opens uploaded bytes, serves the page image, and names the file when bytes are bad', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#fff' } }).png().toBuffer();
    const opened = await call('documents.openBytes', { name: 'scan.png', bytes: new Uint8Array(png) });
    expect(opened.body).toMatchObject({ ok: true, value: { name: 'scan.png', format: 'png', pages: [{ index: 0, width: 300, height: 200 }] } });
    const id = (opened.body.value as { id: string }).id;
    const img = await fetch(`${server.origin}/page/${id}/0?max=100`, { headers: auth() });
    expect(img.status).toBe(200);
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(100);
    expect((await fetch(`${server.origin}/page/${id}/5?max=100`, { headers: auth() })).status).toBe(404);
    // What an <img> sends: the image key in the query.
    expect((await fetch(`${server.origin}/page/${id}/0?max=100&k=${server.imageKey}`)).status).toBe(200);

    const broken = await call('documents.openBytes', { name: 'broken.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) });
    expect(broken.body.ok).toBe(false);
    expect(broken.body.error!.message).toContain('broken.png');
    // The first document is unaffected.
    expect((await call('documents.list', {})).body.value).toHaveLength(1);
  });

  it('needs the token for the event socket and greets an authorised one with its caller id', async () => {
    const wsUrl = `${server.origin.replace('http', 'ws')}/events`;
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(wsUrl);
      ws.on('error', (e) => resolve(String(e.message)));
      ws.on('open', () => resolve('open'));
    });
    expect(refused).toMatch(/401/);
    // As a browser sends it: the token as a second subprotocol; the server picks the plain one, never echoing it.
    const { hello, protocol } = await new Promise<{ hello: unknown; protocol: string }>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, ['paliscope', `paliscope.token.${server.token}`]);
      ws.on('message', (d) => {
        resolve({ hello: decodeWire(String(d)), protocol: ws.protocol });
        ws.close();
      });
      ws.on('error', reject);
    });
    expect(hello).toMatchObject({ hello: { callerId: expect.stringMatching(/^ws-/) } });
    expect(protocol).toBe('paliscope');
    const wrong = await new Promise<string>((resolve) => {
      const ws = new WebSocket(wsUrl, ['paliscope', 'paliscope.token.not-it']);
      ws.on('error', (e) => resolve(String(e.message)));
      ws.on('open', () => resolve('open'));
    });
    expect(wrong).toMatch(/401/);
  });
});
