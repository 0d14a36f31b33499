// Before any spec: the generated documents every spec opens, the tiny models folder, and a note on why the Electron
// project will skip here (if it will).
import { join } from 'node:path';
import { makeFixtures } from '../fixtures/make-fixtures';
import { electronUnavailableReason } from './electron';
import { prepareTinyModels } from './tiny-models';
import { writeRandomVae } from '../../models/paligemma/tasks/mask/fixture';
import { VAE_FILE_NAME } from '../../models/paligemma/tasks/mask/segment';

export const FIXTURE_DIR = join(import.meta.dirname, '../../.cache/fixtures');
/** The models folder both hosts are started with (PALISCOPE_MODELS_DIR). */
export const MODELS_DIR = join(import.meta.dirname, '../../.cache/models');

export default async function globalSetup(): Promise<void> {
  await Promise.all([makeFixtures(FIXTURE_DIR), prepareTinyModels(MODELS_DIR)]);
  // A random-weight mask decoder where the app looks for vae-oid.npz, so segment runs draw masks.
  writeRandomVae(join(MODELS_DIR, VAE_FILE_NAME), { seed: 1 });
  const reason = electronUnavailableReason();
  if (reason) console.log(`[e2e] the electron project's tests will be skipped: ${reason}`);
}
