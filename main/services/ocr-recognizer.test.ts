// The OCR recognizer chosen in Settings, through main's services as the UI drives them: the folder
// comes from the (stubbed) folder dialog, the engine host checks it, and the next page is read with
// it. The chosen recognizer here is the built-in model with a dictionary that spells every a–z
// entry in capitals, so a page read with it can be told apart, letter for letter, from the
// built-in reading.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchItem, BatchStartResult, BatchSummary, Push, SettingsView, StreamMessage } from '../../preload/contract';
import { composeForTests } from '../testing/compose-for-tests';
import { makeFixtures } from '../../e2e/fixtures/make-fixtures';
import type { Caller } from '../ipc/dispatcher';
import { defaultOcrModelDir, MODEL_FILES } from '../../models/ocr/model-dir';

let services: ReturnType<typeof composeForTests>;
let fixtures: Awaited<ReturnType<typeof makeFixtures>>;
let folders = '';
let picked: string | null = null;
const pushes: Push[] = [];
const caller: Caller = { id: 'test-window', push: (m) => pushes.push(m) };

const builtIn = defaultOcrModelDir({});
const builtInDict = readFileSync(join(builtIn, MODEL_FILES.dict), 'utf8');

/** A recognizer folder: the built-in model and `dictionary`. */
function recognizerFolder(name: string, dictionary: string): string {
  const dir = join(folders, name);
  mkdirSync(dir);
  symlinkSync(join(builtIn, MODEL_FILES.rec), join(dir, 'rec.onnx'));
  writeFileSync(join(dir, 'dict.txt'), dictionary);
  return dir;
}

