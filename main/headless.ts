// `npm run serve`: main's services without Electron, the UI served to a browser on 127.0.0.1.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { composeServices } from './compose';
import { nodeEngineSpawner } from './engine/spawn-node';
import { startHeadlessServer } from './host/server';
import { defaultUserDataDir } from './user-data';
import { openDocument } from '../models/documents';
import { APP_VERSION } from './version';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, allowPositionals: false });
  const port = values.port ? Number(values.port) : Number(process.env.PALISCOPE_PORT ?? 0);
  const services = composeServices({
    userDataDir: defaultUserDataDir(),
    spawnEngine: nodeEngineSpawner(join(here, 'engine-host.js')),
    openDocument,
    platform: { host: 'headless', version: APP_VERSION },
    log: console,
  });
  const server = await startHeadlessServer({ services, rendererDir: join(here, '../renderer'), port });
  // Tests and scripts read this exact line to find the URL.
  process.stdout.write(`Paliscope headless host: ${server.url}\n`);
  const stop = async (): Promise<void> => {
    await server.close();
    await services.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`Paliscope headless host could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
