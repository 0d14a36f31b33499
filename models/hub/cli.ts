// `paliscope models list | download <catalog id | owner/name> [--dtype q4] [--keep-source] | import <dir> [--reference] |
//  remove <id|name>`. A Hugging Face checkpoint (Google's originals, anyone's fine-tune) is downloaded, then converted
// here; ready-made ONNX exports are downloaded as they are.
// Downloads go to --models-dir (default: the app's models folder, <user data>/models). The hub is HF_ENDPOINT (or
// PALISCOPE_HF_ENDPOINT, or --endpoint); a gated repository's token comes from HF_TOKEN, never from the command line
// (where it would stay in the shell's history). Ctrl-C pauses a download; the same command resumes it.
import { parseArgs } from 'node:util';
import { ProgressBar } from '../progress-bar';
import { chooseVariant, extraCatalogPaths, installName, loadCatalog, variantSize, type CatalogEntry } from './catalog';
import { DownloadControl, defaultFreeSpace, formatBytes, type DownloadProgress } from './downloader';
import { isHubError } from './errors';
import { HubClient, endpointFromEnv } from './hub-client';
import { installCheckpoint } from './checkpoint-install';
import { installFromHub, resolveInstallTarget, type InstallTarget } from './install';
import { downloadMaskDecoder } from './mask-decoder';
import { formatReport } from './local-import';
import { ModelStore, defaultModelsDir } from './store';

const USAGE = `usage: paliscope models list [--json]
       paliscope models download <catalog id | owner/name> [--dtype DTYPE] [--keep-source] [--concurrency N]
           a checkpoint (Google's originals, or any PaliGemma fine-tune on the hub) is downloaded, then converted here
           to --dtype q4 (default), int8, fp16 or fp32, and its downloaded shards deleted unless --keep-source;
           an ONNX export downloads the variant --dtype names (fp32|fp16|q8|int8|uint8|q4|q4f16|bnb4)
       paliscope models import <dir> [--reference] [--name NAME]
       paliscope models remove <id or name>
       paliscope models download-mask-decoder     (big_vision's vae-oid.npz, for segmentation masks)
common options: --models-dir DIR (default ${defaultModelsDir()}), --endpoint URL (default HF_ENDPOINT or
  https://huggingface.co), --catalog FILE (extra catalog entries; also PALISCOPE_MODEL_CATALOG).
A gated repository needs an access token in the environment variable HF_TOKEN.`;

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/** "12.3 MB / 2.1 GB · 8.4 MB/s · 4m10s left" — the same text the app shows. */
export function progressDetail(p: DownloadProgress): string {
  const parts = [`${formatBytes(p.doneBytes)} / ${formatBytes(p.totalBytes)}`];
  if (p.bytesPerSecond !== null) parts.push(`${formatBytes(p.bytesPerSecond)}/s`);
  if (p.etaSeconds !== null) parts.push(`${formatDuration(p.etaSeconds)} left`);
  return parts.join(' · ');
}

function catalogRow(e: CatalogEntry, installed: Set<string>): string {
  if (e.source.kind === 'bundled') return `  ${e.id.padEnd(28)} built in          ${e.tasks.join(', ')}`;
  const dtypes = e.variants.map((v) => {
    const size = variantSize(e, v);
    const known = size.knownBytes > 0 ? ` ${size.complete ? '' : '≥'}${formatBytes(size.knownBytes)}` : '';
    return `${installed.has(installName(e, v.dtype)) ? '*' : ''}${v.dtype}${known}`;
  });
  const flags = [e.gated ? 'gated (token)' : e.gated === null ? 'gating unknown' : null, e.source.confirmed ? null : 'repository unconfirmed'].filter(Boolean);
  return `  ${e.id.padEnd(28)} ${String(e.resolution ?? '-').padEnd(4)} px  ${e.tasks.join(', ')}\n` +
    `  ${' '.repeat(28)} ${e.source.repo}${flags.length ? ` (${flags.join('; ')})` : ''}\n  ${' '.repeat(28)} ${dtypes.join(', ')}`;
}

