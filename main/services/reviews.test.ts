// The review service over a real store: app runs filed by content hash, the results list lowest confidence first,
// corrections validated per task (text, boxes inside the page, table cells, SMILES by RDKit), undo and redo kept in
// the history, two runs compared, and exports of the reviewed truth read back.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../preload/contract';
import { Store } from '../../models/store/store';
import type { LoadedDocument } from '../../models/documents';
import { DocumentService } from './documents';
import { RecentFiles } from './recent-files';
import { DocumentIdentities, ReviewService, historyPlan } from './reviews';
import { analyzeRun } from '../../models/runs/analyze';
import { analyzeOutput } from '../../models/paligemma/tasks/analyze';
import { MISMATCHED_KERN, PIANO_KERN } from '../../models/paligemma/tasks/music/fixtures';
import { compareValues, diffText } from './review-values';

const PAGE = { width: 800, height: 1000 };
const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;

let dir: string;
let store: Store;
let documents: DocumentService;
let reviews: ReviewService;
let docId: string;
let seq = 0;

function fakeDoc(name: string, pages = 2): LoadedDocument {
  return {
    name, format: 'png', pages: Array.from({ length: pages }, (_, index) => ({ index, ...PAGE })),
    renderPage: () => Promise.reject(new Error('not rendered in tests')),
    pagePreview: () => Promise.reject(new Error('not rendered in tests')),
    close: () => Promise.resolve(),
  };
}

async function record(task: RunRecord['prompt']['task'], text: string, extra: Partial<RunRecord> = {}): Promise<RunRecord> {
  const base: RunRecord = {
    id: `run${++seq}`, documentId: docId, page: 0, model: { id: 'pasted', name: 'Pasted output', location: '' }, prompt: { task, text: '' },
    promptText: task, maxNewTokens: 256, strategy: { kind: 'greedy' }, startedAt: new Date().toISOString(), status: 'done', text, ids: [], logprobs: [],
    pieces: [], finishReason: null, timings: null, providers: {}, dtypes: {}, error: null, region: null, source: 'pasted',
  };
  const r = { ...base, ...extra };
  const parsed = await analyzeRun({ task: r.prompt.task, raw: r.text, seen: PAGE });
  return parsed ? { ...r, parsed } : r;
}

