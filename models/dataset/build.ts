// Reviewed results of a project → a PaliGemma fine-tuning dataset (README.md beside this file has the layout).
//
// One example per accepted or corrected result: the image the model saw (the page, or its region), the prompt it was
// asked (the prefix) and the reviewed value written back in PaliGemma's output format (the suffix). Documents are
// checked against their content hash before a page is rendered, so a file changed since the run never lends its
// pages to another document's results. Everything is written into a sibling folder first and moved into place at
// the end: an interrupted export leaves no half-written dataset under the asked name.
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import sharp from 'sharp';
import { PageSource } from '../batch/page-source';
import type { RawImage } from '../documents';
import { fileIdentity } from '../store/hash';
import type { Store } from '../store/store';
import type { ResultRow } from '../store/types';
import { SerializeError } from '../paligemma/tasks/serialize';
import { maskDecoderFor } from '../paligemma/tasks/mask/segment';
import { loadVaeEncoderWeights } from '../paligemma/tasks/mask/vae-encoder-weights';
import { datasetCard } from './card';
import { ExampleLine, MetadataLine, jsonSchemas } from './schema';
import { SPLITS, assignSplits, type Split, type SplitRatios } from './split';
import { makeSuffix, type Region, type SegmentCodec } from './suffix';
import { DATASET_TASKS, ValueError, isDatasetTask, taskValue, valueInForce, type DatasetTask } from './values';

export const RESOLUTIONS = [224, 448, 896] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
export type ReviewKind = 'accepted' | 'corrected';

export interface DatasetOptions {
  store: Store;
  /** Shown in the dataset card. */
  projectName: string;
  outDir: string;
  tasks?: readonly DatasetTask[];
  split?: SplitRatios;
  only?: readonly ReviewKind[];
  /** Images squashed to this square, as the model sees them; absent: kept at their own size. */
  resolution?: Resolution | null;
  seed?: number;
  /** vae-oid.npz, for segmentation examples. */
  vaePath?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: DatasetProgress) => void;
  /**
   * Documents already open by their content hash (the app's open documents, which may have come as bytes and have no
   * file); a document not found here is opened from its stored path after its hash is checked.
   */
  openDocument?: (sha256: string) => Promise<OpenPages | null>;
  /**
   * Why a document path from the project may not be read, or null. A project file may come from someone else, so a
   * path is never followed blindly: the app passes its own guard; the default refuses relative, network (UNC) and
   * device paths.
   */
  unreadablePath?: (path: string) => string | null;
}

/** The default path guard: absolute local paths only (a UNC path would make Windows send credentials to a server). */
export function defaultUnreadablePath(path: string): string | null {
  if (/^[\\/]{2}/.test(path)) return 'it is a network or device path';
  if (!isAbsolute(path)) return 'it is not an absolute path';
  if (/^\/(dev|proc|sys)(\/|$)/.test(path)) return 'it is a device or system path';
  return null;
}

/** What the builder needs of an open document: its pages' pixels. */
export interface OpenPages {
  renderPage(index: number, opts?: { signal?: AbortSignal }): Promise<RawImage>;
}

export interface DatasetProgress {
  stage: 'reading' | 'images' | 'writing' | 'done';
  done: number;
  total: number;
}

export interface Skipped { runId: number; task: string; reason: string }

export interface DatasetSummary {
  outDir: string;
  examples: number;
  images: number;
  counts: Record<string, Record<Split, number>>;
  skipped: Skipped[];
}

interface Pending {
  row: ResultRow;
  task: DatasetTask;
  review: ReviewKind;
  prefix: string;
  suffix: string;
  region: Region | null;
  maskIou?: number[];
}

export const DEFAULT_SPLIT: SplitRatios = { train: 0.8, validation: 0.1, test: 0.1 };

function regionOf(row: ResultRow): Region | null {
  const r = (row.run.parameters as { region?: unknown } | null)?.region as Record<string, unknown> | null | undefined;
  if (!r || typeof r !== 'object') return null;
  const ok = ['x', 'y', 'width', 'height'].every((k) => Number.isInteger(r[k]) && (r[k] as number) >= 0) && (r.width as number) > 0 && (r.height as number) > 0;
  if (!ok) throw new ValueError('its region is not whole pixels');
  const region = { x: r.x as number, y: r.y as number, width: r.width as number, height: r.height as number };
  const { width, height } = row.page;
  if (width && height && (region.x + region.width > width || region.y + region.height > height)) throw new ValueError('its region lies outside the page');
  return region;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Error('the export was cancelled');
}

