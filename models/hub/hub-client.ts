// The Hugging Face Hub's file API, the parts a model download needs: the file tree of a revision with each file's
// size and checksum, and the bytes of one file from an offset. Works against the hub, a mirror (HF_ENDPOINT) or the
// imitation hub in tests. Uses undici (Node's own HTTP client library) for proxy support from the environment
// (HTTPS_PROXY / HTTP_PROXY / NO_PROXY through EnvHttpProxyAgent) and for redirects to the hub's CDN, which drop the
// Authorization header when they leave the hub's origin.
import type { Readable } from 'node:stream';
import { EnvHttpProxyAgent, interceptors, request, type Dispatcher } from 'undici';
import { HubError } from './errors';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface HubClientOptions {
  /** Default: HF_ENDPOINT, then https://huggingface.co. */
  endpoint?: string;
  /** An access token (sent as `Authorization: Bearer …`) for gated repositories. */
  token?: string | null;
  /** Default: an agent honouring HTTPS_PROXY/HTTP_PROXY/NO_PROXY that follows redirects. */
  dispatcher?: Dispatcher;
}

/** One file of a revision. `sha256` is the LFS oid (large files); small files carry only their git blob id. */
export interface HubEntry { path: string; size: number; gitOid: string; sha256: string | null }

export interface FileResponse {
  /** 206 when the server honoured the offset; 200 means the body starts at byte 0. */
  status: 200 | 206;
  /** Bytes of the body. */
  length: number | null;
  body: Readable;
}

export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return (env.PALISCOPE_HF_ENDPOINT || env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/**
 * An HTTP agent that goes through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY exempts the host (read from `env`), times
 * out stalled transfers, and follows redirects (the hub sends large files to its CDN).
 */
export function createHubDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  return new EnvHttpProxyAgent({
    httpProxy: pick('http_proxy', 'HTTP_PROXY'),
    httpsProxy: pick('https_proxy', 'HTTPS_PROXY'),
    noProxy: pick('no_proxy', 'NO_PROXY') ?? '',
    bodyTimeout: 60_000,
    headersTimeout: 60_000,
  }).compose(interceptors.redirect({ maxRedirections: 5 }));
}

