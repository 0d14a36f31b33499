// One model from the hub into the models folder. A catalog entry with ready-made ONNX graphs: list the repository, pick
// the variant's files and download them (downloader.ts) with the catalog facts in the folder's manifest. A Hugging Face
// checkpoint (a catalog entry in the safetensors layout, or any repository named owner/name): download and convert it
// here (checkpoint-install.ts).
import type { Dtype } from '../runtime/plan';
import { CONVERT_DTYPES, chooseVariant, findEntry, installName, isCheckpointEntry, type CatalogEntry } from './catalog';
import { checkpointInstallName } from './checkpoint-install';
import type { ConvertDtype } from './conversion-estimate';
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
  const { repo, revision, layout } = entry.source;
  if (layout === 'safetensors') throw new HubError('BAD_INPUT', `${entry.id} is a checkpoint that is converted on this machine; install it with installCheckpoint`);
  const variant = chooseVariant(entry, o.dtype);
  const tree = await o.client.listFiles(repo, revision, o.control?.signal);
  const files = selectFiles(tree, layout, variant.dtype, repo);
  const name = installName(entry, variant.dtype);
  const result = await downloadModel({
    ...o, repo, revision, files, name,
    manifest: { catalogId: entry.id, dtype: variant.dtype, layout, tasks: entry.tasks, licence: entry.licence.name },
  });
  return { ...result, name, dtype: variant.dtype };
}

/** What `download <catalog id | owner/name>` means: a catalog entry, or any hub repository holding a checkpoint. */
export type InstallTarget =
  | { kind: 'onnx'; entry: CatalogEntry; dtype: Dtype; name: string }
  | { kind: 'checkpoint'; entry: CatalogEntry | null; repo: string; revision: string; dtype: ConvertDtype; name: string };

const REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;

export function resolveInstallTarget(catalog: readonly CatalogEntry[], what: string, dtype?: string): InstallTarget {
  const known = catalog.find((e) => e.id === what || (e.source.kind === 'hub' && e.source.repo === what));
  if (!known && REPO_ID.test(what) && !what.includes('..')) {
    const d = dtype ?? 'q4';
    if (!(CONVERT_DTYPES as readonly string[]).includes(d)) throw new HubError('BAD_INPUT', `${what} is converted on this machine, to one of ${CONVERT_DTYPES.join(', ')}; "${d}" is not one of them`);
    return { kind: 'checkpoint', entry: null, repo: what, revision: 'main', dtype: d as ConvertDtype, name: checkpointInstallName(what, d) };
  }
  const entry = known ?? findEntry(catalog, what);
  const variant = chooseVariant(entry, dtype);
  if (isCheckpointEntry(entry) && entry.source.kind === 'hub') {
    return { kind: 'checkpoint', entry, repo: entry.source.repo, revision: entry.source.revision, dtype: variant.dtype as ConvertDtype, name: installName(entry, variant.dtype) };
  }
  return { kind: 'onnx', entry, dtype: variant.dtype, name: installName(entry, variant.dtype) };
}
