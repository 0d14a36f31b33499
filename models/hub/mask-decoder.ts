// The segmentation mask decoder (big_vision's VQ-VAE weights, vae-oid.npz) fetched from the hub like a model file:
// staged, resumable, SHA-256 checked, then validated tensor by tensor and moved into the models folder, where segment
// runs look for it. It is published with the PaliGemma demo Space, so the repository is a Space, not a model.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadModel, type DownloadOptions, type DownloadResult } from './downloader';
import { HubError } from './errors';
import type { HubClient } from './hub-client';
import { importVae } from '../paligemma/tasks/mask/segment';

export const MASK_DECODER_SOURCE = { repo: 'spaces/big-vision/paligemma-hf', revision: 'main', path: 'vae-oid.npz' } as const;

/** Where the download is staged before it is checked and moved: a dot folder, so no model listing sees it. */
const DOWNLOAD_FOLDER = '.mask-decoder-download';

export interface MaskDecoderDownload extends Omit<DownloadOptions, 'client' | 'repo' | 'revision' | 'files' | 'name' | 'manifest'> {
  client: HubClient;
  source?: { repo: string; revision: string; path: string };
}

export async function downloadMaskDecoder(o: MaskDecoderDownload): Promise<DownloadResult & { location: string }> {
  const { repo, revision, path } = o.source ?? MASK_DECODER_SOURCE;
  const tree = await o.client.listFiles(repo, revision, o.control?.signal);
  const entry = tree.find((f) => f.path === path);
  if (!entry) throw new HubError('NOT_FOUND', `${repo}@${revision} has no ${path}; import the file you have instead`);
  const target = join(o.modelsDir, DOWNLOAD_FOLDER);
  // A download that finished but was never moved (the app was killed in between) is fetched again, not trusted.
  await rm(target, { recursive: true, force: true });
  const result = await downloadModel({ ...o, repo, revision, files: [entry], name: DOWNLOAD_FOLDER });
  try {
    return { ...result, location: importVae(join(target, path), o.modelsDir) };
  } catch (err) {
    throw new HubError('INVALID_MODEL', `${repo}/${path} downloaded but is not a usable mask decoder: ${(err as Error).message}`);
  } finally {
    await rm(target, { recursive: true, force: true });
  }
}
