import { describe, expect, it } from 'vitest';
import { EvaluateState, truthFilesOf } from './evaluate.svelte';
import { NoticesState } from './notices.svelte';
import { fakeHost } from './fake-host.test-helpers';

const tick = () => new Promise((r) => setTimeout(r, 0));
const result = { truth: 'reviewed results', tasks: [], pages: [], notes: [], metrics: {}, taskMetrics: {}, models: [] };
const folder = { label: 'truth (uploaded)', files: 1, kinds: { '.txt': 1 }, notes: [] };
const file = (path: string, text = 'x') => Object.defineProperty(new File([text], path.split('/').at(-1)!), 'webkitRelativePath', { value: path });

describe('EvaluateState', () => {
  it('follows the evaluation\'s progress, and a cancel says nothing', async () => {
    const host = fakeHost({ 'evaluate.run': { ok: true, value: { streamId: 's1' } }, 'streams.cancel': { ok: true, value: { cancelled: true } } });
    const notices = new NoticesState();
    const s = new EvaluateState(host.api, notices);
    const run = s.load();
    await tick();
    expect(host.calls[0]).toEqual({ name: 'evaluate.run', input: {} });
    host.push({ stream: { streamId: 's1', type: 'chunk', chunk: { stage: 'scoring', done: 10, total: 40 } } });
    expect(s.loading).toBe(true);
    expect(s.progress).toEqual({ stage: 'scoring', done: 10, total: 40 });
    await s.cancel();
    expect(host.calls.at(-1)).toEqual({ name: 'streams.cancel', input: { streamId: 's1' } });
    host.push({ stream: { streamId: 's1', type: 'cancelled' } });
    await run;
    expect(s.loading).toBe(false);
    expect(notices.items).toEqual([]);
    expect(s.problem).toBeNull();
  });

  it('uploads only a picked folder\'s top-level truth files, then scores against them', async () => {
    const host = fakeHost({ 'evaluate.uploadTruthFolder': { ok: true, value: folder }, 'evaluate.run': { ok: true, value: { streamId: 's1' } } });
    const s = new EvaluateState(host.api, new NoticesState());
    const picked = [file('truth/a.txt', 'Hello'), file('truth/scan.png'), file('truth/sub/b.txt'), file('truth/.hidden.txt'), file('truth/t.2.HTML')];
    expect(truthFilesOf(picked).map((f) => f.name)).toEqual(['a.txt', 't.2.HTML']);
    await s.uploadTruthFolder(picked);
    const upload = host.calls[0]!;
    expect(upload.name).toBe('evaluate.uploadTruthFolder');
    expect((upload.input as { folder: string; files: { name: string; bytes: Uint8Array }[] }).folder).toBe('truth');
    expect((upload.input as { files: { name: string; bytes: Uint8Array }[] }).files.map((f) => [f.name, new TextDecoder().decode(f.bytes)])).toEqual([['a.txt', 'Hello'], ['t.2.HTML', 'x']]);
    expect(s.truthFolder).toEqual(folder);
    expect(s.truth).toBe('imported');
    await tick();
    expect(host.calls.at(-1)).toEqual({ name: 'evaluate.run', input: { truth: 'imported' } });
    host.push({ stream: { streamId: 's1', type: 'done', value: result } });
  });

  it('a folder without truth files is refused in the view, naming it; nothing is sent', async () => {
    const host = fakeHost({});
    const notices = new NoticesState();
    const s = new EvaluateState(host.api, notices);
    await s.uploadTruthFolder([file('scans/page.png')]);
    expect(host.calls).toEqual([]);
    expect(notices.items[0]).toMatchObject({ title: 'Could not use the folder scans', message: expect.stringMatching(/no truth file/) });
    s.setTruth('imported');
    expect(s.truth).toBe('reviewed');
  });
});
