// The headless host: main's services over HTTP + WebSocket on 127.0.0.1, for machines where
// Electron can't open a window and for labs reviewing from a browser.
//
// Authentication, with no cookie: cookies are not port-scoped, so any other web server on 127.0.0.1 the browser
// visits would receive one. The URL printed at start carries the per-launch token and an image key; the page keeps
// them in its origin's sessionStorage and takes them out of the address bar (renderer/src/lib/api.ts). Calls carry
// the token as `Authorization: Bearer`, the event socket as a WebSocket subprotocol (`paliscope.token.<token>`),
// page images the image key (`k=`: an <img> sends no header; the key opens page images only, never the API). The
// app's own files (HTML, scripts, styles) hold no data and are served to anyone on this machine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_UPLOAD_BYTES } from '../../preload/contract/limits';
import { encodeWire, decodeWire } from '../../preload/contract/wire';
import { parsePageImagePath } from '../../preload/contract/page-image';
import type { Caller } from '../ipc/dispatcher';
import { toAppError } from '../ipc/dispatcher';
import type { Services } from '../compose';
import { CONTENT_SECURITY_POLICY } from '../security';

/** The subprotocol the page asks for (and the server picks); the token travels as a second one. */
export const WS_PROTOCOL = 'paliscope';
export const WS_TOKEN_PREFIX = 'paliscope.token.';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};
// Base64 grows bytes by 4/3; leave room for the JSON around them.
const MAX_BODY_BYTES = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 64 * 1024;

export interface HeadlessServerOptions {
  services: Pick<Services, 'dispatcher' | 'documents'>;
  rendererDir: string;
  port?: number;
  token?: string;
}

export interface HeadlessServer {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  /** Opens page images only (`?k=`), for <img> elements, which cannot send the token as a header. */
  readonly imageKey: string;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

function send(res: ServerResponse, status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    ...extra,
  });
  res.end(body);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const imageKey = randomBytes(24).toString('base64url');
  const { dispatcher, documents } = opts.services;
  const rendererDir = resolve(opts.rendererDir);
  const sockets = new Map<string, Caller>();
  let origin = '';

  const bearer = (req: IncomingMessage): boolean => {
    const h = req.headers.authorization;
    return !!h?.startsWith('Bearer ') && sameSecret(h.slice(7), token);
  };
  const socketAuthorised = (req: IncomingMessage): boolean =>
    offeredProtocols(req).some((p) => p.startsWith(WS_TOKEN_PREFIX) && sameSecret(p.slice(WS_TOKEN_PREFIX.length), token));
  const imageAuthorised = (req: IncomingMessage, url: URL): boolean => {
    const k = url.searchParams.get('k');
    return bearer(req) || (!!k && sameSecret(k, imageKey));
  };
  // Refuse other Host names (DNS rebinding) and cross-origin writes.
  const hostAllowed = (req: IncomingMessage): boolean => {
    const port = new URL(origin).port;
    return req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  };
  const originAllowed = (req: IncomingMessage): boolean => {
    const o = req.headers.origin;
    return o === undefined || o === origin || o === origin.replace('127.0.0.1', 'localhost');
  };

  const serveStatic = async (res: ServerResponse, pathname: string): Promise<void> => {
    const rel = pathname === '/' ? 'index.html' : normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
    const file = join(rendererDir, rel);
    if (!file.startsWith(rendererDir + sep)) return send(res, 404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(res, 404, 'not found');
    }
    const headers: Record<string, string> = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' };
    send(res, 200, body, MIME[extname(file)] ?? 'application/octet-stream', headers);
  };

  const anonymous = (): Caller => ({ id: `http-${randomUUID()}`, push: () => undefined });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (!hostAllowed(req)) return send(res, 421, 'wrong host');
      const refused = (): void => send(res, 401, 'Paliscope: this URL needs the token printed when the host started.\n');

      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        if (!bearer(req)) return refused();
        if (!originAllowed(req)) return send(res, 403, 'cross-origin call refused');
        const name = decodeURIComponent(url.pathname.slice(5));
        const text = await readBody(req, MAX_BODY_BYTES);
        if (text === null) return send(res, 413, encodeWire({ ok: false, error: { code: 'TOO_LARGE', message: `request body over ${MAX_BODY_BYTES} bytes` } }), 'application/json');
        let input: unknown;
        try {
          input = decodeWire(text);
        } catch {
          return send(res, 400, encodeWire({ ok: false, error: { code: 'BAD_INPUT', message: `${name}: the body is not JSON` } }), 'application/json');
        }
        const callerId = String(req.headers['x-paliscope-caller'] ?? '');
        const caller = sockets.get(callerId) ?? anonymous();
        const result = await dispatcher.call(name, input, caller);
        const status = !result.ok && result.error.code === 'NOT_FOUND' && !dispatcher.callNames.includes(name) ? 404 : 200;
        return send(res, status, encodeWire(result), 'application/json', { 'cache-control': 'no-store' });
      }

      if (req.method === 'GET') {
        const page = parsePageImagePath(url.pathname, url.search);
        if (url.pathname.startsWith('/page/') && !imageAuthorised(req, url)) return refused();
        if (page) {
          try {
            const preview = await documents.preview(page.documentId, page.index, page.maxSide, page.window);
            return send(res, 200, preview.bytes, preview.mime, { 'cache-control': 'private, max-age=3600' });
          } catch (err) {
            const { code, message } = toAppError(err);
            return send(res, code === 'NOT_FOUND' || code === 'PAGE_OUT_OF_RANGE' ? 404 : 422, message);
          }
        }
        return serveStatic(res, url.pathname);
      }
      send(res, 405, 'method not allowed');
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${String(err)}`);
    });
  });

  // The server picks the plain subprotocol; the token one is never echoed back.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false) });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/events' || !hostAllowed(req) || !originAllowed(req) || !(socketAuthorised(req) || bearer(req))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const caller: Caller = {
        id: `ws-${randomUUID()}`,
        push: (message) => {
          if (ws.readyState === ws.OPEN) ws.send(encodeWire(message));
        },
      };
      sockets.set(caller.id, caller);
      dispatcher.attach(caller);
      ws.send(encodeWire({ hello: { callerId: caller.id } }));
      ws.on('close', () => {
        sockets.delete(caller.id);
        dispatcher.detach(caller.id);
      });
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}&images=${imageKey}`,
    origin,
    token,
    imageKey,
    close: () =>
      new Promise<void>((r) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
