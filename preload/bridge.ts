// What the preload exposes to the page: one `call` gated to the contract's call names and one
// push subscription. Kept apart from index.ts so tests can build it without Electron.
import { contract, callNames, PUSH_CHANNEL, type Push, type Result } from './contract';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface Bridge {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  onPush(listener: (push: Push) => void): () => void;
}

export const bridgeCallNames: ReadonlySet<string> = new Set(callNames(contract));

export function createBridge(ipc: IpcRendererLike): Bridge {
  return {
    call(name, input) {
      if (typeof name !== 'string' || !bridgeCallNames.has(name)) {
        return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `no call named "${String(name)}"` } });
      }
      return ipc.invoke(name, input) as Promise<Result<unknown>>;
    },
    onPush(listener) {
      const handler = (_event: unknown, push: unknown): void => listener(push as Push);
      ipc.on(PUSH_CHANNEL, handler);
      return () => void ipc.removeListener(PUSH_CHANNEL, handler);
    },
  };
}