let sharedDispatcher: Dispatcher | null = null;
function defaultDispatcher(): Dispatcher {
  sharedDispatcher ??= createHubDispatcher();
  return sharedDispatcher;
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export class HubClient {
  readonly endpoint: string;
  readonly #token: string | null;
  readonly #dispatcher: Dispatcher;

  constructor(opts: HubClientOptions = {}) {
    this.endpoint = (opts.endpoint ?? endpointFromEnv()).replace(/\/+$/, '');
    if (!/^https?:\/\//.test(this.endpoint)) throw new HubError('BAD_INPUT', `hub endpoint "${this.endpoint}": expected an http(s) URL`);
    this.#token = opts.token || null;
    this.#dispatcher = opts.dispatcher ?? defaultDispatcher();
  }

  get hasToken(): boolean { return this.#token !== null; }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { 'user-agent': 'Paliscope', ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}), ...extra };
  }

  async #get(url: string, what: string, repo: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, { method: 'GET', headers: this.#headers(headers), dispatcher: this.#dispatcher, signal });
    } catch (err) {
      // Paused or cancelled: report why (the caller's reason), not the HTTP library's abort error.
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : err;
      throw new HubError('NETWORK', `${what}: could not reach ${new URL(url).origin} (${(err as Error).message})`, { cause: err });
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res;
    const serverSays = String(res.headers['x-error-message'] ?? '').trim();
    await res.body.dump().catch(() => undefined);
    throw this.#statusError(res.statusCode, what, repo, serverSays);
  }

  #statusError(status: number, what: string, repo: string, serverSays: string): HubError {
    const said = serverSays ? ` The hub says: ${serverSays}` : '';
    const page = this.pageOf(repo);
    if (status === 401) {
      return new HubError('GATED', `${what}: ${repo} is gated and needs an access token (HTTP 401). Accept the model's licence at ${page}, create a read token and enter it in Paliscope (or set HF_TOKEN for the command line).${said}`, { licenceUrl: page });
    }
    if (status === 403) {
      return new HubError('GATED', `${what}: the access token was refused for ${repo} (HTTP 403): it has not been granted access to this gated repository. Accept the licence at ${page} with the account the token belongs to.${said}`, { licenceUrl: page });
    }
    if (status === 404) return new HubError('NOT_FOUND', `${what}: not found on ${this.endpoint} (HTTP 404).${said}`);
    if (status === 429 || status >= 500) return new HubError('SERVER', `${what}: the server answered HTTP ${status}.${said}`);
    return new HubError('SERVER', `${what}: unexpected HTTP ${status}.${said}`);
  }

  /** Every file of `repo` at `revision`, following the hub's `Link: rel="next"` pages. */
  async listFiles(repo: string, revision = 'main', signal?: AbortSignal): Promise<HubEntry[]> {
    const out: HubEntry[] = [];
    // A Space is named "spaces/<owner>/<name>", as in its file URLs; its listing lives under /api/spaces/.
    const api = repo.startsWith('spaces/') ? `api/spaces/${encodePath(repo.slice('spaces/'.length))}` : `api/models/${encodePath(repo)}`;
    let url: string | null = `${this.endpoint}/${api}/tree/${encodeURIComponent(revision)}?recursive=1`;
    for (let pages = 0; url && pages < 1000; pages++) {
      const res: Dispatcher.ResponseData = await this.#get(url, `listing ${repo}@${revision}`, repo, { accept: 'application/json' }, signal);
      let body: unknown;
      try {
        body = await res.body.json();
      } catch (err) {
        throw new HubError('SERVER', `listing ${repo}@${revision}: the answer is not JSON (${(err as Error).message})`, { cause: err });
      }
      if (!Array.isArray(body)) throw new HubError('SERVER', `listing ${repo}@${revision}: expected a JSON array of files`);
      for (const e of body as Array<Record<string, unknown>>) {
        if (e.type !== 'file' || typeof e.path !== 'string' || typeof e.size !== 'number') continue;
        const lfs = e.lfs as { oid?: unknown; size?: unknown } | undefined;
        out.push({
          path: e.path,
          size: typeof lfs?.size === 'number' ? lfs.size : e.size,
          gitOid: typeof e.oid === 'string' ? e.oid : '',
          sha256: typeof lfs?.oid === 'string' && /^[0-9a-f]{64}$/.test(lfs.oid) ? lfs.oid : null,
        });
      }
      url = nextLink(res.headers.link, url);
    }
    return out;
  }

  /**
   * The commit a revision (branch, tag or commit id) points at, so a long download can be pinned to it and recorded.
   * `GET /api/models/{repo}/revision/{revision}` answers `{sha, …}`; the listing of a gated repository is public.
   */
  async commitOf(repo: string, revision = 'main', signal?: AbortSignal): Promise<string> {
    const url = `${this.endpoint}/api/models/${encodePath(repo)}/revision/${encodeURIComponent(revision)}`;
    const res = await this.#get(url, `looking up ${repo}@${revision}`, repo, { accept: 'application/json' }, signal);
    let body: { sha?: unknown };
    try {
      body = (await res.body.json()) as { sha?: unknown };
    } catch (err) {
      throw new HubError('SERVER', `looking up ${repo}@${revision}: the answer is not JSON (${(err as Error).message})`, { cause: err });
    }
    if (typeof body.sha !== 'string' || !/^[0-9a-f]{40}$/.test(body.sha)) throw new HubError('SERVER', `looking up ${repo}@${revision}: the answer names no commit`);
    return body.sha;
  }

  /** The repository's page on the hub, where its licence is accepted. */
  pageOf(repo: string): string {
    return `${this.endpoint}/${repo.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** The bytes of one file from `start`; the caller must consume or destroy `body`. */
  async openFile(repo: string, revision: string, path: string, start: number, signal?: AbortSignal): Promise<FileResponse> {
    const url = `${this.endpoint}/${encodePath(repo)}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`;
    const res = await this.#get(url, `${repo}/${path}`, repo, start > 0 ? { range: `bytes=${start}-` } : {}, signal);
    const len = Number(res.headers['content-length']);
    return { status: res.statusCode === 206 ? 206 : 200, length: Number.isFinite(len) ? len : null, body: res.body };
  }
}

/** The `rel="next"` target of a Link header, resolved against the current URL. */
export function nextLink(header: string | string[] | undefined, current: string): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return null;
  for (const part of value.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return new URL(m[1]!, current).href;
  }
  return null;
}
