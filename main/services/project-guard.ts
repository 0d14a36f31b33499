// Opening a project file from someone else, with its work bounded: the probe (project-probe.ts) runs in a child
// process that is killed when it takes longer than the time limit, so no file can hang the app (or, remembered as
// the last project, hang it again at every start). The schema check is repeated in process when the file is
// opened for real (checkProjectSchema), since the file could change between the probe and the open.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppFailure } from '../ipc/dispatcher';
import type { ProbeReply, ProbeRequest } from './project-probe';

/** How long the probe of a project may take: reading a large project's schema, pages and counts takes well under it. */
export const PROBE_TIME_LIMIT_MS = 15_000;
/** How long the probe's process may take to start (a loaded machine, a cold disk) before it is given up on. */
const PROBE_START_LIMIT_MS = 60_000;

/** The probe's process: a Node child here, an Electron utilityProcess in the app (its Node fuse is off). */
export interface ProbeProcess {
  send(request: ProbeRequest): void;
  onMessage(listener: (reply: ProbeReply) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}
export type SpawnProbe = () => ProbeProcess;

/** The probe script: project-probe.js beside this module once bundled, the TypeScript source (through tsx) in tests. */
export function probeScript(dir = dirname(fileURLToPath(import.meta.url))): { entry: string; execArgv: string[] } {
  const built = join(dir, 'project-probe.js');
  return existsSync(built) ? { entry: built, execArgv: [] } : { entry: join(dir, 'project-probe.ts'), execArgv: ['--import', 'tsx'] };
}

/** Runs the probe as a Node child process (headless host, CLI, tests). */
export const nodeProbeSpawner: SpawnProbe = () => {
  const { entry, execArgv } = probeScript();
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
  return {
    send: (m) => void child.send(m),
    onMessage: (l) => void child.on('message', (m) => l(m as ProbeReply)),
    onExit: (l) => void child.on('exit', (code) => l(code)),
    kill: () => void child.kill('SIGKILL'),
  };
};

/**
 * Probes `path` (named `label` in messages) in a child process; rejects with the probe's reason, or — when it takes
 * longer than `timeLimitMs` — kills it and says the file took too long to read.
 */
export function probeProject(path: string, label: string, o: { nativeBinding?: string | undefined; timeLimitMs?: number; spawn?: SpawnProbe } = {}): Promise<void> {
  const limit = o.timeLimitMs ?? PROBE_TIME_LIMIT_MS;
  return new Promise<void>((resolve, reject) => {
    let child: ProbeProcess;
    try {
      child = (o.spawn ?? nodeProbeSpawner)();
    } catch (err) {
      reject(new AppFailure('INTERNAL', `${label} could not be checked: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    let settled = false;
    let timer: NodeJS.Timeout;
    const settle = (err: AppFailure | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill();
      if (err) reject(err);
      else resolve();
    };
    timer = setTimeout(() => settle(new AppFailure('INTERNAL', `${label} could not be checked: the check did not start`)), PROBE_START_LIMIT_MS);
    child.onMessage((reply) => {
      if ('started' in reply) {
        // The time limit runs from here, not while the runtime was loading the script.
        clearTimeout(timer);
        timer = setTimeout(() => {
          settle(new AppFailure('CORRUPT_FILE', `${label} took longer than ${(limit / 1000).toFixed(1)} s to read and was not opened (a damaged or hostile project?)`));
        }, limit);
        return;
      }
      settle(reply.ok ? null : new AppFailure(reply.code as never, reply.message));
    });
    child.onExit((code) => settle(new AppFailure('CORRUPT_FILE', `${label} could not be checked: the check stopped (exit code ${code})`)));
    child.send({ path, label, ...(o.nativeBinding ? { nativeBinding: o.nativeBinding } : {}) });
  });
}
