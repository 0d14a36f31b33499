// Runs of a local model through main's services exactly as the UI drives them: models.list over a
// models folder (both layouts, two broken folders), the runs.start stream on a rendered page with
// the real engine host and the tiny random-weight PaliGemma, cancellation, the history, and broken
// models that fail clearly while the app keeps working.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelList, type Push, type RunChunk, type RunInput, type RunRecord, type StreamMessage } from '../../preload/contract';
import type { Services } from '../compose';
import { composeTestServices } from '../testing/compose-for-tests';
import { makeFixtures } from '../../e2e/fixtures/make-fixtures';
import { prepareTinyModels, TINY_MODELS } from '../../e2e/support/tiny-models';
import type { Caller } from '../ipc/dispatcher';
import { parseBoxes } from '../../models/paligemma/tasks/parse';

const root = mkdtempSync(join(tmpdir(), 'paliscope-runs-test-'));
let services: Services;
let models: ModelList;
let documentId = '';

/** Stream messages by id, and waiters woken by each push (no polling). */
const messages = new Map<string, StreamMessage[]>();
const waiters = new Set<() => void>();
const caller: Caller = {
  id: 'test-window',
  push: (p: Push) => {
    if (!('stream' in p)) return;
    const list = messages.get(p.stream.streamId) ?? [];
    list.push(p.stream);
    messages.set(p.stream.streamId, list);
    for (const w of [...waiters]) w();
  },
};
function until(streamId: string, test: (m: StreamMessage[]) => boolean): Promise<StreamMessage[]> {
  return new Promise((resolve) => {
    const check = (): void => {
      const list = messages.get(streamId) ?? [];
      if (!test(list)) return;
      waiters.delete(check);
      resolve(list);
    };
    waiters.add(check);
    check();
  });
}
const ended = (streamId: string): Promise<StreamMessage[]> => until(streamId, (l) => l.some((m) => m.type !== 'chunk'));
const chunks = (list: StreamMessage[]): RunChunk[] => list.flatMap((m) => (m.type === 'chunk' ? [m.chunk as RunChunk] : []));

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await services.dispatcher.call(name, input, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}
const modelId = (name: string): string => {
  const m = models.models.find((x) => x.name === name);
  if (!m) throw new Error(`test setup: no model named ${name}`);
  return m.id;
};
const runInput = (modelName: string, overrides: Partial<RunInput> = {}): RunInput => ({
  documentId,
  page: 0,
  modelId: modelId(modelName),
  prompt: { task: 'caption', text: 'en' },
  maxNewTokens: 8,
  strategy: { kind: 'greedy' },
  ...overrides,
});
async function startRun(input: RunInput): Promise<string> {
  return (await call<{ streamId: string }>('runs.start', input)).streamId;
}