beforeAll(async () => {
  fixtures = await makeFixtures(join(import.meta.dirname, '../../.cache/fixtures'));
  folders = mkdtempSync(join(tmpdir(), 'paliscope-recognizers-'));
  services = composeForTests({ showFolderDialog: async () => picked });
  services.dispatcher.attach(caller);
});
afterAll(async () => {
  await services.dispose();
  rmSync(folders, { recursive: true, force: true });
});

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await services.dispatcher.call(method as never, input as never, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

/** The text of the page read by one `ocr.run`. */
async function readPage(documentId: string): Promise<string> {
  const { streamId } = await call<{ streamId: string }>('ocr.run', { documentId });
  for (let i = 0; i < 2400; i++) {
    const messages = pushes.flatMap((p): StreamMessage[] => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : []));
    const end = messages.find((m) => m.type !== 'chunk');
    if (end) {
      expect(end).toMatchObject({ type: 'done' });
      const page = messages.flatMap((m) => (m.type === 'chunk' ? [m.chunk as { type: string; result?: { lines: { text: string }[] } }] : [])).find((c) => c.type === 'page')!;
      expect(page.result).not.toHaveProperty('recognizerProblem');
      return page.result!.lines.map((l) => l.text).join('\n');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`ocr.run ${streamId} did not finish`);
}

/** Runs a built-in OCR batch over the document to its end: its summary and the stored lines of each page (null: failed). */
async function ocrBatch(documentId: string): Promise<{ summary: BatchSummary; items: BatchItem[]; texts: (string | null)[] }> {
  const { batch } = await call<BatchStartResult>('batches.start', { documentIds: [documentId], task: 'ocr-builtin' });
  for (let i = 0; i < 2400; i++) {
    const summary = (await call<BatchSummary[]>('batches.list', {})).find((b) => b.id === batch.id)!;
    if (summary.status === 'done' || summary.status === 'cancelled') {
      const items = await call<BatchItem[]>('batches.items', { batchId: batch.id });
      // The stored text puts a blank line between paragraphs; the lines are what is compared.
      const texts = items.map((item) => (item.status === 'done' ? services.project.store!.run(item.runId!)!.raw.split('\n').filter(Boolean).join('\n') : null));
      return { summary, items, texts };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`batch ${batch.id} did not finish`);
}

describe('choosing the OCR recognizer', () => {
  let documentId = '';
  let builtInText = '';
  const capitals = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());

  it('reads the next page with the chosen recognizer', async () => {
    const bytes = new Uint8Array(await readFile(fixtures['page.png']));
    documentId = (await call<{ id: string }>('documents.openBytes', { name: 'page.png', bytes })).id;
    builtInText = await readPage(documentId);
    expect(builtInText).toMatch(/[a-z]{3}/);

    picked = recognizerFolder('capitals', builtInDict.split('\n').map((l) => (/^[a-z]$/.test(l) ? l.toUpperCase() : l)).join('\n'));
    const view = await call<SettingsView>('settings.chooseOcrRecognizer', {});
    expect(view.settings.ocrRecognizer).toBe(picked);
    const chosenText = await readPage(documentId);
    expect(chosenText).not.toMatch(/[a-z]/);
    expect(chosenText).toBe(capitals(builtInText));
    // Kept in settings.json, so it survives a restart.
    expect(JSON.parse(readFileSync(join(services.userDataDir, 'settings.json'), 'utf8'))).toMatchObject({ ocrRecognizer: picked });
  });

  it('a built-in OCR batch reads with the recognizer chosen when it started, names it, and is another batch than the built-in one', async () => {
    const chosen = (await call<SettingsView>('settings.get', {})).settings.ocrRecognizer!;
    const withChosen = await ocrBatch(documentId);
    expect(withChosen.summary).toMatchObject({ status: 'done', counts: { done: 1, failed: 0 }, model: { id: 'builtin-ppocr', name: 'PP-OCRv4 (built-in) with the recognizer in capitals' } });
    expect(withChosen.texts).toEqual([capitals(builtInText)]);

    // Back to the built-in recognizer: the same document is a new batch, read as the OCR panel reads it.
    await call<SettingsView>('settings.set', { ocrRecognizer: null });
    const builtInBatch = await ocrBatch(documentId);
    expect(builtInBatch.summary.id).not.toBe(withChosen.summary.id);
    expect(builtInBatch.summary.model.name).toBe('PP-OCRv4 (built-in)');
    expect(builtInBatch.texts).toEqual([builtInText]);

    // A batch never keeps a page under a recognizer that did not read it: a chosen folder that breaks fails the page,
    // naming the folder and the reason (the OCR panel falls back instead, below).
    picked = recognizerFolder('capitals-broken', builtInDict.split('\n').map((l) => (/^[a-z]$/.test(l) ? l.toUpperCase() : l)).join('\n'));
    expect((await call<SettingsView>('settings.chooseOcrRecognizer', {})).settings.ocrRecognizer).toBe(picked);
    unlinkSync(join(picked, 'dict.txt'));
    const broken = await ocrBatch(documentId);
    expect(broken.summary.counts).toMatchObject({ done: 0, failed: 1 });
    expect(broken.texts).toEqual([null]);
    expect(broken.items[0]!.error).toContain(`the OCR recognizer in ${picked} could not be used: ${picked}: no .txt file`);

    // Settings as the next tests expect them.
    picked = chosen;
    expect((await call<SettingsView>('settings.chooseOcrRecognizer', {})).settings.ocrRecognizer).toBe(chosen);
  }, 120_000);

  it('refuses a folder whose dictionary does not fit the model, naming both files, and keeps the recognizer in use', async () => {
    const before = (await call<SettingsView>('settings.get', {})).settings.ocrRecognizer;
    picked = recognizerFolder('short', builtInDict.split('\n').slice(1).join('\n'));
    await expect(call('settings.chooseOcrRecognizer', {})).rejects.toMatchObject({
      code: 'CORRUPT_FILE',
      message: `OCR recognizer not changed: recognizer ${join(picked, 'rec.onnx')} has 6625 classes but dictionary ${join(picked, 'dict.txt')} gives 6624 (entries + space + blank)`,
    });
    expect((await call<SettingsView>('settings.get', {})).settings.ocrRecognizer).toBe(before);
  });

  it('refuses a folder that is not UTF-8 or is missing a file, before any model is loaded', async () => {
    picked = recognizerFolder('latin1', 'a\n');
    // "a", then é in Latin-1.
    writeFileSync(join(picked, 'dict.txt'), Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    await expect(call('settings.chooseOcrRecognizer', {})).rejects.toMatchObject({
      code: 'CORRUPT_FILE',
      message: `OCR recognizer not changed: ${join(picked, 'dict.txt')}: the dictionary is not UTF-8 text (invalid byte 0xe9 at offset 2)`,
    });
    picked = join(folders, 'empty');
    mkdirSync(picked);
    await expect(call('settings.chooseOcrRecognizer', {})).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`${picked}: no .onnx file`) });
  });

  it('takes no folder path from the renderer, only a return to the built-in recognizer', async () => {
    await expect(call('settings.set', { ocrRecognizer: folders })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const view = await call<SettingsView>('settings.set', { ocrRecognizer: null });
    expect(view.settings.ocrRecognizer).toBeNull();
    expect(await readPage(documentId)).toBe(builtInText);
  });

  it('reads with the built-in recognizer when the chosen folder breaks later, and says why in Settings', async () => {
    picked = recognizerFolder('breaks', builtInDict);
    expect((await call<SettingsView>('settings.chooseOcrRecognizer', {})).settings.ocrRecognizer).toBe(picked);
    unlinkSync(join(picked, 'dict.txt'));
    const { streamId } = await call<{ streamId: string }>('ocr.run', { documentId });
    let messages: StreamMessage[] = [];
    for (let i = 0; i < 2400 && !messages.some((m) => m.type !== 'chunk'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      messages = pushes.flatMap((p): StreamMessage[] => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : []));
    }
    expect(messages.at(-1)).toMatchObject({ type: 'done', value: { pages: 1 } });
    // The OCR panel is told on the spot (it shows the message), not only Settings.
    const fallbacks = messages.flatMap((m) => (m.type === 'chunk' && (m.chunk as { type: string }).type === 'recognizer-fallback' ? [m.chunk] : []));
    expect(fallbacks).toEqual([{ type: 'recognizer-fallback', page: 0, message: `The OCR recognizer in ${picked} could not be used (${picked}: no .txt file: the folder must hold its character dictionary (one character per line)); the page was read with the built-in recognizer.` }]);
    const page = messages.flatMap((m) => (m.type === 'chunk' ? [m.chunk as { type: string; result?: { lines: { text: string }[] } }] : [])).find((c) => c.type === 'page')!;
    expect(page.result).not.toHaveProperty('recognizerProblem');
    expect(page.result!.lines.map((l) => l.text).join('\n')).toBe(builtInText);
    const view = await call<SettingsView>('settings.get', {});
    expect(view.settings.ocrRecognizer).toBeNull();
    expect(view.problem).toBe(`The OCR recognizer in ${picked} could not be used (${picked}: no .txt file: the folder must hold its character dictionary (one character per line)); the built-in recognizer is in use again.`);
  });
});
