// The Slurm job script on a real one-node Slurm cluster (Debian's slurmctld, slurmd and munge, started here and
// stopped by PID): two 4-task arrays over 12 pages — the built-in OCR and the tiny random-weight PaliGemma — one
// task failing transiently (its project file is held locked by another process, as on busy shared storage) and
// requeued by Slurm, completion watched through the per-task exit files, then `paliscope merge` twice, and the merged
// project compared with the same batches run on one machine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTinyModel, type TinyModel } from '../../models/paligemma/test-fixture';
import { Store } from '../../models/store/store';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'paliscope.js');
const JOB = join(ROOT, 'deploy', 'slurm', 'paliscope-array.sh');
const CLUSTER = join(ROOT, 'deploy', 'slurm', 'local-cluster.sh');
const onPath = (b: string) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0;

function whySkip(): string | null {
  if (process.platform !== 'linux') return 'Slurm runs on Linux only';
  const missing = ['slurmctld', 'slurmd', 'sbatch', 'scontrol', 'munged'].filter((b) => !onPath(b));
  if (missing.length) return `${missing.join(', ')} not installed (apt-get install slurmctld slurmd slurm-client munge; .ci/run does)`;
  if (process.getuid?.() !== 0) return 'needs root to start munged and slurmd';
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) return 'the CLI is not built (npm run build)';
  return null;
}
const skip = whySkip();
if (skip) console.log(`deploy/slurm/slurm.test.ts skipped: ${skip}`);

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv, timeout = 60_000) => {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Twelve pages with words on them: two 3-page TIFFs and six PNGs. */
async function writePages(dir: string): Promise<string[]> {
  const page = (words: string) => sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="360" height="96">
    <rect width="100%" height="100%" fill="#fff"/><text x="12" y="56" font-family="DejaVu Sans" font-size="26">${words}</text></svg>`)).png().toBuffer();
  const files: string[] = [];
  for (const [t, name] of ['letters', 'ledger'].entries()) {
    const pages = await Promise.all([0, 1, 2].map((i) => page(`${name} page ${i + 1} year 19${20 + t}`)));
    const f = join(dir, `${name}.tiff`);
    writeFileSync(f, await sharp(pages, { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer());
    files.push(f);
  }
  for (let i = 0; i < 6; i++) {
    const f = join(dir, `note-${i}.png`);
    writeFileSync(f, await page(`Note ${i}: ${['rye', 'oats', 'barley', 'wheat', 'hops', 'flax'][i]} sold`));
    files.push(f);
  }
  return files;
}

/** The built-in OCR's parsed page carries its own timings, which differ from run to run. */
const withoutTimings = (parsed: unknown) => {
  if (!parsed || typeof parsed !== 'object') return parsed;
  const { timings: _, ...rest } = parsed as Record<string, unknown>;
  return rest;
};

/** Pages, one run each and their outputs, per batch: what must be the same in the merged and the one-machine project. */
function contents(path: string) {
  const s = Store.open(path, { readonly: true });
  try {
    return s.batches().map((b) => {
      const items = s.batchItems(b.id);
      const runs = s.results({ batchId: b.id });
      return {
        task: b.task, signature: b.signature, status: b.status,
        items: items.map((i) => `${s.document(i.documentId)!.sha256}#${i.page} ${i.status}`).sort(),
        runs: runs.map((r) => JSON.stringify([r.document.sha256, r.page.index, r.page.width, r.page.height, r.run.status, r.run.raw, withoutTimings(r.run.parsed), r.run.modelId, r.run.prompt, r.run.parameters])).sort(),
        runsPerPage: new Set(runs.map((r) => `${r.document.sha256}#${r.page.index}`)).size === runs.length,
      };
    }).sort((a, b) => a.task.localeCompare(b.task));
  } finally {
    s.close();
  }
}

