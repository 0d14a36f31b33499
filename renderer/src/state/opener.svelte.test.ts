import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Api, type Transport } from '../lib/api';
import type { DocumentSummary, Result } from '../../../preload/contract';
import { DocumentsState } from './documents.svelte';
import { NoticesState } from './notices.svelte';
import { FileOpener } from './opener.svelte';

const summary = (id: string, name: string, pages = 1): DocumentSummary => ({
  id,
  name,
  format: 'pdf',
  pages: Array.from({ length: pages }, (_, index) => ({ index, width: 100, height: 140 })),
});

/** A host that answers `documents.openBytes` from a script and records what it was sent. */
function fakeHost(answer: (input: { name: string; password?: string }) => Result<unknown>): { api: Api; calls: { name: string; input: unknown }[] } {
  const calls: { name: string; input: unknown }[] = [];
  const transport: Transport = {
    call: async (name, input) => {
      calls.push({ name, input });
      if (name === 'documents.openBytes') return answer(input as { name: string; password?: string });
      if (name === 'documents.close') return { ok: true, value: { closed: true } };
      return { ok: false, error: { code: 'NOT_FOUND', message: `no ${name} in this fake` } };
    },
    onPush: () => () => {},
  };
  return { api: new Api(transport), calls };
}

/** The app events the opener announced (tests in the browser wait on these). */
let events: { type: string; detail: unknown }[] = [];
beforeEach(() => {
  events = [];
  const target = new EventTarget();
  const dispatch = target.dispatchEvent.bind(target);
  target.dispatchEvent = (e: Event) => (events.push({ type: e.type, detail: (e as CustomEvent).detail }), dispatch(e));
  vi.stubGlobal('window', target);
});

const file = (name: string): File => new File([new Uint8Array([1, 2, 3])], name);

describe('FileOpener', () => {
  it('adds opened documents and names the file and reason of a failure', async () => {
    const { api } = fakeHost(({ name }) =>
      name === 'good.pdf' ? { ok: true, value: summary('d1', 'good.pdf', 3) } : { ok: false, error: { code: 'CORRUPT_FILE', message: `${name}: not a PNG` } },
    );
    const documents = new DocumentsState();
    const notices = new NoticesState();
    const opener = new FileOpener(api, documents, notices);
    await opener.openFiles([file('good.pdf'), file('bad.png')]);
    expect(documents.items.map((d) => d.summary.id)).toEqual(['d1']);
    expect(documents.activeId).toBe('d1');
    expect(notices.items).toHaveLength(1);
    expect(notices.items[0]).toMatchObject({ kind: 'error', code: 'CORRUPT_FILE', title: 'Could not open “bad.png”', message: 'bad.png: not a PNG' });
    expect(opener.pending).toBe(0);
    expect(events).toEqual([
      { type: 'paliscope:document-opened', detail: { documentId: 'd1', name: 'good.pdf', pages: 3 } },
      { type: 'paliscope:error', detail: { source: 'bad.png', code: 'CORRUPT_FILE', message: 'bad.png: not a PNG' } },
    ]);
  });

  it('asks for a password until the host accepts one, then opens', async () => {
    const { api, calls } = fakeHost(({ password }) => {
      if (password === undefined) return { ok: false, error: { code: 'PASSWORD_REQUIRED', message: 'locked' } };
      if (password !== 'right') return { ok: false, error: { code: 'WRONG_PASSWORD', message: 'no' } };
      return { ok: true, value: summary('d2', 'locked.pdf') };
    });
    const documents = new DocumentsState();
    const opener = new FileOpener(api, documents, new NoticesState());
    const done = opener.openFiles([file('locked.pdf')]);
    await vi.waitFor(() => expect(opener.prompt).not.toBeNull());
    expect(opener.prompt).toMatchObject({ name: 'locked.pdf', wrong: false });
    opener.prompt!.submit('wrong');
    await vi.waitFor(() => expect(opener.prompt?.wrong).toBe(true));
    opener.prompt!.submit('right');
    await done;
    expect(opener.prompt).toBeNull();
    expect(documents.items.map((d) => d.summary.name)).toEqual(['locked.pdf']);
    expect(calls.filter((c) => c.name === 'documents.openBytes').map((c) => (c.input as { password?: string }).password)).toEqual([undefined, 'wrong', 'right']);
  });

  it('a cancelled password prompt opens nothing and says so', async () => {
    const { api } = fakeHost(() => ({ ok: false, error: { code: 'PASSWORD_REQUIRED', message: 'locked' } }));
    const documents = new DocumentsState();
    const notices = new NoticesState();
    const opener = new FileOpener(api, documents, notices);
    const done = opener.openFiles([file('locked.pdf')]);
    await vi.waitFor(() => expect(opener.prompt).not.toBeNull());
    opener.prompt!.cancel();
    await done;
    expect(documents.items).toHaveLength(0);
    expect(notices.items[0]).toMatchObject({ kind: 'info', title: '“locked.pdf” was not opened' });
  });

  it('closing a document keeps the others and shows a neighbour', async () => {
    const { api } = fakeHost(() => ({ ok: false, error: { code: 'INTERNAL', message: 'unused' } }));
    const documents = new DocumentsState();
    const opener = new FileOpener(api, documents, new NoticesState());
    documents.add(summary('a', 'a.pdf'));
    documents.add(summary('b', 'b.pdf', 5));
    documents.add(summary('c', 'c.pdf'));
    documents.activate('b');
    documents.goToPage(3);
    await opener.close('b');
    expect(documents.items.map((d) => d.summary.id)).toEqual(['a', 'c']);
    expect(documents.activeId).toBe('c');
    documents.add(summary('b', 'b.pdf', 5));
    expect(documents.active?.pageIndex).toBe(0);
  });
});
