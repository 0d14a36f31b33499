import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeInto } from '../store/merge';
import { Store } from '../store/store';
import { run } from './cli';
import { EXIT, isTransient } from './exit-codes';
import { readInputList } from './manifest';
import { chooseShard, pageInShard, parseShard, projectPathFor } from './shard';
import { batchFolder } from './testing/documents';
import { fakeRunner } from './testing/fake';

const sink = () => {
  const chunks: string[] = [];
  return { w: new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }), text: () => chunks.join('') };
};

describe('shards', () => {
  it('every page falls in exactly one shard, the same one every time, and the shards are near even', () => {
    const n = 4;
    const sizes = new Array<number>(n).fill(0);
    for (let d = 0; d < 500; d++) {
      const h = d.toString(16).padStart(64, '0');
      for (let p = 0; p < 20; p++) {
        const owners = [0, 1, 2, 3].filter((k) => pageInShard({ index: k, count: n }, h, p));
        expect(owners).toHaveLength(1);
        sizes[owners[0]!]!++;
      }
    }
    // 10,000 pages: each shard within 5 % of 2,500 (a binomial's σ is 43 pages).
    for (const s of sizes) expect(Math.abs(s - 2500)).toBeLessThan(125);
    // Fixed points, so a change of the rule (which would move pages between shards of a running job) fails here.
    expect([0, 1, 2, 3, 4, 5].map((p) => [0, 1, 2, 3].find((k) => pageInShard({ index: k, count: 4 }, 'ab'.repeat(32), p)))).toEqual([1, 1, 2, 3, 0, 3]);
  });

  it('--shard K/N, checked', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(() => parseShard('4/4')).toThrow('--shard 4/4: shard 4 does not exist in 4 shards (shards are numbered 0 to 3)');
    expect(() => parseShard('1/0')).toThrow('--shard 1/0: expected a positive whole number, got "0"');
    expect(() => parseShard('-1/4')).toThrow('expected a whole number ≥ 0, got "-1"');
    expect(() => parseShard('half')).toThrow('--shard half: expected K/N, e.g. 0/4');
  });

  it('takes the shard from the option, Slurm\'s array variables or a Kubernetes completion index, and says which', () => {
    expect(chooseShard({ shard: '1/3' }, { SLURM_ARRAY_TASK_ID: '2' })).toEqual({ shard: { index: 1, count: 3 }, reason: 'from --shard 1/3' });
    expect(chooseShard({}, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' }))
      .toEqual({ shard: { index: 3, count: 4 }, reason: 'from SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=4' });
    // --array=1-4: ids 1…4 are shards 0…3.
    expect(chooseShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' }).shard).toEqual({ index: 0, count: 4 });
    expect(chooseShard({ shards: '8' }, { SLURM_ARRAY_TASK_ID: '5' }).shard).toEqual({ index: 5, count: 8 });
    expect(() => chooseShard({}, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '12' }))
      .toThrow('the Slurm array has 4 tasks numbered 0 to 12: use a contiguous --array (e.g. --array=0-3)');
    expect(() => chooseShard({}, { SLURM_ARRAY_TASK_ID: '4' })).toThrow('give the shard count with --shards N');
    expect(() => chooseShard({ shards: '3' }, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow("--shards 3 disagrees with the Slurm array's 4 tasks");
    expect(chooseShard({ shards: '6' }, { JOB_COMPLETION_INDEX: '5' })).toEqual({ shard: { index: 5, count: 6 }, reason: 'from JOB_COMPLETION_INDEX=5 and --shards 6' });
    expect(() => chooseShard({}, { JOB_COMPLETION_INDEX: '5' })).toThrow('JOB_COMPLETION_INDEX=5 is set: give the Job\'s completion count with --shards N');
    expect(() => chooseShard({ shards: '6' }, { JOB_COMPLETION_INDEX: '6' })).toThrow('JOB_COMPLETION_INDEX=6: shard 6 does not exist in 6 shards');
    expect(() => chooseShard({ shards: '4' }, {})).toThrow('--shards 4 needs the shard index');
    expect(chooseShard({}, {}).shard).toBeNull();
    expect(projectPathFor('/out/out-{shard}.paliscope', { index: 3, count: 4 })).toBe('/out/out-3.paliscope');
    expect(() => projectPathFor('out-{shard}.paliscope', null)).toThrow('{shard} is only replaced when the batch is sharded');
  });

  it('tells transient failures (a busy or failing store, I/O errors) from bad inputs', () => {
    expect(isTransient(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isTransient(new Error('x.paliscope: held by another process', { cause: Object.assign(new Error('locked'), { code: 'SQLITE_BUSY_SNAPSHOT' }) }))).toBe(true);
    expect(isTransient(Object.assign(new Error('stale file handle'), { code: 'ESTALE' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(false);
    expect(isTransient(Object.assign(new Error('not a database'), { code: 'SQLITE_NOTADB' }))).toBe(false);
    expect(isTransient('text')).toBe(false);
  });
});

describe('--inputs-from', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'paliscope-list-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads one path per line, relative to the list, skipping blanks and comments', async () => {
    mkdirSync(join(dir, 'lists'));
    writeFileSync(join(dir, 'lists', 'l.txt'), '\uFEFF# scans of 1921\r\nscans/a.pdf\r\n\r\n  /abs/b.tif  \n# end\n');
    expect(await readInputList(join(dir, 'lists', 'l.txt'))).toEqual([join(dir, 'lists', 'scans', 'a.pdf'), '/abs/b.tif']);
  });

  it('names the list and the reason when it cannot be used', async () => {
    await expect(readInputList(join(dir, 'nope.txt'))).rejects.toThrow(`--inputs-from ${join(dir, 'nope.txt')}: no such file`);
    writeFileSync(join(dir, 'empty.txt'), '# nothing yet\n\n');
    await expect(readInputList(join(dir, 'empty.txt'))).rejects.toThrow('the list names no files');
    await expect(readInputList(dir)).rejects.toThrow(`--inputs-from ${dir}: not a file`);
  });
});

describe('paliscope batch --shard', () => {
  let dir: string, docs: Awaited<ReturnType<typeof batchFolder>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paliscope-shard-'));
    mkdirSync(join(dir, 'docs'));
    docs = await batchFolder(join(dir, 'docs'));
    writeFileSync(join(dir, 'list.txt'), `docs/letters.tiff\ndocs/note.png\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const deps = { createRunner: async () => fakeRunner({ runMs: 1 }) };

  it('splits a list into shards from the environment, prints which and why, and the merge equals one machine', async () => {
    const base = ['--inputs-from', join(dir, 'list.txt'), '--task', 'ocr-builtin'];
    const single = join(dir, 'single.paliscope');
    expect(await run([...base, '--project', single], { stdout: sink().w, stderr: sink().w }, deps, {})).toBe(EXIT.ok);
    const all = Store.open(join(dir, 'all.paliscope'));
    let pages = 0;
    for (let k = 0; k < 3; k++) {
      const out = sink(), err = sink();
      const env = { SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0' };
      expect(await run([...base, '--project', join(dir, 'out-{shard}.paliscope')], { stdout: out.w, stderr: err.w }, deps, env)).toBe(EXIT.ok);
      expect(err.text()).toContain(`paliscope batch: shard ${k}/3 from SLURM_ARRAY_TASK_ID=${k}, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=3\n`);
      const m = /(\d+) of \1 pages done|no pages fall in shard/.exec(out.text());
      expect(m).not.toBeNull();
      pages += m![1] ? Number(m![1]) : 0;
      await mergeInto(all, join(dir, `out-${k}.paliscope`));
    }
    expect(pages).toBe(4);
    const s = Store.open(single);
    const key = (st: Store) => st.results().map((r) => `${r.document.sha256}#${r.page.index} ${r.run.raw}`).sort();
    expect(key(all)).toEqual(key(s));
    expect(all.batches().map((b) => b.signature)).toEqual(s.batches().map((b) => b.signature));
    s.close();
    all.close();
  });

  it('exit 75 (transient) when the shard\'s project stays locked by another process; 2 on a bad shard', async () => {
    const p = join(dir, 'locked.paliscope');
    Store.open(p).close();
    const holder = new Database(p);
    holder.exec('BEGIN IMMEDIATE; CREATE TABLE hold (x);');
    try {
      const err = sink();
      expect(await run([docs.png, '--task', 'ocr-builtin', '--project', p, '--shard', '0/2'], { stdout: sink().w, stderr: err.w }, deps, {})).toBe(EXIT.transient);
      expect(err.text()).toMatch(/database is locked \(transient: exit 75, run it again\)/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const err = sink();
    expect(await run([docs.png, '--task', 'ocr-builtin', '--project', p], { stdout: sink().w, stderr: err.w }, deps, { JOB_COMPLETION_INDEX: '1' })).toBe(EXIT.usage);
    expect(err.text()).toContain('JOB_COMPLETION_INDEX=1 is set: give the Job\'s completion count with --shards N');
    const err2 = sink();
    expect(await run(['--inputs-from', join(dir, 'none.txt'), '--task', 'ocr-builtin'], { stdout: sink().w, stderr: err2.w }, deps, {})).toBe(EXIT.usage);
    expect(err2.text()).toContain('none.txt: no such file');
  }, 30_000);
});
