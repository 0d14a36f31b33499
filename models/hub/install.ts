// One catalog model variant from the hub into the models folder: list the repository, pick the variant's files,
// download them (downloader.ts) with the catalog facts recorded in the folder's manifest.
import type { Dtype } from '../runtime/plan';
import { chooseVariant, installName, type CatalogEntry } from './catalog';
import { downloadModel, type DownloadOptions, type DownloadResult } from './downloader';
import { HubError } from './errors';
import type { HubClient } from './hub-client';
import { selectFiles } from './select-files';

export interface InstallOptions extends Omit<DownloadOptions, 'repo' | 'revision' | 'files' | 'name' | 'manifest' | 'client'> {
  client: HubClient;
  entry: CatalogEntry;
  dtype?: string;
}

export interface InstallResult extends DownloadResult { name: string; dtype: Dtype }

export async function installFromHub(o: InstallOptions): Promise<InstallResult> {
  const { entry } = o;
  if (entry.source.kind !== 'hub') throw new HubError('BAD_INPUT', `${entry.name} is bundled with Paliscope; there is nothing to download`);
  const variant = chooseVariant(entry, o.dtype);
  const { repo, revision, layout } = entry.source;
  const tree = await o.client.listFiles(repo, revision, o.control?.signal);
  const files = selectFiles(tree, layout, variant.dtype, repo);
  const name = installName(entry, variant.dtype);
  const result = await downloadModel({
    ...o, repo, revision, files, name,
    manifest: { catalogId: entry.id, dtype: variant.dtype, layout, tasks: entry.tasks, licence: entry.licence.name },
  });
  return { ...result, name, dtype: variant.dtype };
}