async function keep(task: RunRecord['prompt']['task'], text: string, extra: Partial<RunRecord> = {}): Promise<number> {
  const id = await reviews.keep(await record(task, text, extra));
  expect(id).toBeTypeOf('number');
  return id!;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paliscope-reviews-'));
  store = Store.open(join(dir, 'project.paliscope'));
  const identities = new DocumentIdentities();
  documents = new DocumentService({ open: identities.wrap(() => Promise.resolve(fakeDoc('page.png'))), recent: new RecentFiles(join(dir, 'recent.json')) });
  reviews = new ReviewService({ store: () => store, documents, identities, analyze: analyzeOutput });
  docId = (await documents.openBytes('page.png', new TextEncoder().encode('the page bytes'))).id;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('keeping app runs', () => {
  it('files a run under its document by content hash, with page sizes, parameters and confidence', async () => {
    const id = await keep('caption', 'a letter', { logprobs: [-0.1, -0.3], model: { id: 'pg2', name: 'PaliGemma 2', location: '/m' }, providers: { decoder: 'cpu', vision: 'cpu' } });
    const run = store.run(id)!;
    expect(run).toMatchObject({ modelId: 'pg2', modelName: 'PaliGemma 2', task: 'caption', raw: 'a letter', provider: 'cpu', status: 'done' });
    expect(run.confidence).toBeCloseTo(Math.exp(-0.2), 6);
    expect(run.parameters).toMatchObject({ maxNewTokens: 256, strategy: { kind: 'greedy' }, source: 'pasted' });
    const doc = store.documents()[0]!;
    expect(doc.sha256).toBe(createHash('sha256').update('the page bytes').digest('hex'));
    expect(doc).toMatchObject({ path: 'page.png', pageCount: 2 });
    expect(store.pages(doc.id)).toMatchObject([{ index: 0, ...PAGE }, { index: 1, ...PAGE }]);
    // The same bytes opened again are the same document.
    const again = (await documents.openBytes('copy.png', new TextEncoder().encode('the page bytes'))).id;
    await reviews.keep(await record('caption', 'another', { documentId: again }));
    expect(store.documents()).toHaveLength(1);
  });

  it('a document opened from a path is identified by its file\'s hash, and its page is shown when it is not open', async () => {
    const file = join(dir, 'scan.png');
    writeFileSync(file, 'scan bytes');
    const viaPath = (await documents.openPath(file)).id;
    const id = await keep('caption', 'a scan', { documentId: viaPath });
    expect(store.documents().find((d) => d.path === file)?.sha256).toBe(createHash('sha256').update('scan bytes').digest('hex'));
    await documents.close(viaPath);
    // Not open any more: opened again from its path (same content), so the page can be shown.
    const d = await reviews.get(id);
    expect(d.image?.documentId).toMatch(/\S/);
    expect(d.image?.documentId).not.toBe(viaPath);
    expect(d.imageUnavailable).toBeNull();
    // Changed on disk since: not shown, and says why.
    await documents.close(d.image!.documentId);
    writeFileSync(file, 'other bytes');
    expect((await reviews.get(id)).imageUnavailable).toMatch(/scan\.png has changed since this result was made/);
  });

  it('a run on a document that is no longer open is logged, not thrown', async () => {
    const warned: string[] = [];
    const r = new ReviewService({ store: () => store, documents, identities: new DocumentIdentities(), analyze: analyzeOutput, log: { warn: (m) => warned.push(m) } });
    expect(await r.keep(await record('caption', 'x', { documentId: 'nope' }))).toBeNull();
    expect(warned[0]).toMatch(/run run\d+ was not kept in the project store: no open document with id nope/);
  });

  it('without a store, the list says why and review calls fail clearly', async () => {
    const r = new ReviewService({ store: () => null, unavailable: () => 'the SQLite add-on was built for another runtime', documents, identities: new DocumentIdentities(), analyze: analyzeOutput });
    expect(await r.list({})).toEqual({ items: [], tasks: [], models: [], unavailable: 'the SQLite add-on was built for another runtime' });
    await expect(r.get(1)).rejects.toThrow(/reviewing needs the project store, which is not available: the SQLite add-on/);
  });
});

describe('the results list', () => {
  it('lists lowest confidence first (unknown last) and filters by task, status and model', async () => {
    const sure = await keep('caption', 'sure', { logprobs: [-0.01] });
    const unsure = await keep('caption', 'unsure', { logprobs: [-2] });
    const unknown = await keep('ocr', 'no confidence');
    const det = await keep('detect', `${loc(100)}${loc(100)}${loc(500)}${loc(500)} stamp`, { logprobs: [-0.5], model: { id: 'big', name: 'Big', location: '' } });
    let list = await reviews.list({});
    expect(list.items.map((i) => i.runId)).toEqual([unsure, det, sure, unknown]);
    expect(list.tasks).toEqual(['caption', 'detect', 'ocr']);
    expect(list.models.map((m) => m.id).sort()).toEqual(['big', 'pasted']);
    expect(list.items.find((i) => i.runId === det)!.summary).toBe('1 box: stamp');
    expect((await reviews.list({ task: 'caption' })).items.map((i) => i.runId)).toEqual([unsure, sure]);
    expect((await reviews.list({ modelId: 'big' })).items.map((i) => i.runId)).toEqual([det]);
    expect((await reviews.list({ maxConfidence: 0.7 })).items.map((i) => i.runId)).toEqual([unsure, det]);
    await reviews.set({ runId: sure, status: 'accepted' });
    await reviews.set({ runId: unsure, status: 'rejected' });
    expect((await reviews.list({ status: 'unreviewed' })).items.map((i) => i.runId)).toEqual([det, unknown]);
    expect((await reviews.list({ status: 'reviewed' })).items.map((i) => i.runId)).toEqual([sure]);
    list = await reviews.list({ status: 'rejected' });
    expect(list.items[0]!.review).toEqual({ status: 'rejected', value: null, note: null });
  });
});

describe('reviewing', () => {
  it('a result comes with its page, parsed value and the open document showing it', async () => {
    const id = await keep('detect', `${loc(100)}${loc(100)}${loc(500)}${loc(500)} stamp`, { region: null });
    const d = await reviews.get(id);
    expect(d).toMatchObject({ runId: id, page: 0, task: 'detect', pageSize: PAGE, image: { documentId: docId, page: 0 }, imageUnavailable: null, canUndo: false, canRedo: false });
    expect(d.parsed?.kind).toBe('boxes');
    expect(d.value).toEqual(d.parsed);
    await expect(reviews.get(999)).rejects.toThrow(/there is no result 999 in the project store/);
  });

  it('a document that is not open and has no path says why its page is not shown', async () => {
    const id = await keep('caption', 'x');
    await documents.close(docId);
    const d = await reviews.get(id);
    expect(d.image).toBeNull();
    expect(d.imageUnavailable).toMatch(/page\.png is not open/);
  });

  it('corrects OCR text line by line, keeps the model output, and undo/redo walk the history', async () => {
    const id = await keep('ocr', 'Dear Sir,\nThe rneeting is on Monday.');
    let d = await reviews.set({ runId: id, status: 'accepted' });
    expect(d.review?.status).toBe('accepted');
    d = await reviews.set({ runId: id, status: 'corrected', correction: { kind: 'text', text: 'Dear Sir,\r\nThe meeting is on Monday.' } });
    expect(d.review).toMatchObject({ status: 'corrected', value: { kind: 'text', task: 'ocr', text: 'Dear Sir,\nThe meeting is on Monday.' } });
    expect(d.value).toEqual(d.review!.value);
    expect(d.parsed).toMatchObject({ text: 'Dear Sir,\nThe rneeting is on Monday.' });
    expect(d.summary).toBe('Dear Sir, The meeting is on Monday.');

    d = await reviews.undo(id);
    expect(d.review?.status).toBe('accepted');
    expect(d.canRedo).toBe(true);
    d = await reviews.undo(id);
    expect(d.review).toBeNull();
    d = await reviews.redo(id); // re-applies "accepted" (undone last)
    expect(d.review?.status).toBe('accepted');
    d = await reviews.redo(id); // then the correction
    expect(d.review?.status).toBe('corrected');
    expect(d.canRedo).toBe(false);
    await expect(reviews.redo(id)).rejects.toThrow(/has nothing to redo/);
    // Every step is in the history: 2 changes, 2 undos, 2 redos (marked as such).
    expect(d.history.map((h) => [h.state?.status ?? null, h.undoOf !== null, h.redoOf !== null])).toEqual([
      ['accepted', false, false], ['corrected', false, false], ['accepted', true, false], [null, true, false], ['accepted', false, true], ['corrected', false, true],
    ]);
    expect(d.history[4]!.redoOf).toBe(d.history[0]!.id);
    // A redo can be undone like any change; a new change clears what was left to redo.
    d = await reviews.undo(id);
    expect(d.review?.status).toBe('accepted');
    d = await reviews.set({ runId: id, status: 'rejected' });
    expect(d.canRedo).toBe(false);
    expect(reviews.history(id)).toHaveLength(8);
  });

  it('boxes: a moved box is kept in page pixels; a box outside the page or empty is refused by name', async () => {
    const id = await keep('detect', `${loc(100)}${loc(100)}${loc(500)}${loc(500)} stamp ; ${loc(600)}${loc(600)}${loc(900)}${loc(900)} signature`);
    const before = (await reviews.get(id)).parsed;
    if (before?.kind !== 'boxes') throw new Error('expected boxes');
    const moved = before.objects.map((o, i) => ({ label: o.label, box: i === 0 ? ([10, 20, 110, 220] as [number, number, number, number]) : o.box }));
    const d = await reviews.set({ runId: id, status: 'corrected', correction: { kind: 'boxes', objects: moved } });
    expect(d.value).toMatchObject({ kind: 'boxes', width: PAGE.width, height: PAGE.height, objects: [{ label: 'stamp', box: [10, 20, 110, 220] }, { label: 'signature', box: before.objects[1]!.box }] });
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'boxes', objects: [{ label: 'stamp', box: [700, 10, 900, 50] }] } }))
      .rejects.toThrow(/box 1 \(stamp\) \[700, 10, 900, 50\] goes outside the page \(800×1000\)/);
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'boxes', objects: [{ label: 'x', box: [50, 50, 50, 80] }] } }))
      .rejects.toThrow(/box 1 \(x\) is empty/);
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'text', text: 'no' } })).rejects.toThrow(/a boxes result is not corrected as text/);
    // A refused correction changes nothing.
    expect(reviews.history(id)).toHaveLength(1);
  });

  it('tables: cells corrected by position, markup of an edited cell dropped, a missing cell refused', async () => {
    const id = await keep('table', '<table><tr><th>Region</th><th>2024</th></tr><tr><td>North</td><td>1.<b>4</b></td></tr><tr><td>South</td><td>0.9</td></tr></table>');
    const d = await reviews.set({ runId: id, status: 'corrected', correction: { kind: 'table', cells: [{ row: 1, col: 1, text: '1.5 <x>' }, { row: 2, col: 0, text: 'South' }] } });
    if (d.value?.kind !== 'table') throw new Error('expected a table');
    const cell = d.value.table.cells.find((c) => c.row === 1 && c.col === 1)!;
    expect(cell).toMatchObject({ text: '1.5 <x>', html: '1.5 &lt;x&gt;' });
    expect(d.value.table.cells.find((c) => c.row === 0 && c.col === 0)!.text).toBe('Region');
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'table', cells: [{ row: 9, col: 0, text: 'x' }] } }))
      .rejects.toThrow(/the table has no cell at row 10, column 1/);
  });

  it('molecules: an invalid SMILES is refused with RDKit\'s reason; a valid one is kept canonical', async () => {
    const id = await keep('molecule', 'C1=CC=CC=C1O');
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'molecule', smiles: 'C1CC' } })).rejects.toThrow(/RDKit refused the SMILES "C1CC": .*(ring|unclosed)/i);
    const check = await reviews.checkSmiles('c1ccccc1C(=O)O');
    expect(check).toMatchObject({ valid: true, canonical: 'O=C(O)c1ccccc1', formula: 'C7H6O2', error: null });
    expect((await reviews.checkSmiles('C(C')).error).toMatch(/\S/);
    const d = await reviews.set({ runId: id, status: 'corrected', correction: { kind: 'molecule', smiles: 'OC1=CC=CC=C1' } });
    expect(d.value).toMatchObject({ kind: 'molecule', molecule: { valid: true, canonical: 'Oc1ccccc1' } });
  }, 60_000);
});