/** Download then convert, with a progress bar for each phase; Ctrl-C pauses, the same command resumes. */
async function downloadCheckpoint(target: Extract<InstallTarget, { kind: 'checkpoint' }>, client: HubClient, modelsDir: string, control: DownloadControl, opts: { concurrency?: number; keepSource: boolean }): Promise<number> {
  const label = target.entry?.id ?? target.repo;
  const downloadBar = new ProgressBar(process.stderr, `${label} download`);
  let convertBar = null as ProgressBar | null;
  let convertGraph = '';
  const t0 = Date.now();
  let tConvert = 0;
  try {
    const r = await installCheckpoint({
      client, repo: target.repo, revision: target.revision, modelsDir, name: target.name, dtype: target.dtype, control,
      catalog: target.entry ? { id: target.entry.id, tasks: target.entry.tasks, licence: target.entry.licence.name } : null,
      concurrency: opts.concurrency, keepSource: opts.keepSource,
      log: (m) => { downloadBar.clear(); convertBar?.clear(); process.stderr.write(`${m}\n`); },
      onProgress: (p) => {
        if (p.phase === 'download') return downloadBar.update(p.download.doneBytes, p.download.totalBytes, progressDetail(p.download));
        if (p.graph !== convertGraph) {
          downloadBar.clear();
          convertBar?.clear();
          tConvert ||= Date.now();
          convertGraph = p.graph;
          convertBar = new ProgressBar(process.stderr, `${label} convert ${p.graph} (${p.graphsDone + 1}/${p.graphsTotal})`);
        }
        convertBar!.update(p.done, p.total, target.dtype);
      },
    });
    downloadBar.clear();
    convertBar?.clear();
    const seconds = (Date.now() - t0) / 1000;
    process.stdout.write([
      `downloaded ${target.repo} at commit ${r.commit.slice(0, 12)} from ${client.endpoint}: ${formatBytes(r.downloadedBytes)}${r.resumedBytes ? ` (${formatBytes(r.resumedBytes)} resumed)` : ''}, every file matched the hub's checksum`,
      `converted to ${target.dtype} in Paliscope's layout${r.graphsResumed.length ? ` (${r.graphsResumed.join(', ')} kept from the interrupted attempt)` : ''}: ${formatBytes(r.outputBytes)} (estimated ${formatBytes(r.estimate.outputBytes)}); ${seconds.toFixed(0)} s in all${tConvert ? `, ${((Date.now() - tConvert) / 1000).toFixed(0)} s converting` : ''}`,
      `installed as ${r.location}`,
      r.keptSource ? `the downloaded checkpoint is kept in ${r.keptSource}` : 'the downloaded checkpoint was deleted (--keep-source keeps it)',
    ].join('\n') + '\n');
    return 0;
  } finally {
    downloadBar.clear();
    convertBar?.clear();
  }
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        dtype: { type: 'string' }, 'models-dir': { type: 'string' }, endpoint: { type: 'string' }, catalog: { type: 'string', multiple: true },
        concurrency: { type: 'string' }, 'keep-source': { type: 'boolean' }, reference: { type: 'boolean' }, name: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`paliscope models: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [action, arg] = positionals;
  if (v.help || !action) { (v.help ? process.stdout : process.stderr).write(USAGE + '\n'); return v.help ? 0 : 2; }

  const extra = process.env.PALISCOPE_MODELS_DIR ? [process.env.PALISCOPE_MODELS_DIR] : [];
  const store = new ModelStore(v['models-dir'] ?? defaultModelsDir(), v['models-dir'] ? [] : extra);
  try {
    const catalog = loadCatalog([...extraCatalogPaths(), ...(v.catalog ?? [])]);
    switch (action) {
      case 'list': {
        const models = store.list();
        if (v.json) {
          process.stdout.write(JSON.stringify({ folders: store.folders, installed: models, catalog }, null, 2) + '\n');
          return 0;
        }
        const out: string[] = [`Installed (${store.folders.join(', ')}):`];
        if (models.length === 0) out.push('  none');
        for (const m of models) {
          out.push(`  ${m.name.padEnd(36)} ${m.id}  ${(m.layout ?? '?').padEnd(14)} ${m.dtypes.join(',').padEnd(10)} ${String(m.resolution ?? '?').padStart(3)} px  ${formatBytes(m.bytes).padStart(8)}  ${m.source}`);
          if (m.problem) out.push(`    problem: ${m.problem}`);
        }
        const used = models.filter((m) => m.managed).reduce((a, m) => a + m.bytes, 0);
        const free = await defaultFreeSpace(store.primary).catch(() => null);
        out.push(`  ${formatBytes(used)} in ${store.primary}${free === null ? '' : ` · ${formatBytes(free)} free on that disk`}`);
        out.push('', 'Catalog (* = installed; sizes where published, ≥ when part is unknown):');
        const names = new Set(models.map((m) => m.name));
        for (const e of catalog) out.push(catalogRow(e, names));
        process.stdout.write(out.join('\n') + '\n');
        return 0;
      }
      case 'download': {
        if (!arg) { process.stderr.write(`paliscope models download: which model? e.g. ${catalog[0]?.id ?? 'an id from `paliscope models list`'}\n`); return 2; }
        const target = resolveInstallTarget(catalog, arg, v.dtype);
        const client = new HubClient({ endpoint: v.endpoint ?? endpointFromEnv(), token: process.env.HF_TOKEN || process.env.HUGGING_FACE_HUB_TOKEN || null });
        const concurrency = v.concurrency ? Number(v.concurrency) : undefined;
        if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 16)) throw new Error(`--concurrency "${v.concurrency}": expected 1 to 16`);
        const control = new DownloadControl();
        const onSigint = () => control.pause();
        process.once('SIGINT', onSigint);
        if (target.kind === 'checkpoint') {
          try {
            return await downloadCheckpoint(target, client, store.primary, control, { concurrency, keepSource: Boolean(v['keep-source']) });
          } finally {
            process.removeListener('SIGINT', onSigint);
          }
        }
        const { entry } = target;
        const variant = chooseVariant(entry, target.dtype);
        const bar = new ProgressBar(process.stderr, `${entry.id} ${variant.dtype}`);
        try {
          const r = await installFromHub({ client, entry, dtype: variant.dtype, modelsDir: store.primary, control, concurrency, onProgress: (p) => bar.update(p.doneBytes, p.totalBytes, progressDetail(p)) });
          bar.clear();
          process.stdout.write(`downloaded ${entry.id} (${r.dtype}, ${r.files} files, ${formatBytes(r.bytes)}${r.resumedBytes ? `, ${formatBytes(r.resumedBytes)} resumed` : ''}) from ${client.endpoint} to ${r.location}; every file matched the hub's checksum\n`);
          return 0;
        } finally {
          bar.clear();
          process.removeListener('SIGINT', onSigint);
        }
      }
      case 'download-mask-decoder': {
        const client = new HubClient({ endpoint: v.endpoint ?? endpointFromEnv(), token: process.env.HF_TOKEN || process.env.HUGGING_FACE_HUB_TOKEN || null });
        const control = new DownloadControl();
        const onSigint = () => control.pause();
        process.once('SIGINT', onSigint);
        const bar = new ProgressBar(process.stderr, 'vae-oid.npz');
        try {
          const r = await downloadMaskDecoder({ client, modelsDir: store.primary, control, onProgress: (p) => bar.update(p.doneBytes, p.totalBytes, progressDetail(p)) });
          bar.clear();
          process.stdout.write(`downloaded the mask decoder (${formatBytes(r.bytes)}) from ${client.endpoint}; checksum and tensors checked; installed as ${r.location}\n`);
          return 0;
        } finally {
          bar.clear();
          process.removeListener('SIGINT', onSigint);
        }
      }
      case 'import': {
        if (!arg) { process.stderr.write('paliscope models import: which folder?\n'); return 2; }
        const r = await store.import(arg, v.reference ? 'reference' : 'copy', v.name);
        process.stdout.write(`${formatReport(r.report)}\n${r.mode === 'copy' ? `copied to ${r.location}` : `using ${r.location} where it is`}\n`);
        return 0;
      }
      case 'remove': {
        if (!arg) { process.stderr.write('paliscope models remove: which model? (an id or name from `paliscope models list`)\n'); return 2; }
        const r = await store.remove(arg);
        process.stdout.write(r.deleted ? `deleted ${r.model.name} (${r.model.location}, ${formatBytes(r.model.bytes)} freed)\n` : `forgot ${r.model.location} (its files were left where they are)\n`);
        return 0;
      }
      default:
        process.stderr.write(`paliscope models: unknown action "${action}"\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    const code = isHubError(err) ? err.code : null;
    process.stderr.write(`paliscope models ${action}: ${(err as Error).message}\n`);
    return code === 'PAUSED' ? 130 : 1;
  }
}
