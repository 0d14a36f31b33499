// Project → Import results…: project files made elsewhere (the shards of a cluster batch, a colleague's project)
// merged into the open project, with progress. The renderer sends the files' bytes; main checks every file before
// merging any (models/store/merge.ts: documents by content hash, runs, reviews with their history, batches), so a
// file that is not a project, or of a newer Paliscope, refuses the import by name and changes nothing.
import { z } from 'zod';
import { Bytes } from './common';
import { MAX_UPLOAD_BYTES } from './limits';
import { ProjectInfo } from './projects';

const Count = z.number().int().nonnegative();

export const MAX_IMPORT_FILES = 64;

export const ProjectImportInput = z
  .object({
    files: z
      .array(
        z.object({
          name: z.string().min(1).max(255),
          bytes: Bytes.refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, `at most ${MAX_UPLOAD_BYTES} bytes`),
        }).strict(),
      )
      .min(1)
      .max(MAX_IMPORT_FILES),
  })
  .strict();
export type ProjectImportInput = z.infer<typeof ProjectImportInput>;

export const ProjectImportProgress = z.object({
  /** The file being merged, its place in the list (0-based) and the list's length. */
  file: z.string(),
  index: Count,
  files: Count,
  phase: z.enum(['checking', 'runs', 'items', 'done']),
  done: Count,
  total: Count,
});
export type ProjectImportProgress = z.infer<typeof ProjectImportProgress>;

const Seen = z.object({ seen: Count, added: Count });

export const ProjectImportResult = z.object({
  files: z.array(z.object({
    name: z.string(),
    documents: Seen,
    pages: Seen,
    runs: Seen,
    reviews: z.object({ added: Count, conflicts: Count }),
    history: z.object({ added: Count }),
    batches: Seen,
    items: z.object({ seen: Count, added: Count, updated: Count }),
  })),
  project: ProjectInfo,
});
export type ProjectImportResult = z.infer<typeof ProjectImportResult>;
