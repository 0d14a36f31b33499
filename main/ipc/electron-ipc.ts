// Binds the contract's calls to Electron's ipcMain: one handler per call name, every sender
// checked in one place, each window a dispatcher caller so its streams end when it closes.
import type { Dispatcher } from './dispatcher';
import type { ContractShape } from '../../preload/contract/define';
import { PUSH_CHANNEL } from '../../preload/contract/define';

/** The parts of Electron's ipcMain and WebContents used here, so tests need no Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}
export interface WebContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}
export interface IpcEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export function bindIpc<C extends ContractShape>(
  ipcMain: IpcMainLike,
  dispatcher: Dispatcher<C>,
  isTrustedSender: (event: IpcEventLike) => boolean,
): () => void {
  const attached = new Set<number>();
  const callerFor = (wc: WebContentsLike) => {
    const id = `wc-${wc.id}`;
    const caller = { id, push: (m: unknown) => void (!wc.isDestroyed() && wc.send(PUSH_CHANNEL, m)) };
    if (!attached.has(wc.id)) {
      attached.add(wc.id);
      dispatcher.attach(caller);
      wc.once('destroyed', () => {
        attached.delete(wc.id);
        dispatcher.detach(id);
      });
    }
    return caller;
  };
  const names = dispatcher.callNames;
  for (const name of names) {
    ipcMain.handle(name, async (event, input) => {
      if (!isTrustedSender(event)) return { ok: false, error: { code: 'FORBIDDEN', message: `${name}: refused a call from an untrusted frame` } };
      return dispatcher.call(name, input, callerFor(event.sender));
    });
  }
  return () => names.forEach((n) => ipcMain.removeHandler(n));
}
