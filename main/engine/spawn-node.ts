// The engine host as a Node child process: used by the headless host, the CLI and the tests.
// `serialization: 'advanced'` lets page pixels cross as typed arrays instead of JSON.
import { fork } from 'node:child_process';
import type { EngineProcess, SpawnEngine } from './client';

export function nodeEngineSpawner(entry: string, opts: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}): SpawnEngine {
  return (): EngineProcess => {
    const child = fork(entry, [], {
      serialization: 'advanced',
      execArgv: opts.execArgv ?? [],
      env: opts.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return {
      get pid() {
        return child.pid;
      },
      // A write to a host that is being killed fails with EPIPE; its exit is what reports it.
      postMessage: (m) => {
        if (child.connected) child.send(m, (err) => void err);
      },
      onMessage: (l) => void child.on('message', (m) => l(m)),
      onExit: (l) => void child.on('exit', (code) => l(code)),
      kill: () => void child.kill(),
    };
  };
}
