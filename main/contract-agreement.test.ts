// One contract, four derivations: the preload bridge, main's IPC registration, the headless
// host's routes and the renderer's API client must all cover exactly the contract's calls, and the
// services must implement every one. This walks the contract and checks each.
import { describe, it, expect, afterAll } from 'vitest';
import { contract, callNames, eventNames, type Push, type Result } from '../preload/contract';
import { createBridge, bridgeCallNames, type IpcRendererLike } from '../preload/bridge';
import { bindIpc, type IpcEventLike, type IpcMainLike } from './ipc/electron-ipc';
import { startHeadlessServer } from './host/server';
import { composeForTests } from './testing/compose-for-tests';
import { createHandlers } from './services/handlers';
import { Api, type Transport } from '../renderer/src/lib/api';
import { encodeWire } from '../preload/contract/wire';
import { isTrustedFrame } from './app-url';

const calls = callNames(contract).sort();
const services = composeForTests();
afterAll(() => services.dispose());

describe('the contract and its four derivations agree', () => {
  it('declares calls and events with unique, namespaced names', () => {
    expect(calls.length).toBeGreaterThan(5);
    for (const name of [...calls, ...eventNames(contract)]) expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
  });

  it('services implement every call (streams.cancel is the dispatcher’s own)', () => {
    const handlers = createHandlers({ ...services, platform: { host: 'headless', version: 't' } });
    expect([...Object.keys(handlers), 'streams.cancel'].sort()).toEqual(calls);
  });

  it('preload: the bridge forwards exactly the contract calls and refuses others', async () => {
    expect([...bridgeCallNames].sort()).toEqual(calls);
    const invoked: string[] = [];
    const ipc: IpcRendererLike = { invoke: async (channel) => (invoked.push(channel), { ok: true, value: null }), on: () => undefined, removeListener: () => undefined };
    const bridge = createBridge(ipc);
    for (const name of calls) await bridge.call(name, {});
    expect(invoked.sort()).toEqual(calls);
    for (const name of ['paliscope:push', 'fs.readFile', '__proto__']) {
      expect(await bridge.call(name, {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(invoked).toHaveLength(calls.length);
  });

  it('main: IPC registers one handler per call, validates payloads and checks the sender', async () => {
    const registered = new Map<string, (e: IpcEventLike, ...args: unknown[]) => unknown>();
    const ipcMain: IpcMainLike = { handle: (c, l) => void registered.set(c, l), removeHandler: (c) => void registered.delete(c) };
    const unbind = bindIpc(ipcMain, services.dispatcher, (e) => isTrustedFrame(e.senderFrame));
    expect([...registered.keys()].sort()).toEqual(calls);
    const sender = { id: 1, isDestroyed: () => false, send: () => undefined, once: () => undefined };
    const trusted: IpcEventLike = { sender, senderFrame: { url: 'paliscope://app/index.html', parent: null } };
    const foreign: IpcEventLike = { sender, senderFrame: { url: 'https://example.com/', parent: null } };
    const info = registered.get('app.info')!;
    expect(await info(trusted, {})).toMatchObject({ ok: true });
    expect(await info(foreign, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await registered.get('documents.close')!(trusted, { documentId: ['x'] })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    unbind();
    expect(registered.size).toBe(0);
  });

  it('headless host: routes exactly the contract calls', async () => {
    const server = await startHeadlessServer({ services, rendererDir: import.meta.dirname });
    try {
      const statusOf = async (name: string) =>
        (await fetch(`${server.origin}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: encodeWire({ __probe: true }) })).status;
      for (const name of calls) expect(await statusOf(name), name).toBe(200);
      for (const name of eventNames(contract)) expect(await statusOf(name), name).toBe(404);
      expect(await statusOf('nope.nothing')).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('renderer: the API client sends each call under its contract name and routes stream messages', async () => {
    const sent: string[] = [];
    let push: (p: Push) => void = () => undefined;
    const transport: Transport = {
      call: async (name) => {
        sent.push(name);
        return (contract as Record<string, { kind: string }>)[name]?.kind === 'stream' ? { ok: true, value: { streamId: `s-${name}` } } : ({ ok: true, value: null } as Result<unknown>);
      },
      onPush: (l) => ((push = l), () => undefined),
    };
    const api = new Api(transport);
    for (const name of calls) {
      const spec = (contract as Record<string, { kind: string }>)[name]!;
      if (spec.kind === 'stream') {
        const chunks: unknown[] = [];
        const handle = api.stream(name as 'ocr.run', { documentId: 'd' }, (c) => chunks.push(c));
        await handle.id;
        push({ stream: { streamId: `s-${name}`, type: 'chunk', chunk: 1 } });
        push({ stream: { streamId: `s-${name}`, type: 'done', value: { pages: 1 } } });
        expect(await handle.result).toEqual({ ok: true, value: { pages: 1 } });
        expect(chunks).toEqual([1]);
      } else await api.call(name as 'app.info', {} as never);
    }
    expect(sent.sort()).toEqual(calls);
  });
});
