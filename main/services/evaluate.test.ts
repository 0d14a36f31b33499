import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../models/store/store';
import { TRUTH_EXTENSIONS } from '../../models/eval/truth-files';
import { EvaluateResult, TruthFolderUpload, type EvaluateProgress } from '../../preload/contract';
import { TRUTH_FILE_EXTENSIONS } from '../../preload/contract/limits';
import { EvaluateService } from './evaluate';

function store(): Store {
  const s = Store.open(':memory:');
  const { document } = s.registerDocument({ path: '/d/a.png', sha256: 'b'.repeat(64), pageCount: 1, size: 1 });
  const [p] = s.ensurePages(document.id, [{ index: 0, width: 10, height: 10 }]);
  const table = (html: string) => ({ kind: 'table', table: { rows: 1, cols: 2, cells: [{ row: 0, col: 0, rowspan: 1, colspan: 1, header: false, text: 'a', html: 'a' }, { row: 0, col: 1, rowspan: 1, colspan: 1, header: false, text: html, html }], warnings: [] }, warnings: [] });
  const t = s.addRun({ pageId: p!.id, modelId: 'm1', modelName: 'M1 <b>', task: 'table', prompt: '', parsed: table('b'), status: 'done' }).id;
  s.addRun({ pageId: p!.id, modelId: 'm2', modelName: 'M2', task: 'table', prompt: '', parsed: table('c'), status: 'done' });
  s.addRun({ pageId: p!.id, modelId: 'm2', modelName: 'M2', task: 'ocr', prompt: '', parsed: { kind: 'text', task: 'ocr', text: 'Helo world', warnings: [] }, status: 'done' });
  s.setReview(t, { status: 'accepted' });
  return s;
}
const bytes = (s: string) => new TextEncoder().encode(s);