describe.skipIf(skip)('the Slurm array script on a real one-node cluster', () => {
  let dir: string, env: NodeJS.ProcessEnv, model: TinyModel;
  const jobs: string[] = [];
  let pids: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paliscope-slurm-'));
    mkdirSync(join(dir, 'docs'));
    mkdirSync(join(dir, 'logs'));
    const files = await writePages(join(dir, 'docs'));
    writeFileSync(join(dir, 'list.txt'), `# the scans\n${files.map((f) => f.replace(`${dir}/`, '')).join('\n')}\n`);
    model = await prepareTinyModel('paliscope');
    env = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', SLURM_CONF: join(dir, 'slurm', 'etc', 'slurm.conf'), PALISCOPE: `${process.execPath} ${CLI}` };
    const up = run('bash', [CLUSTER, 'up', join(dir, 'slurm')], env);
    pids = readdirSync(join(dir, 'slurm', 'run')).filter((f) => f.endsWith('.pid')).map((f) => Number(readFileSync(join(dir, 'slurm', 'run', f), 'utf8')));
    if (up.code !== 0) throw new Error(`the local Slurm cluster did not start:\n${up.out}\n${up.err}`);
  }, 90_000);

  afterAll(() => {
    if (!dir) return;
    if (jobs.length) run('scancel', jobs, env);
    run('bash', [CLUSTER, 'down', join(dir, 'slurm')], env);
    model?.cleanup();
    const alive = pids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
    rmSync(dir, { recursive: true, force: true });
    if (alive.length) throw new Error(`daemons still running after local-cluster.sh down: ${alive.join(', ')}`);
  }, 30_000);

  it('runs 4 shards of two batches, requeues a transient failure, and merges into what one machine makes', async () => {
    const t0 = performance.now();
    const outOcr = join(dir, 'out-builtin');
    const outTiny = join(dir, 'out-tiny');
    // The transient failure: shard 1's project is held locked by another process past paliscope's 5 s busy timeout.
    mkdirSync(outOcr);
    const locked = join(outOcr, 'out-1.paliscope');
    Store.open(locked).close();
    const holder = new Database(locked);
    holder.exec('BEGIN IMMEDIATE; CREATE TABLE held (x);');
    let held = true;
    try {
      const submit = (out: string, name: string, args: string[]) => {
        const r = run('sbatch', ['--parsable', '--array=0-3', '--cpus-per-task=1', `--job-name=${name}`, `--chdir=${dir}`, `--output=${join(dir, 'logs', `${name}-%a.log`)}`, JOB, out, '--inputs-from', join(dir, 'list.txt'), ...args], env);
        expect(r.code, r.err).toBe(0);
        const id = r.out.trim().split(';')[0]!;
        jobs.push(id);
        return id;
      };
      const ocrJob = submit(outOcr, 'builtin', ['--task', 'ocr-builtin']);
      submit(outTiny, 'tiny', ['--task', 'ocr', '--model', model.modelDir, '--max-new-tokens', '8']);

      // The same batches on one machine, while the cluster works.
      const ref = join(dir, 'one-machine.paliscope');
      const single = (args: string[]) => new Promise<number | null>((resolve) => {
        const c = spawn(process.execPath, [CLI, 'batch', '--inputs-from', join(dir, 'list.txt'), '--threads', '1', '--project', ref, ...args], { env, stdio: 'ignore' });
        c.on('close', resolve);
      });
      expect(await single(['--task', 'ocr-builtin'])).toBe(0);
      expect(await single(['--task', 'ocr', '--model', model.modelDir, '--max-new-tokens', '8'])).toBe(0);

      // Poll the tasks' exit files (sbatch --wait's own polling is slow, and a finished task's code can be lost).
      const exitOf = (out: string, task: number, attempt: number) => {
        const f = join(out, 'tasks', `${task}.${attempt}.exit`);
        return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : undefined;
      };
      const finished = (out: string) => [0, 1, 2, 3].every((t) => [0, 1, 2, 3].some((a) => { const c = exitOf(out, t, a); return c !== undefined && c !== 75; }));
      const deadline = Date.now() + 120_000;
      while (!(finished(outOcr) && finished(outTiny))) {
        if (held && exitOf(outOcr, 1, 0) !== undefined) { holder.exec('ROLLBACK'); held = false; }
        if (Date.now() > deadline) {
          const logs = readdirSync(join(dir, 'logs')).map((f) => `--- ${f}\n${readFileSync(join(dir, 'logs', f), 'utf8')}`).join('\n');
          throw new Error(`the arrays did not finish in 120 s\n${run('squeue', [], env).out}\n${logs}`);
        }
        await sleep(500);
      }
      // Task 1 failed transiently (75) on its first attempt, Slurm requeued it, and the second attempt finished.
      expect(exitOf(outOcr, 1, 0)).toBe(75);
      expect(exitOf(outOcr, 1, 1)).toBe(0);
      expect(readFileSync(join(dir, 'logs', 'builtin-1.log'), 'utf8')).toMatch(/database is locked \(transient: exit 75, run it again\)/);
      expect(run('scontrol', ['show', 'job', `${ocrJob}_1`], env).out).toMatch(/Restarts=1\b/);
      for (const out of [outOcr, outTiny]) for (const t of [0, 2, 3]) expect(exitOf(out, t, 0)).toBe(0);
      expect(exitOf(outTiny, 1, 0)).toBe(0);
      for (const t of [0, 1, 2, 3]) expect(readFileSync(join(dir, 'logs', `tiny-${t}.log`), 'utf8')).toContain(`shard ${t}/4 from SLURM_ARRAY_TASK_ID=${t}, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=4`);

      const shards = [outOcr, outTiny].flatMap((o) => [0, 1, 2, 3].map((t) => join(o, `out-${t}.paliscope`)));
      const status = run(process.execPath, [CLI, 'status', ...shards], env);
      expect(status.out).toContain('total (8 files): 24 of 24 pages done, 0 failed, 0 running, 0 left');
      expect(status.code).toBe(0);
      const all = join(dir, 'all.paliscope');
      const first = run(process.execPath, [CLI, 'merge', ...shards, '--into', all], env);
      expect(first.code, first.err).toBe(0);
      expect(first.out).toMatch(/merged 8 files into .* 24 runs added, 0 already there/);
      const again = run(process.execPath, [CLI, 'merge', ...shards, '--into', all], env);
      expect(again.out).toMatch(/0 runs added, 24 already there/);

      const merged = contents(all);
      expect(merged.map((b) => [b.task, b.items.length, b.runs.length, b.status, b.runsPerPage])).toEqual([['ocr', 12, 12, 'done', true], ['ocr-builtin', 12, 12, 'done', true]]);
      expect(merged).toEqual(contents(ref));
      // The built-in OCR read the words on the pages.
      expect(merged[1]!.runs.join('\n')).toContain('barley');
      console.log(`slurm test: 2 arrays × 4 tasks over 12 pages, one requeue, merged, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      if (held) holder.exec('ROLLBACK');
      holder.close();
    }
  }, 180_000);
});