describe('the built-in OCR (as batches keep it)', () => {
  const quad = (x: number, y: number): [[number, number], [number, number], [number, number], [number, number]] => [[x, y], [x + 300, y], [x + 300, y + 30], [x, y + 30]];
  function ocrRun(lines: { text: string; confidence: number }[]): number {
    const { document } = store.registerDocument({ path: '/scans/letter.png', sha256: 'a'.repeat(64), pageCount: 1, size: 10 });
    const [page] = store.ensurePages(document.id, [{ index: 0, ...PAGE }]);
    const parsed = {
      task: 'ocr-builtin', width: PAGE.width, height: PAGE.height, timings: {},
      lines: lines.map((l, i) => ({ ...l, box: quad(50, 100 + 40 * i), words: [{ text: l.text, confidence: l.confidence, box: quad(50, 100 + 40 * i) }], block: 0 })),
      meanConfidence: lines.reduce((a, l) => a + l.confidence, 0) / lines.length,
    };
    return store.addRun({ pageId: page!.id, modelId: 'builtin-ppocr', modelName: 'Built-in OCR (PP-OCRv4)', task: 'ocr-builtin', prompt: '', raw: lines.map((l) => l.text).join('\n'), parsed, status: 'done' }).id;
  }

  it('is listed by its mean line confidence, shows its lines with their quads, and is corrected line by line', async () => {
    const id = ocrRun([{ text: 'Dear Sir,', confidence: 0.98 }, { text: 'The rneeting is on Monday.', confidence: 0.61 }, { text: '~~~', confidence: 0.2 }]);
    const sure = await keep('caption', 'sure', { logprobs: [-0.01] });
    expect((await reviews.list({})).items.map((i) => i.runId)).toEqual([id, sure]);
    let d = await reviews.get(id);
    expect(d.parsed).toBeNull();
    expect(d.summary).toBe('Dear Sir, / The rneeting is on Monday. / ~~~');
    expect(d.ocrLines).toEqual([
      { text: 'Dear Sir,', confidence: 0.98, box: quad(50, 100) },
      { text: 'The rneeting is on Monday.', confidence: 0.61, box: quad(50, 140) },
      { text: '~~~', confidence: 0.2, box: quad(50, 180) },
    ]);
    expect(d.imageUnavailable).toMatch(/letter\.png is not open and is not at a path Paliscope can open/);

    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'text', text: 'Dear Sir,\nThe meeting\nis on Monday.\n~~~' } }))
      .rejects.toThrow(/the OCR found 3 lines on the page and the correction has 4; correct each line in its place/);
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'boxes', objects: [] } })).rejects.toThrow(/corrected as text, line by line/);
    d = await reviews.set({ runId: id, status: 'corrected', correction: { kind: 'text', text: 'Dear Sir,\nThe meeting is on Monday.\n' } });
    expect(d.ocrLines!.map((l) => [l.text, l.box[0]])).toEqual([['Dear Sir,', [50, 100]], ['The meeting is on Monday.', [50, 140]]]);
    expect(d.ocrLinesOriginal).toHaveLength(3);
    const stored = store.review(id)!.value as { lines: { text: string; words: unknown[] }[] };
    expect(stored.lines[0]!.words).toHaveLength(1); // unchanged line keeps its words
    expect(stored.lines[1]!.words).toEqual([]); // changed line: its word boxes no longer match
    const txt = new TextDecoder().decode((await reviews.export({ format: 'jsonl', only: 'reviewed' })).bytes);
    expect(JSON.parse(txt)).toMatchObject({ task: 'ocr-builtin', value: { lines: [{ text: 'Dear Sir,' }, { text: 'The meeting is on Monday.' }] } });
  });

  it('an OCR page recognised in the app is kept like a batch keeps it', async () => {
    const id = await reviews.keepOcr(docId, 1, {
      width: PAGE.width, height: PAGE.height, timings: { totalMs: 900 },
      lines: [{ text: 'EXIT', confidence: 0.9, box: quad(10, 10), words: [], block: 0 }, { text: 'Platform 2', confidence: 0.7, box: quad(10, 50), words: [], block: 0 }],
    });
    const run = store.run(id!)!;
    expect(run).toMatchObject({ task: 'ocr-builtin', modelId: 'builtin-ppocr', raw: 'EXIT\nPlatform 2', provider: 'cpu' });
    expect(run.confidence).toBeCloseTo(0.8, 6);
    const d = await reviews.get(id!);
    expect(d).toMatchObject({ page: 1, image: { documentId: docId, page: 1 }, summary: 'EXIT / Platform 2' });
    expect(d.ocrLines!.map((l) => l.text)).toEqual(['EXIT', 'Platform 2']);
  });

  it('compares with a PaliGemma OCR of the same page, word by word', async () => {
    const id = ocrRun([{ text: 'Dear Sir,', confidence: 0.98 }, { text: 'The rneeting', confidence: 0.6 }]);
    const page = store.run(id)!.pageId;
    const pg = store.addRun({ pageId: page, modelId: 'pg2', modelName: 'PaliGemma 2', task: 'ocr', prompt: 'ocr', raw: 'Dear Sir,\nThe meeting', parsed: { kind: 'text', task: 'ocr', text: 'Dear Sir,\nThe meeting', warnings: [] }, status: 'done' }).id;
    const c = reviews.compare(id, pg);
    expect(c.kind).toBe('text');
    expect(c.words.filter((w) => w.op !== 'same').map((w) => `${w.op}:${w.text}`)).toEqual(['removed:rneeting', 'added:meeting']);
    expect((await reviews.get(id)).samePage.map((r) => r.runId)).toEqual([pg]);
  });
});

