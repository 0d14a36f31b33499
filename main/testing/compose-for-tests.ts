// Main's services as the hosts build them, but from TypeScript source: the engine host runs
// through tsx and user data goes to a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices, type Services } from '../compose';
import { nodeEngineSpawner } from '../engine/spawn-node';
import { openDocument } from '../../models/documents';
import type { HostPlatform } from '../services/handlers';

/** Main's services over `userDataDir` (and extra model folders), the engine host run from source. */
export function composeTestServices(userDataDir: string, opts: { modelFolders?: string[]; platform?: Partial<HostPlatform> } = {}): Services {
  return composeServices({
    userDataDir,
    ...(opts.modelFolders ? { modelFolders: opts.modelFolders } : {}),
    spawnEngine: nodeEngineSpawner(join(import.meta.dirname, '../engine/host.ts'), { execArgv: ['--import', 'tsx'] }),
    openDocument,
    platform: { host: 'headless', version: '0.0.0-test', ...opts.platform },
    log: { warn: () => undefined, error: () => undefined },
  });
}

export function composeForTests(platform: Partial<HostPlatform> = {}): Services & { userDataDir: string; dispose(): Promise<void> } {
  const userDataDir = mkdtempSync(join(tmpdir(), 'paliscope-test-'));
  const services = composeTestServices(userDataDir, { platform });
  return {
    ...services,
    userDataDir,
    dispose: async () => {
      await services.shutdown();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
