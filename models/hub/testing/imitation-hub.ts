// A stand-in for the Hugging Face Hub's file API, on 127.0.0.1 only, for tests and the e2e host: it serves model
// folders from disk through the same routes and shapes the real hub uses, and has knobs to misbehave on purpose.
//   GET /api/models/{repo}/tree/{revision}?recursive=1   → [{type, path, size, oid, lfs?: {oid (sha256), size, pointerSize}}]
//                                                          paged with a `Link: <…>; rel="next"` header like the hub
//   GET /api/spaces/{owner}/{name}/tree/…                 → the same for a Space, served as repo "spaces/{owner}/{name}"
//   GET /api/models/{repo}/revision/{revision}            → {id, sha, gated, siblings}: the commit a branch points at
//   GET|HEAD /{repo}/resolve/{revision}/{path}            → the bytes; Range: bytes=N- answers 206; LFS files first
//                                                          redirect (302) to /cdn-lfs/… on another port (another
//                                                          origin), as the hub does to its CDN
// Revisions: "main" or the commit id itself (REVISION_SHA), as the hub accepts both in every route.
// Gated repositories answer 401 without a token and 403 with a token that was not granted, with the hub's
// X-Error-Code / X-Error-Message headers, for every file but the model card; their file listing is open to anyone,
// as on the hub (huggingface.js issue 945: listing a gated repository needs no access since 2024).
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

export interface ImitationRepo {
  /** The folder whose files the repository holds. */
  dir: string;
  /** Present: the repository is gated and only this token has been granted access. */
  grantedToken?: string;
}

export interface HubFile { path: string; size: number; gitOid: string; sha256: string; lfs: boolean; abs: string }

export interface RequestLog { method: string; url: string; range: string | null; authorization: string | null }

/** What the server does wrong, set by tests between requests. Each per-path knob applies to the next request only. */
export interface Misbehaviour {
  /** Send this many bytes of the file, then cut the connection. */
  dropAfter: Map<string, number>;
  /** Serve the file with one byte changed (the tree still lists the true checksum). */
  corrupt: Set<string>;
  /** Answer with these statuses, one per request, before serving normally. */
  statuses: Map<string, number[]>;
  /** Pause this long between 64 KiB chunks of every file (slows downloads down to watch or cancel them). */
  chunkDelayMs: number;
  /** Ignore Range headers and always answer 200 with the whole file. */
  ignoreRange: boolean;
}

export interface ImitationHub {
  /** e.g. http://127.0.0.1:41234 — pass it as the endpoint (HF_ENDPOINT). */
  endpoint: string;
  misbehave: Misbehaviour;
  requests: RequestLog[];
  /** The most file downloads that were in flight at once. */
  maxConcurrentDownloads: number;
  files(repo: string): HubFile[];
  close(): Promise<void>;
}

const LFS_PATTERN = /\.(onnx|onnx_data(_\d+)?|safetensors|bin|npz)$/;
const CHUNK = 64 * 1024;
/** The one commit every imitated repository is at. */
export const REVISION_SHA = '0123456789abcdef0123456789abcdef01234567';
const knownRevision = (rev: string | undefined) => rev === 'main' || rev === REVISION_SHA;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Hashes are computed by streaming, so multi-GB checkpoint shards never sit in memory. */
async function describe(dir: string): Promise<HubFile[]> {
  const out: HubFile[] = [];
  for (const abs of walk(dir)) {
    const size = statSync(abs).size;
    const path = relative(dir, abs).split(sep).join('/');
    const git = createHash('sha1').update(`blob ${size}\0`);
    const sha = createHash('sha256');
    for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 20 })) { git.update(chunk as Buffer); sha.update(chunk as Buffer); }
    out.push({ path, abs, size, gitOid: git.digest('hex'), sha256: sha.digest('hex'), lfs: LFS_PATTERN.test(path) });
  }
  return out;
}

