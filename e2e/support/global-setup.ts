// Before any spec: the generated documents every spec opens, and a note on why the Electron
// project will skip here (if it will).
import { join } from 'node:path';
import { makeFixtures } from '../fixtures/make-fixtures';
import { electronUnavailableReason } from './electron';

export const FIXTURE_DIR = join(import.meta.dirname, '../../.cache/fixtures');

export default async function globalSetup(): Promise<void> {
  await makeFixtures(FIXTURE_DIR);
  const reason = electronUnavailableReason();
  if (reason) console.log(`[e2e] the electron project's tests will be skipped: ${reason}`);
}
