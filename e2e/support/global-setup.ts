// Before any spec: the generated documents every spec opens, the tiny models folder, and a note on why the Electron
// project will skip here (if it will).
import { join } from 'node:path';
import { makeFixtures } from '../fixtures/make-fixtures';
import { electronUnavailableReason } from './electron';
import { prepareTinyModels } from './tiny-models';

export const FIXTURE_DIR = join(import.meta.dirname, '../../.cache/fixtures');
/** The models folder both hosts are started with (PALISCOPE_MODELS_DIR). */
export const MODELS_DIR = join(import.meta.dirname, '../../.cache/models');

export default async function globalSetup(): Promise<void> {
  await Promise.all([makeFixtures(FIXTURE_DIR), prepareTinyModels(MODELS_DIR)]);
  const reason = electronUnavailableReason();
  if (reason) console.log(`[e2e] the electron project's tests will be skipped: ${reason}`);
}
