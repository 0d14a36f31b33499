// A run on a region of a page: main refuses a region that does not lie on the page before anything is rendered.
// Moving a result parsed on the crop back onto the page is the pipeline's (models/runs/place.ts).
import type { PageRegion } from '../../preload/contract';
import { regionProblem, type Size } from '../../models/runs/place';
import { AppFailure } from '../ipc/dispatcher';

/** Refuses a region that does not lie on the page, naming both. */
export function checkRegion(region: PageRegion, page: Size, where: string): void {
  const problem = regionProblem(region, page, where);
  if (problem) throw new AppFailure('BAD_INPUT', problem);
}
