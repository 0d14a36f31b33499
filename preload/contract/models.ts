// The model manager's part of the contract: models on disk, the catalog of models to download, downloads with
// progress, pause and cancel, imports, removal, the models folder and the hub access token. Imports only zod (and the
// task table, which is zod-free).
import { z } from 'zod';
import { Id } from './common';
import { MIX_TASK_NAMES } from '../../models/tasks/table';

/** transformers.js dtype names (the engine's list, restated here because the contract imports only zod). */
export const ModelDtype = z.enum(['fp32', 'fp16', 'int8', 'uint8', 'q8', 'q4', 'q4f16', 'bnb4']);
/** What a model can be asked: the task table's mix tasks. */
export const ModelTask = z.enum(MIX_TASK_NAMES);
/** Where a model on disk came from. */
export const ModelSource = z.enum(['download', 'converted', 'import', 'reference', 'folder']);
const CatalogId = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, 'a catalog id (lower-case letters, digits, ".", "_" and "-")');

// Local models (PaliGemma family) the app can run: folders found under the models folders.
export const ModelInfo = z.object({
  id: Id,
  /** The model folder's name. */
  name: z.string(),
  /** The model folder, so messages and the UI can say where it is. */
  location: z.string(),
  layout: z.enum(['paliscope', 'onnx-community']).nullable(),
  /** Weight dtypes present (the decoder's variants), e.g. ["fp32"] or ["fp16", "q4"]. */
  dtypes: z.array(z.string()),
  /** Square input size in pixels (224, 448, 896). */
  resolution: z.number().int().positive().nullable(),
  /** Why the folder cannot be used as it is (null when it looks complete). */
  problem: z.string().nullable(),
  source: ModelSource.default('folder'),
  /** The catalog entry a download came from. */
  catalogId: z.string().nullable().default(null),
  /** Task prefixes the model answers. */
  tasks: z.array(z.string()).default([]),
  /** Bytes on disk. */
  bytes: z.number().nonnegative().default(0),
  /** Paliscope may delete it (downloaded or copied into its models folder) or forget it (a reference). */
  removable: z.boolean().default(false),
  /** What a run would use on this machine: dtype per graph and the execution providers in order (null when unusable). */
  plan: z.object({ dtypes: z.record(z.string(), z.string()), providers: z.array(z.string()) }).nullable().default(null),
});
export type ModelInfo = z.infer<typeof ModelInfo>;
export const ModelList = z.object({
  /** Where the app looks: each folder's subfolders are models. */
  folders: z.array(z.string()),
  models: z.array(ModelInfo),
  /** Where downloads and copies go (the first folder). */
  downloadFolder: z.string().default(''),
  /** Free bytes on the disk holding downloadFolder (null when unknown). */
  freeBytes: z.number().nonnegative().nullable().default(null),
});
export type ModelList = z.infer<typeof ModelList>;

export const CatalogVariantInfo = z.object({
  dtype: ModelDtype,
  /** Known download size (null when the hub's file pages were not read for it). */
  knownBytes: z.number().nonnegative().nullable(),
  /** knownBytes covers every file (otherwise it is a lower bound). */
  complete: z.boolean(),
  installed: z.boolean(),
});
/** A checkpoint that is downloaded and converted here: what it takes, for the window's disk and memory check. */
export const CheckpointFacts = z.object({
  /** Bytes a download fetches, from the hub's file listing (null until it was listed; the last listing is kept). */
  downloadBytes: z.number().nonnegative().nullable(),
  /** When that listing was read (ISO time). */
  listedAt: z.string().nullable(),
  /** Per dtype: the converted model's size and the converter's peak memory, computed from the architecture (estimates). */
  estimates: z.array(z.object({ dtype: ModelDtype, outputBytes: z.number().nonnegative(), peakMemoryBytes: z.number().nonnegative() })),
  /** Memory this machine offers the converter. */
  memoryBytes: z.number().nonnegative(),
});
export type CheckpointFacts = z.infer<typeof CheckpointFacts>;

export const CatalogModel = z.object({
  id: CatalogId,
  name: z.string(),
  family: z.string(),
  /** The hub repository (null for models bundled with the app). */
  repo: z.string().nullable(),
  /** false: the repository id follows the publisher's naming but was not confirmed. */
  confirmed: z.boolean(),
  tasks: z.array(z.string()),
  resolution: z.number().int().positive().nullable(),
  licence: z.object({ name: z.string(), url: z.string().nullable(), note: z.string() }),
  gated: z.boolean().nullable(),
  variants: z.array(CatalogVariantInfo),
  notes: z.string().nullable(),
  /** onnx: ready-made graphs downloaded as they are; checkpoint: downloaded, then converted on this machine. */
  kind: z.enum(['onnx', 'checkpoint', 'bundled']).default('onnx'),
  /** Where a gated repository's licence is accepted (its page on the hub). */
  licenceUrl: z.string().nullable().default(null),
  checkpoint: CheckpointFacts.nullable().default(null),
});
export type CatalogModel = z.infer<typeof CatalogModel>;

export const ModelDownloadInput = z.object({ catalogId: CatalogId, dtype: ModelDtype.optional() }).strict();
export type ModelDownloadInput = z.infer<typeof ModelDownloadInput>;
export const ModelDownloadProgress = z.object({
  /** download: bytes below; convert: a checkpoint being converted (graph by graph), its weights counted in done/total. */
  phase: z.enum(['download', 'convert']).default('download'),
  convert: z.object({
    graph: z.string(), graphsDone: z.number().int().nonnegative(), graphsTotal: z.number().int().positive(),
    done: z.number().nonnegative(), total: z.number().nonnegative(),
  }).nullable().default(null),
  doneBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  filesDone: z.number().int().nonnegative(),
  filesTotal: z.number().int().nonnegative(),
  active: z.array(z.string()),
});
export type ModelDownloadProgress = z.infer<typeof ModelDownloadProgress>;
/** A download ends done (the model is listed) or paused (download again to resume); failures end the stream with an error. */
export const ModelDownloadResult = z.object({ status: z.enum(['done', 'paused']), name: z.string(), model: ModelInfo.nullable(), message: z.string() });
export type ModelDownloadResult = z.infer<typeof ModelDownloadResult>;

export const ModelSettings = z.object({
  /** The hub downloads come from (HF_ENDPOINT or a mirror). */
  endpoint: z.string(),
  tokenSet: z.boolean(),
  /** safeStorage: encrypted by the operating system's keychain; memory: kept only until the app closes (no keychain here). */
  tokenStorage: z.enum(['safeStorage', 'memory']),
  downloadFolder: z.string(),
});
export type ModelSettings = z.infer<typeof ModelSettings>;

export const ModelImportResult = z.object({
  imported: z.boolean(),
  model: ModelInfo.nullable(),
  /** The validation report, one check a line. */
  report: z.string(),
});