describe('scores', () => {
  it('a **kern correction is checked and engraved by Verovio; an invalid one is refused with its faulty line', async () => {
    const id = await keep('music', MISMATCHED_KERN);
    const bad = await reviews.checkKern(MISMATCHED_KERN);
    expect(bad.music.valid).toBe(false);
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'music', kern: MISMATCHED_KERN } })).rejects.toThrow(/Verovio refused the score(: | at )line \d+/);
    const good = await reviews.checkKern(PIANO_KERN);
    expect(good.music.valid).toBe(true);
    expect(good.music.svgPages.length).toBeGreaterThan(0);
    const d = await reviews.set({ runId: id, status: 'corrected', correction: { kind: 'music', kern: PIANO_KERN } });
    expect(d.value).toMatchObject({ kind: 'music', music: { valid: true } });
    await expect(reviews.set({ runId: id, status: 'corrected', correction: { kind: 'text', text: 'x' } })).rejects.toThrow(/a music result is not corrected as text/);
  }, 60_000);
});

describe('comparing and exporting', () => {
  it('compares two runs of one page: words, boxes by IoU, cells; refuses runs on different pages', async () => {
    const a = await keep('ocr', 'The meeting is on Monday at noon.');
    const b = await keep('ocr', 'The rneeting is on Monday at noon!', { model: { id: 'other', name: 'Other', location: '' } });
    const c = reviews.compare(a, b);
    expect(c.kind).toBe('text');
    expect(c.words.filter((w) => w.op !== 'same').map((w) => `${w.op}:${w.text.trim()}`)).toEqual(['removed:meeting', 'added:rneeting', 'removed:.', 'added:!']); // punctuation is a token of its own
    expect(c.summary).toBe('2 word(s) only in A, 2 only in B');
    // Runs of the same task come first among the page's other runs.
    const caption = await keep('caption', 'a letter');
    expect((await reviews.get(a)).samePage.map((r) => r.runId)).toEqual([b, caption]);
    const other = await keep('ocr', 'x', { page: 1 });
    expect(() => reviews.compare(a, other)).toThrow(/are on different pages/);

    const da = await keep('detect', `${loc(100)}${loc(100)}${loc(500)}${loc(500)} stamp ; ${loc(600)}${loc(600)}${loc(900)}${loc(900)} signature`);
    const db = await keep('detect', `${loc(110)}${loc(105)}${loc(505)}${loc(510)} seal ; ${loc(10)}${loc(10)}${loc(40)}${loc(40)} logo`);
    const cb = reviews.compare(da, db);
    expect(cb.boxes).toEqual([
      { a: 0, b: 0, iou: expect.closeTo(0.93, 1), sameLabel: false },
      { a: 1, b: null, iou: 0, sameLabel: false },
      { a: null, b: 1, iou: 0, sameLabel: false },
    ]);
    expect(cb.summary).toBe('1 boxes matched (IoU ≥ 0.5), 1 with another label; 1 only in A, 1 only in B');
  });

  it('compares two tables cell by cell over the union of their grids, corrections included', async () => {
    const a = await keep('table', '<table><tr><th>Region</th><th>2024</th></tr><tr><td>North</td><td>1.4</td></tr></table>');
    const b = await keep('table', '<table><tr><th>Region</th><th>2024</th></tr><tr><td>North</td><td>1.7</td></tr><tr><td>South</td><td>0.9</td></tr></table>');
    let c = reviews.compare(a, b);
    expect(c.kind).toBe('table');
    expect(c.cells.filter((x) => !x.same)).toEqual([
      { row: 1, col: 1, a: '1.4', b: '1.7', same: false },
      { row: 2, col: 0, a: null, b: 'South', same: false },
      { row: 2, col: 1, a: null, b: '0.9', same: false },
    ]);
    expect(c.summary).toBe('3 of 6 cells differ (A 2×2, B 3×2)');
    await reviews.set({ runId: a, status: 'corrected', correction: { kind: 'table', cells: [{ row: 1, col: 1, text: '1.7' }] } });
    c = reviews.compare(a, b);
    expect(c.cells.filter((x) => !x.same)).toHaveLength(2);
  });

  it('exports JSON Lines, CSV and COCO of the reviewed truth, only reviewed when asked', async () => {
    const ocr = await keep('ocr', 'Teh letter');
    const det = await keep('detect', `${loc(100)}${loc(100)}${loc(500)}${loc(500)} stamp`);
    const rejected = await keep('caption', 'a cat');
    await keep('caption', 'not reviewed');
    await reviews.set({ runId: ocr, status: 'corrected', correction: { kind: 'text', text: 'The letter' } });
    await reviews.set({ runId: det, status: 'accepted' });
    await reviews.set({ runId: rejected, status: 'rejected' });

    const all = await reviews.export({ format: 'jsonl' });
    expect(all.results).toBe(4);
    const only = await reviews.export({ format: 'jsonl', only: 'reviewed' });
    expect(only.fileName).toBe('paliscope-results-reviewed.jsonl');
    const lines = new TextDecoder().decode(only.bytes).trim().split('\n').map((l) => JSON.parse(l) as { run: number; review: { status: string }; value: { text?: string }; raw: string });
    expect(lines.map((l) => [l.run, l.review.status])).toEqual([[ocr, 'corrected'], [det, 'accepted']]);
    expect(lines[0]).toMatchObject({ raw: 'Teh letter', value: { text: 'The letter' } });

    const csv = new TextDecoder().decode((await reviews.export({ format: 'csv', only: 'reviewed' })).bytes).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toContain('corrected');
    expect(csv[1]).toContain('The letter');
    const coco = await reviews.export({ format: 'coco' });
    const json = JSON.parse(new TextDecoder().decode(coco.bytes)) as { annotations: { run_id: number; review: string }[]; categories: { name: string }[] };
    expect(json.annotations).toMatchObject([{ run_id: det, review: 'accepted' }]);
    expect(json.categories).toEqual([{ id: 1, name: 'stamp' }]);
    expect(store.exports().map((e) => [e.format, e.onlyReviewed, e.results])).toEqual([['jsonl', false, 4], ['jsonl', true, 2], ['csv', true, 2], ['coco', false, 1]]);
  });

  it('a review is on disk once set: it is there after the file is reopened', async () => {
    const id = await keep('caption', 'kept');
    await reviews.set({ runId: id, status: 'accepted' });
    const path = store.path;
    store.close();
    store = Store.open(path);
    expect(store.review(id)?.status).toBe('accepted');
  });
});