async function segmentCodec(vaePath: string | null | undefined): Promise<SegmentCodec | null> {
  if (!vaePath) return null;
  const encoder = loadVaeEncoderWeights(vaePath);
  const decoder = await maskDecoderFor(vaePath);
  return { encoder, decode: (codes) => decoder.decode(codes) };
}

/** Reads the reviewed results and writes their suffixes; what cannot become an example is listed with the reason. */
async function collect(o: DatasetOptions, skipped: Skipped[]): Promise<Pending[]> {
  const only = new Set(o.only ?? ['accepted', 'corrected']);
  const tasks = new Set<string>(o.tasks ?? DATASET_TASKS);
  const rows = o.store.results({ review: 'reviewed', runStatus: 'done' }).filter((r) => r.review && only.has(r.review.status as ReviewKind) && tasks.has(r.run.task));
  const needsVae = rows.some((r) => r.run.task === 'segment');
  let codec: SegmentCodec | null = null;
  let codecError: string | null = null;
  if (needsVae) {
    try { codec = await segmentCodec(o.vaePath); } catch (e) { codecError = (e as Error).message; }
  }
  const out: Pending[] = [];
  let done = 0;
  for (const row of rows) {
    throwIfAborted(o.signal);
    o.onProgress?.({ stage: 'reading', done: done++, total: rows.length });
    const task = row.run.task;
    const skip = (reason: string) => skipped.push({ runId: row.run.id, task, reason });
    if (!isDatasetTask(task)) { skip(`the ${task} task has no PaliGemma prompt to train`); continue; }
    if (!row.run.prompt.trim()) { skip('the run has no prompt'); continue; }
    if (task === 'segment' && codecError) { skip(`the VQ-VAE could not be loaded: ${codecError}`); continue; }
    try {
      const region = regionOf(row);
      const value = taskValue(task, valueInForce(row));
      const page = row.page.width && row.page.height ? { width: row.page.width, height: row.page.height } : null;
      if (!page && (task === 'detect' || task === 'ocr-boxes' || task === 'segment')) throw new ValueError('the page size is unknown, so its boxes cannot be placed');
      const s = await makeSuffix(value, page ?? { width: 1, height: 1 }, region, codec);
      out.push({ row, task, review: row.review!.status as ReviewKind, prefix: row.run.prompt, suffix: s.suffix, region, ...(s.maskIou ? { maskIou: s.maskIou } : {}) });
    } catch (e) {
      if (e instanceof SerializeError || e instanceof ValueError) skip(e.message);
      else throw e;
    }
  }
  return out;
}

/** Documents whose file still holds the content the runs saw; the others' examples are skipped. */
async function checkDocuments(pending: Pending[], skipped: Skipped[], open: Map<string, OpenPages>, o: DatasetOptions): Promise<Pending[]> {
  const verdict = new Map<string, string | null>();
  const signal = o.signal;
  for (const p of pending) {
    const { sha256, path } = p.row.document;
    if (verdict.has(sha256)) continue;
    throwIfAborted(signal);
    const already = o.openDocument ? await o.openDocument(sha256) : null;
    if (already) {
      open.set(sha256, already);
      verdict.set(sha256, null);
      continue;
    }
    let why: string | null = null;
    const refused = (o.unreadablePath ?? defaultUnreadablePath)(path);
    if (refused) why = `its document ${path} is not open, and its path is not read: ${refused}`;
    else if (!existsSync(path)) why = `its document ${path} is not open and no longer at that path`;
    else {
      try {
        if ((await fileIdentity(path, signal)).sha256 !== sha256) why = `its document ${path} has changed since the run`;
      } catch (e) { why = `its document ${path} cannot be read: ${(e as Error).message}`; }
    }
    verdict.set(sha256, why);
  }
  return pending.filter((p) => {
    const why = verdict.get(p.row.document.sha256);
    if (why) skipped.push({ runId: p.row.run.id, task: p.task, reason: why });
    return !why;
  });
}

/** The example's image as PNG: the page (or its region, scaled if the page renders at another size), optionally squashed. */
async function imagePng(pages: PageSource, open: Map<string, OpenPages>, p: Pending, resolution: Resolution | null | undefined, signal?: AbortSignal): Promise<Buffer> {
  const doc = open.get(p.row.document.sha256);
  const img = doc ? await doc.renderPage(p.row.page.index, { signal }) : await pages.render(p.row.document.path, p.row.page.index, signal);
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (p.region) {
    const sx = p.row.page.width ? img.width / p.row.page.width : 1, sy = p.row.page.height ? img.height / p.row.page.height : 1;
    const left = Math.min(img.width - 1, Math.round(p.region.x * sx)), top = Math.min(img.height - 1, Math.round(p.region.y * sy));
    const width = Math.max(1, Math.min(img.width - left, Math.round(p.region.width * sx))), height = Math.max(1, Math.min(img.height - top, Math.round(p.region.height * sy)));
    s = sharp(await s.extract({ left, top, width, height }).raw().toBuffer(), { raw: { width, height, channels: img.channels } });
  }
  // fit 'fill' squashes to the square without keeping the aspect ratio: exactly what PaliGemma's preprocessing does.
  if (resolution) s = s.resize(resolution, resolution, { fit: 'fill', kernel: 'cubic' });
  return s.png({ compressionLevel: 6 }).toBuffer();
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try { await link(from, to); } catch { await copyFile(from, to); }
}

