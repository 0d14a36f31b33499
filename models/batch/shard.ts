// Splitting a batch across the tasks of a scheduler's job array (Slurm arrays, Kubernetes Indexed Jobs). A page
// belongs to shard hash(document sha256, page index) mod N: the same page lands in the same shard on every machine and
// in every run, whatever the order of the input list, so re-running a failed shard resumes exactly its pages. A pure
// hash keeps a page's shard independent of the other pages (adding files never moves pages between shards); the price
// is a statistical balance (a few % for thousands of pages, lumpier for a dozen).
import { createHash } from 'node:crypto';

export interface Shard {
  /** 0-based: 0 … count-1 (the schedulers' indices are 0-based too). */
  index: number;
  count: number;
}

export interface ShardChoice {
  shard: Shard | null;
  /** Why this shard, in one line: the option or the environment variables it came from. */
  reason: string;
}

/** True when the page (document content hash, 0-based page index) belongs to the shard. */
export function pageInShard(shard: Shard, sha256: string, pageIndex: number): boolean {
  if (shard.count === 1) return true;
  const h = createHash('sha256').update(`${sha256}:${pageIndex}`).digest();
  // 48 bits of the hash: exact in a double, and any bias of the modulo is far below a page in a million.
  return h.readUIntBE(0, 6) % shard.count === shard.index;
}

function count(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${what}: expected a positive whole number, got "${text}"`);
  return n;
}

function index(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new Error(`${what}: expected a whole number ≥ 0, got "${text}"`);
  return n;
}

function checked(shard: Shard, what: string): Shard {
  if (shard.index >= shard.count) throw new Error(`${what}: shard ${shard.index} does not exist in ${shard.count} shards (shards are numbered 0 to ${shard.count - 1})`);
  return shard;
}

/** Parses `--shard K/N` (K from 0 to N-1). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\S+)\s*\/\s*(\S+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard ${text}: expected K/N, e.g. 0/4 (K from 0 to N-1)`);
  return checked({ index: index(m[1]!, `--shard ${text}`), count: count(m[2]!, `--shard ${text}`) }, `--shard ${text}`);
}

/**
 * The shard to run: `--shard K/N` when given; otherwise a Slurm array task (SLURM_ARRAY_TASK_ID, counted by
 * SLURM_ARRAY_TASK_COUNT or MIN/MAX, or by `--shards N`), or a Kubernetes Indexed Job's pod (JOB_COMPLETION_INDEX with
 * `--shards N`, since Kubernetes does not tell a pod the completion count); otherwise the whole batch. Throws on a
 * contradiction or an array the shards cannot be numbered from (a stepped or listed --array).
 */
export function chooseShard(opts: { shard?: string; shards?: string }, env: NodeJS.ProcessEnv): ShardChoice {
  const shards = opts.shards === undefined ? undefined : count(opts.shards, `--shards ${opts.shards}`);
  if (opts.shard !== undefined) {
    const shard = parseShard(opts.shard);
    if (shards !== undefined && shards !== shard.count) throw new Error(`--shard ${opts.shard} and --shards ${shards} disagree on the number of shards`);
    return { shard, reason: `from --shard ${opts.shard}` };
  }
  const slurmId = env.SLURM_ARRAY_TASK_ID;
  if (slurmId !== undefined && slurmId !== '') {
    const id = index(slurmId, 'SLURM_ARRAY_TASK_ID');
    const min = env.SLURM_ARRAY_TASK_MIN ? index(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0;
    const max = env.SLURM_ARRAY_TASK_MAX ? index(env.SLURM_ARRAY_TASK_MAX, 'SLURM_ARRAY_TASK_MAX') : undefined;
    const slurmCount = env.SLURM_ARRAY_TASK_COUNT ? count(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT') : undefined;
    const span = max !== undefined ? max - min + 1 : undefined;
    // --array=0-15:4 or --array=1,5,9 number tasks with gaps: task ids minus MIN are then not 0 … N-1.
    if (slurmCount !== undefined && span !== undefined && slurmCount !== span) {
      throw new Error(`the Slurm array has ${slurmCount} tasks numbered ${min} to ${max}: use a contiguous --array (e.g. --array=0-${slurmCount - 1}) so each task is one shard`);
    }
    const n = slurmCount ?? span ?? shards;
    if (n === undefined) throw new Error('SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is: give the shard count with --shards N');
    if (shards !== undefined && shards !== n) throw new Error(`--shards ${shards} disagrees with the Slurm array's ${n} tasks`);
    const vars = [`SLURM_ARRAY_TASK_ID=${id}`, `SLURM_ARRAY_TASK_MIN=${min}`];
    if (slurmCount !== undefined) vars.push(`SLURM_ARRAY_TASK_COUNT=${slurmCount}`);
    else if (max !== undefined) vars.push(`SLURM_ARRAY_TASK_MAX=${max}`);
    else vars.push(`--shards ${shards}`);
    return { shard: checked({ index: id - min, count: n }, 'the Slurm array task'), reason: `from ${vars.join(', ')}` };
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined && k8s !== '') {
    const id = index(k8s, 'JOB_COMPLETION_INDEX');
    if (shards === undefined) throw new Error(`JOB_COMPLETION_INDEX=${k8s} is set: give the Job's completion count with --shards N`);
    return { shard: checked({ index: id, count: shards }, `JOB_COMPLETION_INDEX=${k8s}`), reason: `from JOB_COMPLETION_INDEX=${id} and --shards ${shards}` };
  }
  if (shards !== undefined && shards > 1) throw new Error(`--shards ${shards} needs the shard index: --shard K/${shards}, or run as a Slurm array task or a Kubernetes Indexed Job`);
  return { shard: null, reason: 'no --shard and no array task in the environment: the whole batch' };
}

/** The shard's project file name: `{shard}` in the path becomes the shard index (one file per array task). */
export function projectPathFor(path: string, shard: Shard | null): string {
  if (!path.includes('{shard}')) return path;
  if (!shard) throw new Error(`--project ${path}: {shard} is only replaced when the batch is sharded`);
  return path.replaceAll('{shard}', String(shard.index));
}
