// The only module that talks to the host. In Electron it uses the preload bridge; in a browser
// served by the headless host it uses HTTP for calls and a WebSocket for pushes. Both speak the
// contract, so the rest of the renderer never knows which host it runs in.
import type {
  Contract,
  InvokeName,
  StreamName,
  EventName,
  InputOf,
  OutputOf,
  ChunkOf,
  PayloadOf,
  Result,
  Push,
  StreamMessage,
} from '../../../preload/contract';
import type { Bridge } from '../../../preload/bridge';
import { encodeWire, decodeWire } from '../../../preload/contract/wire';
import { pageImagePath, type PageImageRequest } from '../../../preload/contract/page-image';
import { takeHostSession, type HostSession } from './host-session';

export interface Transport {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  onPush(listener: (push: Push) => void): () => void;
  /** A page image's URL as this host serves it (the headless host adds its image key). */
  pageUrl?(path: string): string;
}

export interface StreamHandle<O> {
  /** Settles once, with the stream's one terminal message. */
  readonly result: Promise<Result<O>>;
  readonly id: Promise<string | null>;
  cancel(): Promise<void>;
}

type C = Contract;

export class Api {
  readonly #transport: Transport;
  readonly #eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  readonly #streams = new Map<string, (m: StreamMessage) => void>();
  /** Stream messages that arrived before their call returned the id (HTTP and WS can race). */
  readonly #early = new Map<string, StreamMessage[]>();

  constructor(transport: Transport) {
    this.#transport = transport;
    transport.onPush((push) => this.#onPush(push));
  }

  call<K extends InvokeName<C>>(name: K, input: InputOf<C[K]>): Promise<Result<OutputOf<C[K]>>> {
    return this.#transport.call(name, input) as Promise<Result<OutputOf<C[K]>>>;
  }

  stream<K extends StreamName<C>>(name: K, input: InputOf<C[K]>, onChunk: (chunk: ChunkOf<C[K]>) => void): StreamHandle<OutputOf<C[K]>> {
    let resolveId!: (id: string | null) => void;
    const id = new Promise<string | null>((r) => (resolveId = r));
    const result = new Promise<Result<OutputOf<C[K]>>>((resolve) => {
      this.#transport.call(name, input).then(
        (started) => {
          if (!started.ok) {
            resolveId(null);
            return resolve(started);
          }
          const streamId = (started.value as { streamId: string }).streamId;
          const onMessage = (m: StreamMessage): void => {
            if (m.type === 'chunk') return onChunk(m.chunk as ChunkOf<C[K]>);
            this.#streams.delete(streamId);
            if (m.type === 'done') resolve({ ok: true, value: m.value as OutputOf<C[K]> });
            else if (m.type === 'error') resolve({ ok: false, error: m.error });
            else resolve({ ok: false, error: { code: 'CANCELLED', message: `${name} was cancelled` } });
          };
          this.#streams.set(streamId, onMessage);
          const early = this.#early.get(streamId) ?? [];
          this.#early.delete(streamId);
          for (const m of early) onMessage(m);
          resolveId(streamId);
        },
        (err: unknown) => {
          resolveId(null);
          resolve({ ok: false, error: { code: 'INTERNAL', message: String(err) } });
        },
      );
    });
    return {
      result,
      id,
      cancel: async () => {
        const streamId = await id;
        if (streamId) await this.#transport.call('streams.cancel', { streamId });
      },
    };
  }

  on<K extends EventName<C>>(name: K, listener: (payload: PayloadOf<C[K]>) => void): () => void {
    const set = this.#eventListeners.get(name) ?? new Set();
    this.#eventListeners.set(name, set);
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** Relative URL: the app's own origin serves page images in both hosts. */
  pageUrl(req: PageImageRequest): string {
    const path = pageImagePath(req);
    return this.#transport.pageUrl?.(path) ?? path;
  }

  #onPush(push: Push): void {
    if ('event' in push) {
      for (const l of this.#eventListeners.get(push.event) ?? []) l(push.payload);
      return;
    }
    const m = push.stream;
    const handler = this.#streams.get(m.streamId);
    if (handler) return handler(m);
    const queue = this.#early.get(m.streamId) ?? [];
    if (queue.length < 10_000) queue.push(m);
    this.#early.set(m.streamId, queue);
  }
}

/**
 * Headless host: calls over HTTP POST, pushes over one WebSocket; the token travels as a header and as a
 * WebSocket subprotocol, never as a cookie (host-session.ts). The socket's first message names this connection;
 * calls carry that name so a stream's messages come back on this page's socket. Calls wait for it (briefly) after a
 * reconnect.
 */
export function httpTransport(base: URL = new URL(location.href), session: HostSession = takeHostSession()): Transport {
  const authorization: Record<string, string> = session.token ? { authorization: `Bearer ${session.token}` } : {};
  const protocols = session.token ? ['paliscope', `paliscope.token.${session.token}`] : ['paliscope'];
  const listeners = new Set<(p: Push) => void>();
  let callerId: string | null = null;
  let waiters: Array<() => void> = [];
  let retryMs = 250;
  const connect = (): void => {
    const ws = new WebSocket(new URL('/events', base.href.replace(/^http/, 'ws')), protocols);
    ws.onmessage = (e) => {
      const message = decodeWire(String(e.data)) as Push | { hello: { callerId: string } };
      if ('hello' in message) {
        callerId = message.hello.callerId;
        retryMs = 250;
        for (const w of waiters) w();
        waiters = [];
        return;
      }
      for (const l of listeners) l(message);
    };
    ws.onclose = () => {
      callerId = null;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();
  const connected = (): Promise<void> =>
    callerId
      ? Promise.resolve()
      : new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 5000);
        });
  return {
    async call(name, input) {
      await connected();
      try {
        const res = await fetch(new URL(`/api/${encodeURIComponent(name)}`, base), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-paliscope-caller': callerId ?? '', ...authorization },
          body: encodeWire(input ?? {}),
          credentials: 'omit',
        });
        if (res.status === 401) return { ok: false, error: { code: 'FORBIDDEN', message: 'the headless host refused the session token; open the URL it printed' } };
        return decodeWire(await res.text()) as Result<unknown>;
      } catch (err) {
        return { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: `the Paliscope host did not answer (${String(err)})` } };
      }
    },
    onPush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pageUrl: (path) => (session.imageKey ? `${path}${path.includes('?') ? '&' : '?'}k=${encodeURIComponent(session.imageKey)}` : path),
  };
}

declare global {
  interface Window {
    paliscope?: Bridge;
  }
}

export function createApi(): Api {
  return new Api(window.paliscope ?? httpTransport());
}
