// Exit codes of `paliscope batch` that a scheduler can act on. 75 is sysexits' EX_TEMPFAIL ("try again later"): the
// Slurm job script maps it to a requeue (RequeueExit=75, or `scontrol requeue`) and the Kubernetes Job's
// podFailurePolicy ignores it so the index's pod is started again; 2 (bad arguments) fails the whole Job at once,
// since retrying cannot help. The store keeps every page as it finishes, so a requeued task resumes where it stopped.
export const EXIT = {
  /** Every page of the batch (or shard) done. */
  ok: 0,
  /** Some input or page failed for good (named on stderr); `--retry-failed` runs the failed pages again. */
  failed: 1,
  /** Bad arguments, or a shard that cannot be worked out: nothing ran. */
  usage: 2,
  /** Transient: shared storage busy or failing, or the task was told to stop (SIGTERM: preemption, eviction). */
  transient: 75,
  /** Interrupted from the keyboard (Ctrl-C); run the same command again to resume. */
  interrupted: 130,
} as const;

// Errors that say "the storage or the machine is struggling", not "this input is bad": a lock held by another process
// past busy_timeout, I/O errors of a network file system, a full disk or too many open files.
const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL)/;
const TRANSIENT_ERRNO = new Set(['EIO', 'ESTALE', 'EAGAIN', 'EBUSY', 'ETIMEDOUT', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'ENOMEM', 'ENOLCK', 'EHOSTDOWN', 'ECONNRESET']);

/** True when the error, or one it was caused by, is worth retrying later on the same inputs. */
export function isTransient(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_SQLITE.test(code) || TRANSIENT_ERRNO.has(code))) return true;
  }
  return false;
}
