// The analyze step of a run, declared once: a raw PaliGemma output → the parsed result every stored run carries (with
// its `kind`), in page pixels. The app's runs and batches (in the engine host), `paliscope run` and `paliscope batch`
// all parse through here, so a result means the same, and is stored the same, whichever path produced it.
import { analyzeOutput, type TaskResult } from '../paligemma/tasks/analyze';
import { TASKS, type TaskName } from '../tasks/table';
import { placeOnPage, type Region, type Size } from './place';

type BoxesResult = Extract<TaskResult, { kind: 'boxes' }>;
type StoredObject = Omit<BoxesResult['objects'][number], 'locs'>;

/**
 * A parsed result as it is stored and crosses to the renderer (the contract's RunParsed): a TaskResult without the
 * raw loc bins, which only the parser needs — boxes are in page pixels.
 */
export type ParsedResult = Exclude<TaskResult, BoxesResult> | (Omit<BoxesResult, 'objects'> & { objects: StoredObject[] });

export interface AnalyzeRunInput {
  task: TaskName;
  raw: string;
  /** The size of the image the model saw (the page, or the region's crop); boxes map back onto it. */
  seen: Size | null;
  /** The part of the page the model saw, and the page's size: the result is moved onto the page. */
  region?: { region: Region; page: Size } | null;
  /** segment: the mask decoder's weights (vae-oid.npz); without them masks are a warning. */
  vaePath?: string | null;
}

/**
 * Parses a run's output. Undefined when there is nothing to parse (no output), or when a box task's image size is not
 * known (the page never rendered). Never throws for bad model output: malformed parts are the result's warnings.
 */
export async function analyzeRun(input: AnalyzeRunInput): Promise<ParsedResult | undefined> {
  const { task, raw, seen } = input;
  if (!raw || (TASKS[task].sized && !seen)) return undefined;
  const r = await analyzeOutput(task, raw, { ...(seen ? { size: seen } : {}), vaePath: input.vaePath ?? null });
  const parsed = withoutLocs(r);
  return input.region ? placeOnPage(parsed, input.region.region, input.region.page) : parsed;
}

/** The loc bins stay with the parser: a stored result draws boxes in pixels and never needs them. */
function withoutLocs(r: TaskResult): ParsedResult {
  if (r.kind !== 'boxes') return r;
  return { ...r, objects: r.objects.map(({ label, box, seg, mask }) => ({ label, box, ...(seg ? { seg } : {}), ...(mask !== undefined ? { mask } : {}) })) };
}
