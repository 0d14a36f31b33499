// `paliscope batch` and `paliscope export` end to end with the tiny random-weight model: a real child process is
// SIGKILLed mid-batch, the same command resumes it, and the exports are read back.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTinyModel, type TinyModel } from '../paligemma/test-fixture';
import { defaultOcrModelDir, MODEL_FILES } from '../ocr/model-dir';
import { run as exportRun } from '../store/export-cli';
import { Store } from '../store/store';
import { run } from './cli';
import { modelIdOf } from './model-ref';
import { batchFolder } from './testing/documents';
import { fakeRunner } from './testing/fake';

const CHILD = new URL('./testing/cli-child.ts', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

const sink = () => {
  const chunks: string[] = [];
  const w = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
  return { w, text: () => chunks.join('') };
};

let m: TinyModel, docs: Awaited<ReturnType<typeof batchFolder>>, dir: string;
beforeAll(async () => {
  m = await prepareTinyModel('paliscope');
  dir = join(m.root, 'work');
  mkdirSync(join(dir, 'docs'), { recursive: true });
  docs = await batchFolder(join(dir, 'docs'));
});
afterAll(() => m?.cleanup());

/** Runs `paliscope batch …` in a child; sends it `signal` (SIGKILL) the first time a stderr line matches `killOn`. */
function batchChild(args: string[], killOn?: RegExp, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'batch', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr += `${line}\n`;
      if (killOn?.test(line)) {
        killOn = undefined;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('paliscope batch', () => {
  it('is killed mid-batch, resumes with the same command, and exports what it kept', async () => {
    const project = join(dir, 'study.paliscope');
    const args = [docs.tiff, '--task', 'ocr', '--model', m.modelDir, '--project', project, '--max-new-tokens', '48', '--threads', '1', '-v'];
    const first = await batchChild(args, /letters\.tiff page 1: done/);
    expect(first.signal).toBe('SIGKILL');
    let s = Store.open(project);
    const batch = s.batches()[0]!;
    const mid = s.batchCounts(batch.id);
    expect(mid.total).toBe(3);
    expect(mid.done).toBeGreaterThanOrEqual(1);
    expect(mid.done).toBeLessThan(3);
    s.close();

    const second = await batchChild(args);
    expect(second.stderr).toContain(`resuming batch ${batch.id}`);
    expect(second.stderr).toMatch(new RegExp(`3 pages, ${3 - mid.done} to run`));
    expect(second.stdout).toMatch(/3 of 3 pages done, 0 failed/);
    expect(second.code).toBe(0);
    s = Store.open(project);
    expect(s.check()).toEqual([]);
    const results = s.results();
    expect(results.map((r) => r.page.index)).toEqual([0, 1, 2]);
    for (const r of results) {
      expect(r.run).toMatchObject({ task: 'ocr', prompt: 'ocr', modelId: modelIdOf(m.modelDir), modelName: 'model', status: 'done', provider: 'cpu', parameters: { maxNewTokens: 48 } });
      expect(r.run.logprobs).toHaveLength(48);
      expect(r.page).toMatchObject({ width: 300, height: 400 });
      // Stored as the app stores it: the parsed value carries its kind, the tokens their ids and texts.
      expect(r.run.parsed).toMatchObject({ kind: 'text', task: 'ocr', warnings: expect.any(Array) });
      expect((r.run.parsed as { text: string }).text.length).toBeGreaterThan(0);
      expect(r.run.tokens?.ids).toHaveLength(48);
      expect(r.run.tokens?.pieces).toHaveLength(48);
    }
    // Review: accept page 1, correct page 2, leave page 3.
    s.setReview(results[0]!.run.id, { status: 'accepted' });
    s.setReview(results[1]!.run.id, { status: 'corrected', value: { task: 'ocr', text: 'Dear Sir,\nwith news of the harvest' } });
    s.close();

    const out = join(dir, 'out');
    for (const format of ['jsonl', 'csv', 'txt']) {
      const o = sink(), e = sink();
      expect(await exportRun(['--project', project, '--format', format, '--out', out], { stdout: o.w, stderr: e.w })).toBe(0);
      expect(e.text()).toBe('');
    }
    const jsonl = readFileSync(join(out, 'study.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { page: number; review: { status: string } | null; value: { text: string } });
    expect(jsonl.map((j) => [j.page, j.review?.status ?? null])).toEqual([[1, 'accepted'], [2, 'corrected'], [3, null]]);
    expect(jsonl[1]!.value.text).toBe('Dear Sir,\nwith news of the harvest');
    const csv = readFileSync(join(out, 'study.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toBe('run,document,page,model,task,prompt,status,error,review,note,confidence,result,total_ms,provider');
    expect(readFileSync(join(out, 'letters.ocr.txt'), 'utf8').split('\n\f')[1]).toBe('Dear Sir,\nwith news of the harvest');

    const reviewedOut = join(dir, 'reviewed');
    expect(await exportRun(['--project', project, '--format', 'jsonl', '--only', 'reviewed', '--out', reviewedOut], { stdout: sink().w, stderr: sink().w })).toBe(0);
    expect(readFileSync(join(reviewedOut, 'study.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    s = Store.open(project);
    expect(s.exports().map((e) => [e.format, e.onlyReviewed, e.results])).toEqual([['jsonl', false, 3], ['csv', false, 3], ['txt', false, 3], ['jsonl', true, 2]]);
    s.close();
  }, 120_000);

  it('reports a bad file by name, runs the rest of the folder, and adds new files on a re-run', async () => {
    const project = join(dir, 'folder.paliscope');
    const out = sink(), err = sink();
    const deps = { createRunner: async () => fakeRunner({ runMs: 1 }) };
    const args = [join(dir, 'docs'), '--task', 'detect', '--prompt', 'stamp ; signature', '--model', m.modelDir, '--project', project];
    expect(await run(args, { stdout: out.w, stderr: err.w }, deps)).toBe(1);
    expect(err.text()).toContain(`${docs.bad}: the content is not a PNG`);
    expect(out.text()).toMatch(/4 of 4 pages done, 0 failed/);
    let s = Store.open(project);
    expect(s.batches()[0]).toMatchObject({ task: 'detect', prompt: 'detect stamp ; signature', status: 'done' });
    expect(s.documents().map((d) => d.path.split('/').pop())).toEqual(['letters.tiff', 'note.png']);
    s.close();
    // The same command again: nothing to run, and the bad file is still named.
    const err2 = sink();
    expect(await run(args, { stdout: sink().w, stderr: err2.w }, deps)).toBe(1);
    expect(err2.text()).toMatch(/resuming batch 1 .*: 4 pages, 0 to run/);
    expect(err2.text()).toContain(docs.bad);
    // A page added to the folder later joins the same batch; the pages done stay done. A copy of a known file is the
    // same document (its pages are not run again) and keeps the original's path.
    copyFileSync(docs.png, join(dir, 'docs', 'copy.png'));
    writeFileSync(join(dir, 'docs', 'later.png'), await sharp({ create: { width: 64, height: 64, channels: 3, background: '#102030' } }).png().toBuffer());
    const err3 = sink(), out3 = sink();
    expect(await run(args, { stdout: out3.w, stderr: err3.w }, deps)).toBe(1);
    expect(err3.text()).toMatch(/resuming batch 1 .*: 5 pages, 1 to run \(1 new\)/);
    expect(out3.text()).toMatch(/5 of 5 pages done/);
    s = Store.open(project);
    expect(s.results()).toHaveLength(5);
    expect(s.documents().map((d) => d.path.split('/').pop())).toEqual(['letters.tiff', 'note.png', 'later.png']);
    s.close();
    rmSync(join(dir, 'docs', 'later.png'));
    rmSync(join(dir, 'docs', 'copy.png'));
  }, 60_000);

  it('SIGTERM (a scheduler stopping the task) exits 75 and SIGINT 130, the page in progress back in the queue; the same command resumes', async () => {
    const project = join(dir, 'signals.paliscope');
    const args = [docs.tiff, '--task', 'ocr', '--model', m.modelDir, '--project', project, '--max-new-tokens', '48', '--threads', '1', '-v'];
    const counts = () => {
      const s = Store.open(project);
      const c = s.batchCounts(s.batches()[0]!.id);
      s.close();
      return c;
    };
    const termed = await batchChild(args, /letters\.tiff page 1: done/, 'SIGTERM');
    expect(termed.code).toBe(75);
    expect(termed.stderr).toContain('paliscope batch: stopped by SIGTERM; run the same command again to resume');
    const afterTerm = counts();
    expect(afterTerm).toMatchObject({ total: 3, running: 0 });
    expect(afterTerm.done).toBeGreaterThanOrEqual(1);
    expect(afterTerm.done).toBeLessThan(3);

    const interrupted = await batchChild(args, /resuming batch/, 'SIGINT');
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('paliscope batch: interrupted; run the same command again to resume');
    expect(counts()).toMatchObject({ running: 0 });

    const last = await batchChild(args);
    expect(last.code).toBe(0);
    expect(counts()).toMatchObject({ total: 3, done: 3, running: 0, failed: 0 });
  }, 120_000);

  it('ocr-builtin runs Paliscope\'s own OCR, no --model needed', async () => {
    const project = join(dir, 'builtin.paliscope');
    const out = sink(), err = sink();
    expect(await run([docs.png, '--task', 'ocr-builtin', '--project', project, '--threads', '1'], { stdout: out.w, stderr: err.w })).toBe(0);
    expect(out.text()).toMatch(/1 of 1 pages done/);
    const s = Store.open(project);
    const [r] = s.results();
    expect(r!.run).toMatchObject({ task: 'ocr-builtin', modelId: 'builtin-ppocr', prompt: '', provider: 'cpu', logprobs: null, status: 'done' });
    expect(r!.run.parsed).toMatchObject({ task: 'ocr-builtin', width: 200, height: 120, lines: [] });
    s.close();
  }, 60_000);

  it('ocr-builtin --recognizer reads with that folder\'s recognizer, names it, and keeps it apart from the built-in batch', async () => {
    const builtIn = defaultOcrModelDir({});
    const dictionary = readFileSync(join(builtIn, MODEL_FILES.dict), 'utf8');
    const folder = join(dir, 'capitals');
    mkdirSync(folder);
    symlinkSync(join(builtIn, MODEL_FILES.rec), join(folder, 'rec.onnx'));
    // The built-in model with every a–z entry spelt in capitals: a page read with it is told apart letter for letter.
    writeFileSync(join(folder, 'dict.txt'), dictionary.split('\n').map((l) => (/^[a-z]$/.test(l) ? l.toUpperCase() : l)).join('\n'));
    const page = join(dir, 'words.png');
    await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="520" height="90"><rect width="520" height="90" fill="white"/>' +
      '<text x="20" y="58" font-family="DejaVu Sans" font-size="34">Parish records 1786</text></svg>')).png().toFile(page);
    const project = join(dir, 'recognizer.paliscope');
    const read = async (extra: string[]) => {
      expect(await run([page, '--task', 'ocr-builtin', '--project', project, '--threads', '1', ...extra], { stdout: sink().w, stderr: sink().w })).toBe(0);
    };
    await read([]);
    await read(['--recognizer', folder]);
    const s = Store.open(project);
    const batches = [1, 2].map((id) => s.batch(id)!);
    expect(batches.map((b) => [b.modelName, b.parameters])).toEqual([['PP-OCRv4 (built-in)', {}], ['PP-OCRv4 (built-in) with the recognizer in capitals', { recognizer: folder }]]);
    const [plain, chosen] = batches.map((b) => s.run(s.batchItems(b.id)[0]!.runId!)!.raw);
    expect(plain).toMatch(/[a-z]{3}/);
    expect(chosen).toBe(plain!.toUpperCase());
    s.close();

    // A folder that is not a recognizer is refused by name before anything is queued or loaded.
    const err = sink();
    const empty = join(dir, 'no-recognizer');
    mkdirSync(empty);
    expect(await run([page, '--task', 'ocr-builtin', '--project', join(dir, 'refused.paliscope'), '--recognizer', empty], { stdout: sink().w, stderr: err.w })).toBe(1);
    expect(err.text()).toContain(`--recognizer: ${empty}: no .onnx file`);
    expect(readdirSync(dir)).not.toContain('refused.paliscope');
  }, 60_000);

  it('exit 2 with the reason on bad arguments', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no input files or folders/],
      [['x.png'], /--task is required/],
      [['x.png', '--task', 'poem'], /--task poem: expected one of caption, describe, answer, ocr, detect, segment, ocr-boxes, table, molecule, music, report, vsr, ocr-builtin/],
      [['x.png', '--task', 'detect', '--model', m.modelDir], /--task detect: Detect needs objects, e.g. table ; signature \(--prompt\)/],
      [['x.png', '--task', 'caption'], /--model is required/],
      [['x.png', '--task', 'caption', '--model', join(dir, 'nope')], /--model .*nope: no such folder, and no model of that name or id/],
      [['x.png', '--task', 'caption', '--model', m.modelDir, '--max-new-tokens', '0'], /--max-new-tokens 0: expected a positive integer/],
      [['x.png', '--task', 'ocr-builtin', '--prompt', 'x'], /--task ocr-builtin takes no --prompt/],
      [['x.png', '--task', 'caption', '--model', m.modelDir, '--vae', 'v.npz'], /--vae is for --task segment/],
      [['x.png', '--task', 'caption', '--model', m.modelDir, '--recognizer', 'r'], /--recognizer is for --task ocr-builtin/],
    ];
    for (const [args, re] of cases) {
      const err = sink();
      expect(await run(args, { stdout: sink().w, stderr: err.w })).toBe(2);
      expect(err.text()).toMatch(re);
    }
  });

  it('a missing input alone: named, nothing to run, exit 1', async () => {
    const err = sink();
    expect(await run([join(dir, 'missing.pdf'), '--task', 'ocr-builtin', '--project', join(dir, 'missing.paliscope')], { stdout: sink().w, stderr: err.w }, { createRunner: async () => fakeRunner({ runMs: 1 }) })).toBe(1);
    expect(err.text()).toContain('missing.pdf: no such file or folder');
    expect(err.text()).toContain('nothing to run');
    expect(readdirSync(dir)).toContain('missing.paliscope');
  });
});
