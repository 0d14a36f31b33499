// PaliGemma detection proposals: a mix checkpoint asked to detect the region types on the whole page, through the one
// run pipeline (models/runs/pipeline.ts), so the detection is an ordinary run (the runner stores it). Each detected
// object whose label names a region type becomes a proposal.
import type { PaliGemmaEngine } from '../../paligemma/engine';
import { runPage, type RunOutcome } from '../../runs/pipeline';
import { boxFromEdges } from '../geometry';
import type { RegionType } from '../schema';
import type { PageContext, ProposedRegion, RegionSourceProvider } from './types';

/** The words the model is asked for, and the region type each means. */
const LABELS: Record<string, RegionType> = {
  title: 'title', heading: 'title', paragraph: 'text', text: 'text', list: 'list', table: 'table', figure: 'figure', image: 'figure',
  chart: 'figure', photo: 'figure', caption: 'caption', formula: 'formula', equation: 'formula', molecule: 'molecule',
  'chemical structure': 'molecule', 'sheet music': 'music', 'music score': 'music', header: 'header', footer: 'footer',
};

export const DETECT_PROMPT = 'detect title ; paragraph ; list ; table ; figure ; caption ; formula ; molecule ; sheet music';

/** The region type a detected label means, or null for a label that is none of them. */
export function regionTypeOfLabel(label: string): RegionType | null {
  return LABELS[label.trim().toLowerCase()] ?? null;
}

/** Proposals from a finished detect run (boxes already in page pixels). */
export function proposalsFromDetection(outcome: RunOutcome, page: { width: number; height: number }): ProposedRegion[] {
  const parsed = outcome.parsed;
  if (!parsed || parsed.kind !== 'boxes') return [];
  const out: ProposedRegion[] = [];
  for (const o of parsed.objects) {
    const type = regionTypeOfLabel(o.label);
    const box = type ? boxFromEdges(o.box, page) : null;
    if (type && box) out.push({ type, box, source: 'detect' });
  }
  return out;
}

export function detectSource(engine: PaliGemmaEngine, onRun: (page: PageContext, outcome: RunOutcome) => void, maxNewTokens = 256): RegionSourceProvider {
  return {
    name: 'detect',
    async propose(page) {
      const outcome = await runPage(engine, {
        task: 'detect', prompt: DETECT_PROMPT, image: await page.pixels(), maxNewTokens, strategy: { kind: 'greedy' }, region: null,
      }, { signal: page.signal });
      onRun(page, outcome);
      if (outcome.status === 'cancelled') throw Object.assign(new Error('the run was cancelled'), { name: 'AbortError', code: 'CANCELLED' });
      return proposalsFromDetection(outcome, page);
    },
  };
}
