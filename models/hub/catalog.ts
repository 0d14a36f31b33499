// The catalog of models Paliscope knows how to fetch: data in catalog.json (shipped) plus any extra catalog files
// named by PALISCOPE_MODEL_CATALOG (path-separated list; tests and mirrors add their own entries this way, so the
// shipped list only names real repositories). Every file is validated; a bad one is reported by path and reason.
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { z } from 'zod';
import shippedCatalog from './catalog.json';
import { DTYPES, type Dtype } from '../runtime/plan';
import { PG2_SIZES } from './architectures';
import { HubError } from './errors';
import { MIX_TASK_NAMES } from '../tasks/table';

/** The weight dtypes the converter writes (models/onnx/convert/quant.ts). */
export const CONVERT_DTYPES = ['q4', 'int8', 'fp16', 'fp32'] as const;

const Bytes = z.number().int().positive().nullable();
export const CatalogTask = z.enum(MIX_TASK_NAMES);

export const CatalogVariant = z.object({
  dtype: z.enum(DTYPES),
  /** Download size per ONNX component where published (doc §8); null = not known, never guessed. */
  sizes: z.object({ vision_encoder: Bytes, embed_tokens: Bytes, decoder_model_merged: Bytes }).strict(),
}).strict();

export const CatalogEntry = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" and "-"'),
  name: z.string().min(1),
  family: z.enum(['paligemma', 'paligemma2', 'pp-ocr']),
  source: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('hub'),
      repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name'),
      revision: z.string().min(1).default('main'),
      /**
       * onnx-community / paliscope: ready-made ONNX graphs, downloaded as they are. safetensors: a Hugging Face
       * PaliGemmaForConditionalGeneration checkpoint (Google's originals), downloaded and converted on this machine.
       */
      layout: z.enum(['onnx-community', 'paliscope', 'safetensors']),
      /** false: the repository id follows the publisher's naming but was not confirmed to exist when the catalog was written. */
      confirmed: z.boolean(),
    }).strict(),
    z.object({ kind: z.literal('bundled'), package: z.string() }).strict(),
  ]),
  tasks: z.array(CatalogTask).min(1),
  /** Square input size in pixels; null for models without one (OCR). */
  resolution: z.number().int().positive().nullable(),
  licence: z.object({ name: z.string(), url: z.string().url().nullable(), note: z.string() }).strict(),
  /** true: the hub asks for an access token; null: not known (a 401/403 then explains). */
  gated: z.boolean().nullable(),
  /** Files every variant needs besides the ONNX graphs; tokenizer.json's size where published. */
  sharedBytes: Bytes.default(null),
  variants: z.array(CatalogVariant),
  notes: z.string().optional(),
  /** A PaliGemma 2 checkpoint's size, for the converted size and memory shown before its config can be read. */
  size: z.enum(PG2_SIZES).optional(),
}).strict().refine(
  (e) => e.source.kind !== 'hub' || e.source.layout !== 'safetensors' || e.variants.every((v) => (CONVERT_DTYPES as readonly string[]).includes(v.dtype)),
  { message: `a checkpoint converted here offers only the converter's dtypes (${CONVERT_DTYPES.join(', ')})`, path: ['variants'] },
);
export type CatalogEntry = z.infer<typeof CatalogEntry>;
export type CatalogVariant = z.infer<typeof CatalogVariant>;

export const CatalogFile = z.object({ version: z.literal(1), models: z.array(CatalogEntry) }).strict();


function issues(err: z.ZodError): string {
  return err.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
}

/** Parses one catalog file's text; `where` names it in messages. */
export function parseCatalog(text: string, where: string): CatalogEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HubError('BAD_INPUT', `model catalog ${where}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = CatalogFile.safeParse(json);
  if (!parsed.success) throw new HubError('BAD_INPUT', `model catalog ${where}: ${issues(parsed.error)}`);
  const seen = new Set<string>();
  for (const m of parsed.data.models) {
    if (seen.has(m.id)) throw new HubError('BAD_INPUT', `model catalog ${where}: the id "${m.id}" appears twice`);
    seen.add(m.id);
  }
  return parsed.data.models;
}

/** Extra catalog files from the environment (PALISCOPE_MODEL_CATALOG, separated like PATH). */
export function extraCatalogPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PALISCOPE_MODEL_CATALOG ?? '').split(delimiter).filter(Boolean);
}

/** The shipped catalog followed by extra files; a later entry with the same id replaces an earlier one. */
export function loadCatalog(extraPaths: readonly string[] = extraCatalogPaths()): CatalogEntry[] {
  const byId = new Map<string, CatalogEntry>();
  // The shipped catalog is bundled into the build as data (a JSON import), so it is found wherever the code runs.
  const sources: Array<[string, string]> = [['models/hub/catalog.json (shipped)', JSON.stringify(shippedCatalog)]];
  for (const p of extraPaths) {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch (err) {
      throw new HubError('BAD_INPUT', `model catalog ${p}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    sources.push([p, text]);
  }
  for (const [where, text] of sources) for (const m of parseCatalog(text, where)) byId.set(m.id, m);
  return [...byId.values()];
}

/** By catalog id, or by the hub repository an entry names (`google/paligemma2-3b-mix-448`). */
export function findEntry(catalog: readonly CatalogEntry[], id: string): CatalogEntry {
  const m = catalog.find((e) => e.id === id) ?? catalog.find((e) => e.source.kind === 'hub' && e.source.repo === id);
  if (!m) throw new HubError('BAD_INPUT', `no model "${id}" in the catalog; known: ${catalog.map((e) => e.id).join(', ')}`);
  return m;
}

/** The variant to download: the one asked for, else q4 (small, fast CPU kernels), else the first listed. */
export function chooseVariant(entry: CatalogEntry, dtype?: string): CatalogVariant {
  if (entry.variants.length === 0) throw new HubError('BAD_INPUT', `${entry.name} is bundled with Paliscope; there is nothing to download`);
  if (dtype) {
    const v = entry.variants.find((x) => x.dtype === dtype);
    if (!v) throw new HubError('BAD_INPUT', `${entry.id} has no ${dtype} variant; available: ${entry.variants.map((x) => x.dtype).join(', ')}`);
    return v;
  }
  return entry.variants.find((v) => v.dtype === 'q4') ?? entry.variants[0]!;
}

/** Known download size of a variant, and whether part of it is unknown. */
export function variantSize(entry: CatalogEntry, v: CatalogVariant): { knownBytes: number; complete: boolean } {
  const graphs = [v.sizes.vision_encoder, v.sizes.embed_tokens, v.sizes.decoder_model_merged];
  // With no graph size known, the tokenizer alone would make a misleading lower bound: say nothing instead.
  if (graphs.every((b) => b === null)) return { knownBytes: 0, complete: false };
  const parts = [entry.sharedBytes, ...graphs];
  return { knownBytes: parts.reduce<number>((a, b) => a + (b ?? 0), 0), complete: parts.every((b) => b !== null) };
}

/** A catalog entry converts a checkpoint on this machine rather than downloading ready-made graphs. */
export const isCheckpointEntry = (e: CatalogEntry): boolean => e.source.kind === 'hub' && e.source.layout === 'safetensors';

/** The folder name a downloaded variant gets in the models folder. */
export const installName = (entry: CatalogEntry, dtype: Dtype | string): string => `${entry.id}-${dtype}`;
