// Regions the person drew or edited (the app's Draw and box editing, or a regions file given to the CLI). They are
// taken as given, after a check that each lies on its page.
import { z } from 'zod';
import { Box, RegionType } from '../schema';
import type { RegionSourceProvider } from './types';

/** A regions file: for each document file name and page (0-based), the regions drawn on it. */
export const UserRegionsFile = z.object({
  regions: z.array(z.object({
    /** The document's file name (no folder), as given on the command line. */
    file: z.string().min(1).max(1_000),
    page: z.number().int().nonnegative(),
    type: RegionType,
    box: Box,
  }).strict()).max(100_000),
}).strict();
export type UserRegionsFile = z.infer<typeof UserRegionsFile>;

export function userSource(file: UserRegionsFile, nameOf: (path: string) => string): RegionSourceProvider {
  return {
    name: 'user',
    async propose(page) {
      const name = nameOf(page.path);
      return file.regions
        .filter((r) => r.file === name && r.page === page.index)
        .map((r, i) => {
          if (r.box.x + r.box.width > page.width || r.box.y + r.box.height > page.height) {
            throw new Error(`region ${i + 1} of ${name} page ${page.index + 1} (${r.box.width}×${r.box.height} at ${r.box.x},${r.box.y}) is not inside the page (${page.width}×${page.height} px)`);
          }
          return { type: r.type, box: r.box, source: 'user' as const };
        });
    },
  };
}