describe('pure parts', () => {
  it('box comparison (paired as the metrics pair them), word diff', () => {
    const boxes = (objects: { label: string; box: [number, number, number, number] }[]) => ({ kind: 'boxes', task: 'detect', width: 100, height: 100, objects, warnings: [] });
    const c = compareValues({ a: 1, b: 2 }, boxes([{ label: 'a', box: [0, 0, 10, 10] }, { label: 'c', box: [50, 50, 60, 60] }]), boxes([{ label: 'b', box: [1, 0, 11, 10] }, { label: 'a', box: [0, 0, 10, 10] }]));
    expect(c.boxes).toEqual([{ a: 0, b: 1, iou: 1, sameLabel: true }, { a: 1, b: null, iou: 0, sameLabel: false }, { a: null, b: 0, iou: 0, sameLabel: false }]);
    expect(c.summary).toBe('1 boxes matched (IoU ≥ 0.5); 1 only in A, 1 only in B');
    const words = diffText('one two three', 'one 2 three');
    expect(words.map((w) => w.text).join('')).not.toBe('');
    expect(words.filter((w) => w.op !== 'removed').map((w) => w.text).join('')).toBe('one 2 three');
    expect(words.filter((w) => w.op !== 'added').map((w) => w.text).join('')).toBe('one two three');
    expect(compareValues({ a: 1, b: 2 }, null, null)).toMatchObject({ kind: 'other', summary: /cannot be compared/ });
  });

  it('historyPlan: a change that re-applies what was undone is a redo; any other change ends the redo chain', () => {
    const s = (status: 'accepted' | 'rejected') => ({ status, value: null, note: null });
    const e = (id: number, state: ReturnType<typeof s> | null, previous: ReturnType<typeof s> | null, undoOf: number | null = null) => ({ id, runId: 1, state, previous, undoOf, at: '' });
    expect(historyPlan([])).toEqual({ redo: null, canUndo: false, redoOf: new Map() });
    const h = [e(1, s('accepted'), null), e(2, null, s('accepted'), 1)];
    expect(historyPlan(h).redo?.id).toBe(1);
    expect(historyPlan(h).canUndo).toBe(false);
    expect(historyPlan([...h, e(3, s('rejected'), null)]).redo).toBeNull();
    expect(historyPlan([...h, e(3, s('accepted'), null)]).redoOf.get(3)).toBe(1);
  });
});
