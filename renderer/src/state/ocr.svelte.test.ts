import { describe, expect, it, vi } from 'vitest';
import { fakeHost } from './fake-host.test-helpers';
import { NoticesState } from './notices.svelte';
import { OcrState } from './ocr.svelte';
import type { OcrPage } from '../../../preload/contract';

const page: OcrPage = { width: 100, height: 50, lines: [], timings: { totalMs: 1 } } as unknown as OcrPage;

describe('OcrState', () => {
  // The state tells the window's listeners (and the tests' recorder) when a run ends; Node has no window.
  vi.stubGlobal('window', new EventTarget());

  it('keeps each page as it arrives and shows, as an error that stays, that the chosen recognizer was not used', async () => {
    const host = fakeHost({ 'ocr.run': { ok: true, value: { streamId: 's1' } } });
    const notices = new NoticesState();
    const state = new OcrState(host.api, notices);
    const run = state.start('d1', 2);
    await new Promise((r) => setTimeout(r, 0));
    const message = 'The OCR recognizer in /x could not be used (/x: no .txt file); the page was read with the built-in recognizer.';
    host.push({ stream: { streamId: 's1', type: 'chunk', chunk: { type: 'recognizer-fallback', page: 0, message } } });
    host.push({ stream: { streamId: 's1', type: 'chunk', chunk: { type: 'page', page: 0, result: page } } });
    expect(state.run?.finished).toBe(1);
    host.push({ stream: { streamId: 's1', type: 'done', value: { pages: 1 } } });
    await run;
    expect(state.resultFor('d1', 0)).toEqual(page);
    expect(notices.items).toEqual([expect.objectContaining({ kind: 'error', title: 'OCR recognizer not used', message })]);
  });
});
