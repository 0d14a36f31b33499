// OCR through main's services exactly as the UI drives it: the `ocr.run` stream over the
// dispatcher (main renders the page, the engine host reads it), then every export format.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Push, StreamMessage } from '../../preload/contract';
import { composeForTests } from '../testing/compose-for-tests';
import { makeFixtures } from '../../e2e/fixtures/make-fixtures';
import type { Caller } from '../ipc/dispatcher';

let services: ReturnType<typeof composeForTests>;
let fixtures: Awaited<ReturnType<typeof makeFixtures>>;
const pushes: Push[] = [];
const caller: Caller = { id: 'test-window', push: (m) => pushes.push(m) };

beforeAll(async () => {
  fixtures = await makeFixtures(join(import.meta.dirname, '../../.cache/fixtures'));
  services = composeForTests();
  services.dispatcher.attach(caller);
});
afterAll(() => services.dispose());

const messagesOf = (streamId: string): StreamMessage[] => pushes.flatMap((p) => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : []));
async function finished(streamId: string): Promise<StreamMessage[]> {
  for (let i = 0; i < 1200; i++) {
    const all = messagesOf(streamId);
    if (all.some((m) => m.type !== 'chunk')) return all;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${streamId} did not finish`);
}

describe('OCR in the app', () => {
  let documentId = '';

  it('reads a page through the ocr.run stream, with progress, one page result and one done', async () => {
    const bytes = new Uint8Array(await readFile(fixtures['page.png']));
    const opened = await services.dispatcher.call('documents.openBytes', { name: 'page.png', bytes }, caller);
    if (!opened.ok) throw new Error(opened.error.message);
    documentId = (opened.value as { id: string }).id;

    const started = await services.dispatcher.call('ocr.run', { documentId }, caller);
    const { streamId } = (started as { ok: true; value: { streamId: string } }).value;
    const messages = await finished(streamId);
    const terminal = messages.filter((m) => m.type !== 'chunk');
    expect(terminal).toEqual([{ streamId, type: 'done', value: { pages: 1 } }]);
    const chunks = messages.flatMap((m) => (m.type === 'chunk' ? [m.chunk as { type: string; stage?: string; result?: { lines: { text: string }[] } }] : []));
    expect(chunks.some((c) => c.type === 'progress' && c.stage === 'recognize')).toBe(true);
    const page = chunks.find((c) => c.type === 'page')!;
    const text = page.result!.lines.map((l) => l.text).join(' ');
    // The fixture page is English prose; a working pipeline reads many words of it.
    expect(page.result!.lines.length).toBeGreaterThan(5);
    expect(text).toMatch(/the/i);
  });

  it('exports the results in every format', async () => {
    const get = async (format: string) => {
      const r = await services.dispatcher.call('ocr.export', { documentId, format }, caller);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as { fileName: string; mime: string; bytes: Uint8Array };
    };
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    const txt = await get('txt');
    expect(txt.fileName).toBe('page.txt');
    expect(decode(txt.bytes).length).toBeGreaterThan(100);
    expect(JSON.parse(decode((await get('json')).bytes))).toMatchObject({ pages: [{ lines: expect.any(Array) }] });
    expect(decode((await get('hocr')).bytes)).toContain('ocrx_word');
    expect(decode((await get('alto')).bytes)).toContain('http://www.loc.gov/standards/alto/ns-v4#');
    const pdf = await get('pdf');
    expect(pdf.fileName).toBe('page.pdf');
    expect(decode(pdf.bytes.subarray(0, 5))).toBe('%PDF-');
  });

  it('refuses to export a document that has not been read, naming it', async () => {
    const bytes = new Uint8Array(await readFile(fixtures['scan.webp']));
    const opened = await services.dispatcher.call('documents.openBytes', { name: 'unread.webp', bytes }, caller);
    const id = (opened as { ok: true; value: { id: string } }).value.id;
    const r = await services.dispatcher.call('ocr.export', { documentId: id, format: 'txt' }, caller);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(!r.ok && r.error.message).toContain('unread.webp');
  });

  it('cancels a multi-page run with exactly one cancelled message', async () => {
    const bytes = new Uint8Array(await readFile(fixtures['document.pdf']));
    const opened = await services.dispatcher.call('documents.openBytes', { name: 'document.pdf', bytes }, caller);
    const id = (opened as { ok: true; value: { id: string } }).value.id;
    const started = await services.dispatcher.call('ocr.run', { documentId: id }, caller);
    const { streamId } = (started as { ok: true; value: { streamId: string } }).value;
    while (messagesOf(streamId).length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(await services.dispatcher.call('streams.cancel', { streamId }, caller)).toEqual({ ok: true, value: { cancelled: true } });
    const terminal = (await finished(streamId)).filter((m) => m.type !== 'chunk');
    expect(terminal).toEqual([{ streamId, type: 'cancelled' }]);
    // The engine host is still usable after a cancellation.
    expect((await services.engine.health()).state).toBe('ready');
  });
});