describe('EvaluateService', () => {
  it('scores the store on a worker thread, with progress, and answers in the contract\'s shape', async () => {
    const s = new EvaluateService({ store });
    const progress: EvaluateProgress[] = [];
    const r = EvaluateResult.parse(await s.run({}, { onProgress: (p) => progress.push(p) }));
    expect(r.tasks[0]!.task).toBe('table');
    const teds = (m: string) => r.tasks[0]!.models.find((x) => x.modelId === m)!.metrics.find((x) => x.metric === 'teds')!.mean;
    // tree: table, tbody, tr, td, td (5 nodes, 4 elements under table); one cell renamed b → c: 1 − 1/4.
    expect(teds('m1')).toBe(1);
    expect(teds('m2')).toBe(0.75);
    expect(r.models.map((m) => m.id).sort()).toEqual(['m1', 'm2']);
    expect(progress.at(-1)).toEqual({ stage: 'summarising', done: 1, total: 2 });
    expect((await s.run({ models: ['m2'] })).tasks[0]!.models).toHaveLength(1);
  });
  it('a cancelled evaluation ends as CANCELLED', async () => {
    const s = new EvaluateService({ store });
    const c = new AbortController();
    const run = s.run({}, { signal: c.signal });
    setTimeout(() => c.abort(), 5);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });
  it('exports CSV, JSON and an HTML report with model text escaped', async () => {
    const s = new EvaluateService({ store });
    const html = new TextDecoder().decode((await s.export({ format: 'html' })).bytes);
    expect(html).toContain('M1 &lt;b&gt;');
    expect(html).not.toContain('M1 <b>');
    expect(html).toContain('<svg role="img"');
    const csv = await s.export({ format: 'csv' });
    expect(csv).toMatchObject({ fileName: 'paliscope-evaluation.csv', mime: 'text/csv' });
    expect(JSON.parse(new TextDecoder().decode((await s.export({ format: 'json' })).bytes)).pages).toHaveLength(2);
  });
  it('says why when there is no store', async () => {
    const s = new EvaluateService({ store: () => null, unavailable: () => 'the SQLite add-on is missing' });
    await expect(s.run({})).rejects.toThrow(/not available: the SQLite add-on is missing/);
  });

  it('scores against a truth folder chosen in the dialog; a folder without truth files is refused and the choice stays', async () => {
    const good = mkdtempSync(join(tmpdir(), 'paliscope-truth-'));
    writeFileSync(join(good, 'a.txt'), 'Hello world');
    writeFileSync(join(good, 'a.html'), '<table><tr><td>a</td><td>c</td></tr></table>');
    writeFileSync(join(good, 'a.png'), 'not truth');
    const empty = mkdtempSync(join(tmpdir(), 'paliscope-truth-'));
    writeFileSync(join(empty, 'scan.png'), 'x');
    let next: string | null = good;
    const s = new EvaluateService({ store, pickFolder: async () => next });
    await expect(s.run({ truth: 'imported' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/no truth folder is chosen/) });
    expect(await s.chooseTruthFolder()).toEqual({ label: good, files: 2, kinds: { '.txt': 1, '.html': 1 }, notes: ['1 other file(s) are not truth files and are ignored'] });
    const r = await s.run({ truth: 'imported' });
    expect(r.truth).toBe(`files in ${good}`);
    const mean = (task: string, model: string, metric: string) => r.tasks.find((t) => t.task === task)!.models.find((m) => m.modelId === model)!.metrics.find((m) => m.metric === metric)!.mean;
    expect(mean('ocr', 'm2', 'cer')).toBeCloseTo(1 / 11, 12); // "Helo world" against "Hello world": 1 edit of 11
    expect(mean('table', 'm2', 'teds')).toBe(1); // the folder's table is m2's
    next = empty;
    await expect(s.chooseTruthFolder()).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/no truth file in this folder/) });
    expect(s.truthFolder()?.label).toBe(good);
    next = null;
    expect(await s.chooseTruthFolder()).toBeNull();
    expect(s.truthFolder()?.label).toBe(good);
    await expect(new EvaluateService({ store }).chooseTruthFolder()).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('an uploaded truth folder is written to a folder of its own, replaced by the next, removed at the end', async () => {
    const uploadDir = mkdtempSync(join(tmpdir(), 'paliscope-uploads-'));
    const s = new EvaluateService({ store, uploadDir });
    const info = await s.uploadTruthFolder({ folder: 'truth', files: [{ name: 'a.txt', bytes: bytes('Hello world') }] });
    expect(info).toEqual({ label: 'truth (uploaded)', files: 1, kinds: { '.txt': 1 }, notes: [] });
    expect((await s.run({ truth: 'imported', tasks: ['ocr'] })).tasks[0]!.models[0]!.metrics[0]).toMatchObject({ metric: 'cer', mean: 1 / 11 });
    const first = readdirSync(uploadDir);
    await s.uploadTruthFolder({ folder: 'again', files: [{ name: 'a.txt', bytes: bytes('Helo world') }] });
    expect(readdirSync(uploadDir)).toHaveLength(1);
    expect(readdirSync(uploadDir)).not.toEqual(first);
    await s.dispose();
    expect(readdirSync(uploadDir)).toEqual([]);
    expect(existsSync(uploadDir)).toBe(true);
  });

  it('the contract lets through only plain truth file names, no two alike, and the extensions are models/eval\'s', () => {
    expect([...TRUTH_FILE_EXTENSIONS]).toEqual([...TRUTH_EXTENSIONS]);
    const upload = (...names: string[]) => TruthFolderUpload.safeParse({ folder: 't', files: names.map((name) => ({ name, bytes: bytes('x') })) });
    expect(upload('a.txt', 'b.2.html', 'c.KRN').success).toBe(true);
    for (const bad of ['../a.txt', 'd/a.txt', 'd\\a.txt', '.hidden.txt', 'a.png', 'a\u0000.txt', '']) expect(upload(bad).success, bad).toBe(false);
    expect(upload('a.txt', 'a.txt').error?.issues[0]?.message).toBe('two files have the same name');
    expect(upload().error?.issues[0]?.message).toBe('the folder has no truth file');
  });
});