async function emptyOrMissing(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  try { return (await readdir(dir)).length === 0; } catch { return false; }
}

export async function buildDataset(o: DatasetOptions): Promise<DatasetSummary> {
  const outDir = resolve(o.outDir);
  if (!(await emptyOrMissing(outDir))) throw new Error(`${outDir}: the folder is not empty; choose a new or empty folder, so nothing is overwritten`);
  const ratios = o.split ?? DEFAULT_SPLIT;
  const seed = o.seed ?? 0;
  const skipped: Skipped[] = [];
  const open = new Map<string, OpenPages>();
  const pending = await checkDocuments(await collect(o, skipped), skipped, open, o);
  const splitOf = assignSplits(pending.map((p) => ({ document: p.row.document.sha256, task: p.task })), ratios, seed);

  const work = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}-${Date.now()}`);
  await mkdir(join(work, 'images'), { recursive: true });
  const pages = new PageSource();
  const lines: ExampleLine[] = [];
  const images = new Set<string>();
  try {
    let done = 0;
    for (const p of pending) {
      throwIfAborted(o.signal);
      o.onProgress?.({ stage: 'images', done: done++, total: pending.length });
      let png: Buffer;
      try {
        png = await imagePng(pages, open, p, o.resolution, o.signal);
      } catch (e) {
        throwIfAborted(o.signal);
        skipped.push({ runId: p.row.run.id, task: p.task, reason: `its page could not be rendered: ${(e as Error).message}` });
        continue;
      }
      const sha = createHash('sha256').update(png).digest('hex');
      const image = `images/${sha}.png`;
      if (!images.has(sha)) { await writeFile(join(work, image), png); images.add(sha); }
      lines.push(ExampleLine.parse({
        id: `${p.task}-${p.row.run.id}`, image, prefix: p.prefix, suffix: p.suffix, task: p.task, split: splitOf.get(p.row.document.sha256)!,
        document: p.row.document.sha256, page: p.row.page.index, region: p.region, review: p.review,
        model: p.row.run.modelName || p.row.run.modelId, runId: p.row.run.id, ...(p.maskIou ? { maskIou: p.maskIou.map((v) => Math.min(1, Math.max(0, v))) } : {}),
      }));
    }
    o.onProgress?.({ stage: 'writing', done: 0, total: 1 });
    for (const split of SPLITS) {
      const of = lines.filter((l) => l.split === split);
      await writeFile(join(work, `${split}.jsonl`), of.map((l) => JSON.stringify(l) + '\n').join(''));
      const hf = join(work, 'hf', split);
      await mkdir(hf, { recursive: true });
      const meta: MetadataLine[] = [];
      for (const l of of) {
        const fileName = `${l.id}.png`;
        await linkOrCopy(join(work, l.image), join(hf, fileName));
        meta.push(MetadataLine.parse({ file_name: fileName, prefix: l.prefix, suffix: l.suffix, task: l.task, id: l.id }));
      }
      await writeFile(join(hf, 'metadata.jsonl'), meta.map((m) => JSON.stringify(m) + '\n').join(''));
    }
    await writeFile(join(work, 'schema.json'), JSON.stringify(jsonSchemas(), null, 2) + '\n');
    const counts: DatasetSummary['counts'] = {};
    for (const l of lines) {
      counts[l.task] ??= { train: 0, validation: 0, test: 0 };
      counts[l.task]![l.split]++;
    }
    await writeFile(join(work, 'README.md'), datasetCard({ projectName: o.projectName, lines, skipped, counts, ratios, seed, resolution: o.resolution ?? null, only: [...(o.only ?? ['accepted', 'corrected'])] }));
    if (existsSync(outDir)) await rmdir(outDir);
    await rename(work, outDir);
    o.onProgress?.({ stage: 'done', done: 1, total: 1 });
    return { outDir, examples: lines.length, images: images.size, counts, skipped };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  } finally {
    await pages.close();
  }
}