beforeAll(async () => {
  const modelsDir = join(root, 'models');
  const [fixtures] = await Promise.all([makeFixtures(join(import.meta.dirname, '../../.cache/fixtures')), prepareTinyModels(modelsDir)]);
  services = composeTestServices(join(root, 'user-data'), { modelFolders: [join(root, 'user-data', 'models'), modelsDir] });
  services.dispatcher.attach(caller);
  const bytes = new Uint8Array(await readFile(fixtures['page.png']));
  documentId = (await call<{ id: string }>('documents.openBytes', { name: 'page.png', bytes })).id;
  models = await call<ModelList>('models.list', {});
}, 60_000);
afterAll(async () => {
  await services.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('models.list', () => {
  it('lists every model folder with its layout, dtypes and resolution, and says what is wrong with a broken one', () => {
    expect(models.folders).toEqual([join(root, 'user-data', 'models'), join(root, 'models')]);
    const byName = Object.fromEntries(models.models.map((m) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual(Object.values(TINY_MODELS).sort());
    expect(byName[TINY_MODELS.paliscope]).toMatchObject({ layout: 'paliscope', dtypes: ['fp32'], resolution: 56, problem: null });
    expect(byName[TINY_MODELS.onnxCommunity]).toMatchObject({ layout: 'onnx-community', dtypes: ['fp32'], resolution: 56, problem: null });
    // A truncated graph is only found out when onnxruntime reads it; the folder itself looks complete.
    expect(byName[TINY_MODELS.truncated]).toMatchObject({ layout: 'paliscope', problem: null });
    expect(byName[TINY_MODELS.missingFile]!.problem).toMatch(/embed_tokens\.onnx.*missing/);
  });
});

describe('runs.start', () => {
  it('streams tokens, then ends with the run: raw output, parameters, timings and providers, kept in the history', async () => {
    const input = runInput(TINY_MODELS.paliscope, { maxNewTokens: 12 });
    const streamId = await startRun(input);
    const list = await ended(streamId);
    const last = list[list.length - 1]!;
    expect(last.type, JSON.stringify(last)).toBe('done');
    const run = (last as { value: RunRecord }).value;
    const tokens = chunks(list).flatMap((c) => (c.type === 'token' ? [c.token] : []));
    const stages = chunks(list).flatMap((c) => (c.type === 'stage' ? [c] : []));
    expect(stages.map((c) => c.stage)).toEqual(['render', 'load', 'generate']);
    expect(stages[2]!.providers).toEqual({ vision_encoder: 'cpu', embed_tokens: 'cpu', decoder: 'cpu' });
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.map((t) => t.index)).toEqual(tokens.map((_, i) => i));
    expect(run).toMatchObject({
      documentId,
      page: 0,
      status: 'done',
      promptText: 'caption en',
      maxNewTokens: 12,
      strategy: { kind: 'greedy' },
      model: { name: TINY_MODELS.paliscope },
      providers: { vision_encoder: 'cpu', embed_tokens: 'cpu', decoder: 'cpu' },
      dtypes: { decoder: 'fp32' },
      error: null,
    });
    expect(run.ids).toEqual(tokens.map((t) => t.id));
    expect(run.text).toBe(tokens.map((t) => t.text).join(''));
    expect(run.finishReason === 'length' ? run.ids.length === 12 : run.finishReason === 'eos').toBe(true);
    expect(run.timings).toMatchObject({ modelLoaded: true, visionCached: false });
    expect(run.timings!.renderMs).toBeGreaterThan(0);
    expect(run.timings!.totalMs).toBeGreaterThan(0);

    // The same page again reuses the loaded model and the page's vision features.
    const again = (await ended(await startRun(input))).at(-1) as { type: string; value: RunRecord };
    expect(again.value.timings).toMatchObject({ modelLoaded: false, visionCached: true, loadMs: expect.any(Number) });
    expect(again.value.ids).toEqual(run.ids);

    const history = await call<RunRecord[]>('runs.list', { documentId, page: 0 });
    expect(history.slice(0, 2).map((r) => r.id)).toEqual([again.value.id, run.id]);
    expect(await call<RunRecord[]>('runs.list', { documentId, page: 1 })).toEqual([]);
  });

  it('a detect run ends with its objects parsed in main, in the rendered page\'s pixels', async () => {
    const list = await ended(await startRun(runInput(TINY_MODELS.paliscope, { prompt: { task: 'detect', text: 'table ; stamp' }, maxNewTokens: 24 })));
    const run = (list.at(-1) as { value: RunRecord }).value;
    expect(run.status).toBe('done');
    // The tiny random model emits arbitrary tokens: what matters is that the record carries exactly what the parser
    // makes of this run's own raw output, on the page size the model was given.
    const doc = await call<{ pages: Array<{ width: number; height: number }> }[]>('documents.list', {});
    const page = doc.flatMap((d) => d.pages)[0]!;
    const parsed = run.parsed;
    if (parsed?.kind !== 'boxes') throw new Error(`expected parsed boxes, got ${JSON.stringify(parsed)}`);
    expect(parsed.task).toBe('detect');
    expect([parsed.width, parsed.height]).toEqual([page.width, page.height]);
    const expected = parseBoxes('detect', run.text, page);
    expect(parsed.objects).toEqual(expected.objects.map((o) => ({ label: o.label, box: o.box })));
    expect(parsed.warnings).toEqual(expected.warnings);
    // Each token's text is kept for the confidence shading, and together they are the output.
    expect(run.pieces).toHaveLength(run.ids.length);
    expect(run.pieces.join('')).toBe(run.text);
    const history = await call<RunRecord[]>('runs.list', { documentId, page: 0 });
    expect(history[0]!.parsed).toEqual(run.parsed);
  });

  it('a run on a region sees only the crop; its boxes come back in page pixels, inside the region', async () => {
    const region = { x: 100, y: 200, width: 300, height: 150 };
    const text = '<loc0000><loc0000><loc1023><loc1023> all of it';
    const doc = (await call<Array<{ id: string; pages: Array<{ width: number; height: number }> }>>('documents.list', {})).find((d) => d.id === documentId)!;
    const page = doc.pages[0]!;
    // A pasted output on a region goes through the same placement as a model run's.
    const pasted = await call<RunRecord>('runs.paste', { documentId, page: 0, task: 'detect', text, region });
    expect(pasted.region).toEqual(region);
    expect(pasted.parsed).toMatchObject({ kind: 'boxes', width: page.width, height: page.height, objects: [{ label: 'all of it', box: [100, 200, 400, 350] }] });

    const list = await ended(await startRun(runInput(TINY_MODELS.paliscope, { prompt: { task: 'detect', text: 'x' }, maxNewTokens: 24, strategy: { kind: 'sample', temperature: 1, topK: 0, topP: 1, seed: 0 }, region })));
    const run = (list.at(-1) as { value: RunRecord }).value;
    expect(run).toMatchObject({ status: 'done', region });
    if (run.parsed?.kind !== 'boxes') throw new Error('expected boxes');
    expect([run.parsed.width, run.parsed.height]).toEqual([page.width, page.height]);
    const crop = parseBoxes('detect', run.text, { width: region.width, height: region.height });
    expect(run.parsed.objects.map((o) => o.box)).toEqual(crop.objects.map((o) => [o.box[0] + 100, o.box[1] + 200, o.box[2] + 100, o.box[3] + 200]));

    const outside = await services.dispatcher.call('runs.start', runInput(TINY_MODELS.paliscope, { region: { x: page.width - 10, y: 0, width: 20, height: 20 } }), caller);
    // The stream starts, then ends in an error naming the region and the page.
    const streamId = (outside as { ok: true; value: { streamId: string } }).value.streamId;
    const end = (await ended(streamId)).at(-1) as { type: string; error?: { code: string; message: string } };
    expect(end).toMatchObject({ type: 'error', error: { code: 'BAD_INPUT', message: expect.stringContaining(`is not inside page 1 of`) } });
  });

  it('runs the onnx-community layout too (loading it releases the other model)', async () => {
    const list = await ended(await startRun(runInput(TINY_MODELS.onnxCommunity, { strategy: { kind: 'sample', temperature: 1, topK: 20, topP: 0.9, seed: 7 } })));
    const last = list.at(-1) as { type: string; value: RunRecord };
    expect(last.type).toBe('done');
    expect(last.value).toMatchObject({ model: { name: TINY_MODELS.onnxCommunity }, strategy: { kind: 'sample', seed: 7 }, timings: { modelLoaded: true } });
    expect(last.value.ids.length).toBeGreaterThan(0);
  });

  it('streams.cancel stops a run mid-generation; the history keeps what it had produced', async () => {
    const streamId = await startRun(runInput(TINY_MODELS.paliscope, { maxNewTokens: 1024 }));
    await until(streamId, (l) => chunks(l).filter((c) => c.type === 'token').length >= 3);
    expect(await call('streams.cancel', { streamId })).toEqual({ cancelled: true });
    const list = await ended(streamId);
    expect(list.at(-1)!.type).toBe('cancelled');
    const [latest] = await call<RunRecord[]>('runs.list', { documentId, page: 0 });
    expect(latest).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' }, providers: { decoder: 'cpu' }, dtypes: { decoder: 'fp32' } });
    expect(latest!.ids.length).toBeGreaterThanOrEqual(3);
    expect(latest!.ids.length).toBeLessThan(1024);
  });

  it('a truncated model file fails with a message naming the model folder and the file; the next run works', async () => {
    const list = await ended(await startRun(runInput(TINY_MODELS.truncated)));
    const last = list.at(-1)!;
    expect(last.type).toBe('error');
    const { error } = last as { error: { code: string; message: string } };
    expect(error.code).toBe('INPUT_MISMATCH');
    expect(error.message).toContain(`model “${TINY_MODELS.truncated}”`);
    expect(error.message).toContain(join(root, 'models', TINY_MODELS.truncated, 'decoder.onnx'));
    const [failed] = await call<RunRecord[]>('runs.list', { documentId, page: 0 });
    expect(failed).toMatchObject({ status: 'error', error: { code: 'INPUT_MISMATCH' }, model: { name: TINY_MODELS.truncated } });

    const next = await ended(await startRun(runInput(TINY_MODELS.paliscope)));
    expect(next.at(-1)!.type).toBe('done');
  });

  it('a folder missing a file is refused before anything runs, naming the folder and the file', async () => {
    const list = await ended(await startRun(runInput(TINY_MODELS.missingFile)));
    const { type, error } = list.at(-1) as { type: string; error: { code: string; message: string } };
    expect(type).toBe('error');
    expect(error.code).toBe('MODEL_NOT_FOUND');
    expect(error.message).toContain(`model “${TINY_MODELS.missingFile}”`);
    expect(error.message).toContain(`${join(root, 'models', TINY_MODELS.missingFile)}: embed_tokens.onnx (embed_tokens) is missing`);
  });

  it('refuses bad input: an unknown model, a page past the end, a task without its text', async () => {
    const unknown = await ended(await startRun({ ...runInput(TINY_MODELS.paliscope), modelId: 'ffffffffffffffff' }));
    expect(unknown.at(-1)).toMatchObject({ type: 'error', error: { code: 'MODEL_NOT_FOUND' } });
    const page = await ended(await startRun(runInput(TINY_MODELS.paliscope, { page: 5 })));
    expect(page.at(-1)).toMatchObject({ type: 'error', error: { code: 'PAGE_OUT_OF_RANGE' } });
    const r = await services.dispatcher.call('runs.start', runInput(TINY_MODELS.paliscope, { prompt: { task: 'answer', text: ' ' } }), caller);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await services.dispatcher.call('runs.list', { documentId: 'nosuchdocument' }, caller)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('runs.paste parses another runtime\'s output on the page as the app renders it; runs.export writes it', async () => {
    const doc = (await call<Array<{ id: string; pages: Array<{ width: number; height: number }> }>>('documents.list', {})).find((d) => d.id === documentId)!;
    const pasted = await call<RunRecord>('runs.paste', { documentId, page: 0, task: 'ocr-boxes', text: '<loc0000><loc0000><loc1023><loc1023> WHOLE' });
    expect(pasted).toMatchObject({ source: 'pasted', status: 'done', model: { id: 'pasted' }, prompt: { task: 'ocr-boxes', text: '' } });
    expect(pasted.parsed).toEqual({ kind: 'boxes', task: 'ocr-boxes', width: doc.pages[0]!.width, height: doc.pages[0]!.height, objects: [{ label: 'WHOLE', box: [0, 0, doc.pages[0]!.width, doc.pages[0]!.height] }], warnings: [] });
    expect((await call<RunRecord[]>('runs.list', { documentId, page: 0 }))[0]!.id).toBe(pasted.id);
    const file = await call<{ fileName: string; bytes: Uint8Array }>('runs.export', { documentId, runId: pasted.id, format: 'txt' });
    expect(new TextDecoder().decode(file.bytes)).toBe(`0\t0\t${doc.pages[0]!.width}\t${doc.pages[0]!.height}\tWHOLE\n`);
    // A name the person gives makes the pasted outputs one model of their own (Evaluate compares models by it).
    const named = await call<RunRecord>('runs.paste', { documentId, page: 0, task: 'caption', text: 'a page', model: '  PaliGemma 2 (JAX)  ' });
    expect(named.model).toEqual({ id: 'pasted-paligemma-2-jax', name: 'PaliGemma 2 (JAX) (pasted)', location: '' });
    expect((await call<RunRecord[]>('runs.list', { documentId, page: 0 })).find((r) => r.id === named.id)!.model.id).toBe('pasted-paligemma-2-jax');
    expect((await call<RunRecord>('runs.paste', { documentId, page: 0, task: 'caption', text: 'a page', model: '東京' })).model.id).toMatch(/^pasted-[0-9a-f]{16}$/);
    expect(await services.dispatcher.call('runs.paste', { documentId, page: 0, task: 'caption', text: 'x', model: 'a\u0000b' }, caller)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('without control characters') } });
    expect(await services.dispatcher.call('runs.paste', { documentId, page: 0, task: 'caption', text: 'x', model: 'm'.repeat(121) }, caller)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await services.dispatcher.call('runs.paste', { documentId, page: 99, task: 'caption', text: 'x' }, caller)).toMatchObject({ ok: false, error: { code: 'PAGE_OUT_OF_RANGE' } });
    expect(await services.dispatcher.call('runs.paste', { documentId, page: 0, task: 'caption', text: '' }, caller)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('the pasted output is empty') } });
    expect(await services.dispatcher.call('runs.export', { documentId, runId: 'nosuchrun', format: 'json' }, caller)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await services.dispatcher.call('runs.export', { documentId, runId: pasted.id, format: 'xlsx' }, caller)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('exports are written in the engine host: a score as MIDI; an invalid SMILES has no SDF and says why', async () => {
    const score = await call<RunRecord>('runs.paste', { documentId, page: 0, task: 'music', text: '**kern\t**kern\n*clefF4\t*clefG2\n4C\t4e\n*-\t*-\n' });
    const midi = await call<{ fileName: string; bytes: Uint8Array }>('runs.export', { documentId, runId: score.id, format: 'mid' });
    expect(new TextDecoder().decode(midi.bytes.subarray(0, 4))).toBe('MThd');
    const bad = await call<RunRecord>('runs.paste', { documentId, page: 0, task: 'molecule', text: 'C1CC' });
    expect(bad.parsed).toMatchObject({ kind: 'molecule', molecule: { valid: false } });
    const refused = await services.dispatcher.call('runs.export', { documentId, runId: bad.id, format: 'sdf' }, caller);
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('C1CC') } });
  });

  it('the store is the history: closing and reopening the document, or restarting, lists the same runs with their results', async () => {
    const before = await services.runs.list(documentId);
    expect(before.length).toBeGreaterThan(3);
    expect(before.map((r) => Number(r.id))).toEqual([...before.map((r) => Number(r.id))].sort((a, b) => b - a));
    const boxes = before.find((r) => r.parsed?.kind === 'boxes')!;
    expect(boxes).toBeDefined();
    await call('documents.close', { documentId });
    expect(await services.dispatcher.call('runs.list', { documentId }, caller)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const fixtures = await makeFixtures(join(import.meta.dirname, '../../.cache/fixtures'));
    const bytes = new Uint8Array(await readFile(fixtures['page.png']));
    // The same services restarted on the same user data: nothing is kept in memory between them.
    await services.shutdown();
    services = composeTestServices(join(root, 'user-data'), { modelFolders: [join(root, 'user-data', 'models'), join(root, 'models')] });
    services.dispatcher.attach(caller);
    documentId = (await call<{ id: string }>('documents.openBytes', { name: 'page.png', bytes })).id;
    const after = await call<RunRecord[]>('runs.list', { documentId });
    expect(after.map((r) => [r.id, r.status, r.text, r.ids, r.pieces, r.parsed])).toEqual(before.map((r) => [r.id, r.status, r.text, r.ids, r.pieces, r.parsed]));
    expect(after.every((r) => r.documentId === documentId)).toBe(true);
    const again = after.find((r) => r.id === boxes.id)!;
    expect(again).toMatchObject({ prompt: boxes.prompt, promptText: boxes.promptText, model: boxes.model, strategy: boxes.strategy, timings: boxes.timings });
  }, 60_000);
});
