// Projects: which store the app keeps its runs, reviews and batches in. The app's own store lives in its user-data
// folder; a `.paliscope` project file is the same SQLite format, so a study can be moved, shared and backed up.
// The renderer never sends a path: it sends the bytes of a file the person picked or dropped, names a recent project
// by id, or asks main to show a dialog (hosts with dialogs only).
import { z } from 'zod';
import { Bytes, Id } from './common';
import { MAX_UPLOAD_BYTES } from './limits';

const Count = z.number().int().nonnegative();

export const ProjectInfo = z.object({
  /** Where the store is on disk (shown to the person; never sent back). */
  path: z.string(),
  /** The file's name without `.paliscope` ("Default store" for the app's own). */
  name: z.string(),
  /** The schema version the store is at (0 when there is no store). */
  schemaVersion: Count,
  counts: z.object({ documents: Count, runs: Count, reviewed: Count }),
  /** True for the app's own store in its user-data folder. */
  isDefault: z.boolean(),
  /** Why there is no store (the add-on does not load, the file is not a store, …); null when it is open. */
  unavailable: z.string().nullable(),
  /** Schema migrations applied when it was opened (an older project brought up to date); empty when it was current. */
  migrated: z.array(z.number().int().positive()),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

/** The result of a dialog: `changed` is false when the person cancelled it (the project is then the same). */
export const ProjectSwitch = z.object({ changed: z.boolean(), project: ProjectInfo });
export type ProjectSwitch = z.infer<typeof ProjectSwitch>;

export const ProjectOpenBytes = z
  .object({
    name: z.string().min(1).max(255),
    bytes: Bytes.refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, `at most ${MAX_UPLOAD_BYTES} bytes`),
  })
  .strict();
export type ProjectOpenBytes = z.infer<typeof ProjectOpenBytes>;

/** A consistent snapshot of the open project as a file: the renderer saves it (a download in both hosts). */
export const ProjectCopy = z.object({ fileName: z.string(), mime: z.string(), bytes: Bytes });
export type ProjectCopy = z.infer<typeof ProjectCopy>;

export const RecentProject = z.object({ id: Id, name: z.string(), path: z.string(), openedAt: z.string() });
export type RecentProject = z.infer<typeof RecentProject>;
