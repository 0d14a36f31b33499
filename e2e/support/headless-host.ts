// Starts the built headless host (out/main/headless.js) as a real process with its own temporary
// user-data folder, and waits for the line that prints its URL — an app event, not a sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS_DIR } from './global-setup';

export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  /** The user-data folder it runs on (a temporary one unless the caller gave its own). */
  userData: string;
  stop(): Promise<void>;
  /** Kills it with SIGKILL, as a crash would (no shutdown code runs); the user-data folder is left as it is. */
  kill(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '../..');

/**
 * `modelsDir`: the PALISCOPE_MODELS_DIR to start with (default: the tiny models global setup made); `env`: more
 * variables, e.g. PALISCOPE_HF_ENDPOINT and PALISCOPE_MODEL_CATALOG pointing at an imitation hub; `userDataDir`: run on
 * this folder (kept by stop(), so a second host can start on it after a kill) instead of a temporary one.
 */
export async function startHeadlessHost(opts: { modelsDir?: string; env?: Record<string, string>; userDataDir?: string } = {}): Promise<RunningHost> {
  const userData = opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'paliscope-e2e-'));
  const child = spawn(process.execPath, [join(ROOT, 'out/main/headless.js')], {
    env: { ...process.env, PALISCOPE_USER_DATA: userData, PALISCOPE_MODELS_DIR: opts.modelsDir ?? MODELS_DIR, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      log += d.toString();
      const m = /Paliscope headless host: (\S+)/.exec(log);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.once('exit', (code) => reject(new Error(`headless host exited with ${code} before printing its URL:\n${log}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    process: child,
    userData,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!opts.userDataDir) rmSync(userData, { recursive: true, force: true });
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