function treeEntries(files: HubFile[]): object[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: Array<{ path: string; [k: string]: unknown }> = [...dirs].map((path) => ({ type: 'directory', oid: createHash('sha1').update(path).digest('hex'), size: 0, path }));
  for (const f of files) {
    entries.push({ type: 'file', oid: f.gitOid, size: f.size, path: f.path, ...(f.lfs ? { lfs: { oid: f.sha256, size: f.size, pointerSize: 134 } } : {}) });
  }
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startImitationHub(repos: Record<string, ImitationRepo>, opts: { pageSize?: number } = {}): Promise<ImitationHub> {
  const described = new Map<string, ImitationRepo & { files: HubFile[] }>();
  for (const [name, r] of Object.entries(repos)) described.set(name, { ...r, files: await describe(r.dir) });
  const misbehave: Misbehaviour = { dropAfter: new Map(), corrupt: new Set(), statuses: new Map(), chunkDelayMs: 0, ignoreRange: false };
  const requests: RequestLog[] = [];
  let active = 0;
  const state = { maxConcurrentDownloads: 0 };
  const pageSize = opts.pageSize ?? 1000;

  function deny(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-error-code': code, 'x-error-message': message });
    res.end(JSON.stringify({ error: message }));
  }

  /** Answers the gate; true when the request may go on. */
  function admitted(repo: string, req: IncomingMessage, res: ServerResponse): boolean {
    const r = described.get(repo)!;
    if (!r.grantedToken) return true;
    const auth = req.headers.authorization;
    if (!auth) {
      deny(res, 401, 'GatedRepo', `Access to model ${repo} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      return false;
    }
    if (auth !== `Bearer ${r.grantedToken}`) {
      deny(res, 403, 'GatedRepo', `Access to model ${repo} is restricted and you are not in the authorized list. Visit https://huggingface.co/${repo} to ask for access.`);
      return false;
    }
    return true;
  }

  function findRepo(segments: string[]): { repo: string; rest: string[] } | null {
    // Repository ids are owner/name: the first two segments (three for a Space: spaces/owner/name).
    const n = segments[0] === 'spaces' ? 3 : 2;
    const repo = segments.slice(0, n).join('/');
    return described.has(repo) ? { repo, rest: segments.slice(n) } : null;
  }

  async function sendFile(req: IncomingMessage, res: ServerResponse, file: HubFile, repo: string): Promise<void> {
    const status = misbehave.statuses.get(file.path);
    if (status && status.length > 0) {
      const s = status.shift()!;
      if (status.length === 0) misbehave.statuses.delete(file.path);
      deny(res, s, 'Imitated', `imitated status ${s}`);
      return;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const headers: Record<string, string | number> = {
      'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', 'x-repo-commit': REVISION_SHA,
      etag: `"${file.lfs ? file.sha256 : file.gitOid}"`, 'x-linked-size': file.size,
    };
    if (range && !misbehave.ignoreRange) {
      start = Number(range[1]);
      if (start >= file.size && file.size > 0) {
        res.writeHead(416, { 'content-range': `bytes */${file.size}` });
        res.end();
        return;
      }
      res.writeHead(206, { ...headers, 'content-length': file.size - start, 'content-range': `bytes ${start}-${file.size - 1}/${file.size}` });
    } else {
      res.writeHead(200, { ...headers, 'content-length': file.size });
    }
    if (req.method === 'HEAD') { res.end(); return; }
    void repo;
    const drop = misbehave.dropAfter.get(file.path);
    if (drop !== undefined) misbehave.dropAfter.delete(file.path);
    const corrupt = misbehave.corrupt.delete(file.path);
    active++;
    state.maxConcurrentDownloads = Math.max(state.maxConcurrentDownloads, active);
    try {
      let sent = 0;
      let offset = start;
      for await (const chunk of createReadStream(file.abs, { start, highWaterMark: CHUNK })) {
        let buf = chunk as Buffer;
        if (corrupt && offset === start) { buf = Buffer.from(buf); buf[0] = buf[0]! ^ 0xff; }
        offset += buf.length;
        if (drop !== undefined && sent + buf.length >= drop) {
          res.write(buf.subarray(0, Math.max(0, drop - sent)));
          await sleep(20); // let the partial bytes reach the client before the cut
          res.socket?.destroy();
          return;
        }
        sent += buf.length;
        if (!res.write(buf)) await new Promise((r) => res.once('drain', r));
        if (res.destroyed) return;
        if (misbehave.chunkDelayMs > 0) await sleep(misbehave.chunkDelayMs);
      }
      res.end();
    } finally {
      active--;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', url: url.pathname + url.search, range: req.headers.range ?? null, authorization: req.headers.authorization ?? null });
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);

    if (segments[0] === 'api' && (segments[1] === 'models' || segments[1] === 'spaces')) {
      // Spaces are served under their "spaces/…" name, as their file URLs have it.
      const found = findRepo(segments[1] === 'spaces' ? ['spaces', ...segments.slice(2)] : segments.slice(2));
      if (!found) return deny(res, 404, 'RepoNotFound', `Repository not found`);
      const r = described.get(found.repo)!;
      if (found.rest.length === 0 || (found.rest[0] === 'revision' && found.rest.length === 2)) {
        if (found.rest.length === 2 && !knownRevision(found.rest[1])) return deny(res, 404, 'RevisionNotFound', `Invalid rev id: ${found.rest[1] ?? ''}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: found.repo, sha: REVISION_SHA, gated: r.grantedToken ? 'manual' : false, siblings: r.files.map((f) => ({ rfilename: f.path })) }));
        return;
      }
      if (found.rest[0] !== 'tree' || !knownRevision(found.rest[1])) return deny(res, 404, 'RevisionNotFound', `Invalid rev id: ${found.rest[1] ?? ''}`);
      const entries = treeEntries(r.files);
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = entries.slice(cursor, cursor + pageSize);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (cursor + pageSize < entries.length) {
        const next = new URL(url.href);
        next.searchParams.set('cursor', String(cursor + pageSize));
        headers.link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify(page));
      return;
    }

    if (segments[0] === 'cdn-lfs') {
      // /cdn-lfs/{repo owner}/{repo name}/{path…}: the hub's CDN; no token needed (the signed URL is the grant).
      const found = findRepo(segments.slice(1));
      const file = found && described.get(found.repo)!.files.find((f) => f.path === found.rest.join('/'));
      if (!found || !file || url.searchParams.get('signed') !== '1') return deny(res, 403, 'Forbidden', 'bad signature');
      return sendFile(req, res, file, found.repo);
    }

    const found = findRepo(segments);
    if (!found || found.rest[0] !== 'resolve') return deny(res, 404, 'RepoNotFound', 'Repository not found');
    if (found.rest.slice(2).join('/') !== 'README.md' && !admitted(found.repo, req, res)) return;
    if (!knownRevision(found.rest[1])) return deny(res, 404, 'RevisionNotFound', `Invalid rev id: ${found.rest[1] ?? ''}`);
    const path = found.rest.slice(2).join('/');
    const file = described.get(found.repo)!.files.find((f) => f.path === path);
    if (!file) return deny(res, 404, 'EntryNotFound', `${path} does not exist on "main"`);
    if (file.lfs) {
      // Another port is another origin, as the hub's CDN is: clients must not carry the token there.
      res.writeHead(302, { location: `${cdnOrigin}/cdn-lfs/${found.repo}/${file.path}?signed=1`, 'x-linked-size': file.size, 'x-linked-etag': `"${file.sha256}"` });
      res.end();
      return;
    }
    return sendFile(req, res, file, found.repo);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) deny(res, 500, 'Internal', String(err));
      else res.destroy();
    });
  };
  const server: Server = createServer(listener);
  const cdn: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cdnOrigin = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    misbehave,
    requests,
    get maxConcurrentDownloads() { return state.maxConcurrentDownloads; },
    set maxConcurrentDownloads(v: number) { state.maxConcurrentDownloads = v; },
    files: (repo) => described.get(repo)?.files ?? [],
    close: async () => {
      for (const s of [server, cdn]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  };
}
