// Turns "these files and folders × a task × a model" into a batch in the store: each document is identified by its
// content hash (a moved file is the same document, an edited one a new one) and each of its pages becomes a batch
// item. The same request made again finds its batch by signature and adds only what is new, so a re-run resumes.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/store';
import { fileIdentity } from '../store/hash';
import type { BatchRecord, DocumentMatch } from '../store/types';
import { expandInputs } from './inputs';

/** What enqueueing needs to know of a document: its pages and their sizes (in the pixels the model will see). */
export type InspectDocument = (path: string) => Promise<{ pages: { index: number; width: number; height: number }[] }>;

export interface BatchRequest {
  inputs: readonly string[];
  task: string;
  prompt: string;
  modelId: string;
  modelName: string;
  parameters?: Record<string, unknown>;
}

export interface EnqueueResult {
  batch: BatchRecord;
  /** True when an earlier batch with the same signature was found (a resume). */
  resumed: boolean;
  /** Pages added to the queue by this call. */
  added: number;
  documents: { path: string; documentId: number; pages: number; match: DocumentMatch }[];
  /** Inputs that could not be used, by name, with the reason. */
  problems: { path: string; reason: string }[];
}

/** Same inputs (as given, order-free), task, prompt, model and parameters → same batch. */
export function batchSignature(r: BatchRequest): string {
  const canonical = JSON.stringify([r.inputs.map((p) => resolve(p)).sort(), r.task, r.prompt, r.modelId, Object.entries(r.parameters ?? {}).sort()]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

export interface EnqueueOptions {
  /** Only pages for which this is true join the batch (a shard of a job array: see shard.ts); documents left without a page are not recorded. */
  keepPage?: (sha256: string, pageIndex: number) => boolean;
}

export async function enqueueBatch(store: Store, request: BatchRequest, inspect: InspectDocument, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
  const keep = opts.keepPage;
  const { files, problems } = await expandInputs(request.inputs);
  const signature = batchSignature(request);
  const existing = store.batchBySignature(signature);
  const batch = existing ?? store.createBatch({ signature, task: request.task, prompt: request.prompt, modelId: request.modelId, modelName: request.modelName, parameters: request.parameters ?? {} });
  const documents: EnqueueResult['documents'] = [];
  let added = 0;
  for (const path of files) {
    try {
      // Re-runs over big folders: a file whose size and mtime are what the store saw is not hashed or opened again.
      // An edit changes the mtime, so an edited file is still hashed and noticed.
      const known = store.documentByPath(path);
      const st = statSync(path);
      if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) {
        const records = store.pages(known.id);
        if (records.length === known.pageCount) {
          const kept = keep ? records.filter((p) => keep(known.sha256, p.index)) : records;
          if (!kept.length) continue;
          added += store.addBatchItems(batch.id, kept.map((p) => p.id));
          documents.push({ path, documentId: known.id, pages: kept.length, match: 'unchanged' });
          continue;
        }
      }
      const id = await fileIdentity(path);
      const { pages } = await inspect(path);
      if (!pages.length) throw new Error('the document has no pages');
      if (keep && !pages.some((p) => keep(id.sha256, p.index))) continue;
      // A copy of a file already known keeps the original's path (same content, same document, same pages).
      const stillHolds = (old: string) => { try { return existsSync(old) && statSync(old).size === id.size; } catch { return false; } };
      const { document, match } = store.registerDocument({ path, sha256: id.sha256, pageCount: pages.length, size: id.size, mtimeMs: id.mtimeMs }, { stillHolds });
      const records = store.ensurePages(document.id, pages.map((p) => ({ index: p.index, width: p.width, height: p.height })));
      const kept = keep ? records.filter((p) => keep(id.sha256, p.index)) : records;
      added += store.addBatchItems(batch.id, kept.map((p) => p.id));
      documents.push({ path, documentId: document.id, pages: kept.length, match });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // Document errors already start with the file name.
      problems.push({ path, reason: msg.startsWith(path) ? msg.slice(path.length).replace(/^[:\s]+/, '') : msg });
    }
  }
  return { batch: store.batch(batch.id)!, resumed: !!existing, added, documents, problems };
}
