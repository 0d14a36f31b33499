// Detection proposals: the labels a mix checkpoint answers with, mapped to region types; other labels and boxes off
// the page are dropped.
import { describe, expect, it } from 'vitest';
import { unfinishedRun, type RunOutcome } from '../runs/pipeline';
import { analyzeRun } from '../runs/analyze';
import { DETECT_PROMPT, proposalsFromDetection, regionTypeOfLabel } from './sources/detect';

describe('PaliGemma detection as a region source', () => {
  it('asks for every region type it can map back', () => {
    const asked = DETECT_PROMPT.replace(/^detect /, '').split(' ; ');
    for (const label of asked) expect(regionTypeOfLabel(label), label).not.toBeNull();
    expect(regionTypeOfLabel('Sheet Music ')).toBe('music');
    expect(regionTypeOfLabel('cat')).toBeNull();
  });

  it('turns a parsed detect run into proposals in page pixels', async () => {
    // Two objects on a 1000×500 page (locs are y0 x0 y1 x1 in 1024ths): a table and a cat (not a region type).
    const raw = '<loc0100><loc0100><loc0500><loc0900> table ; <loc0000><loc0000><loc1023><loc1023> cat';
    const parsed = await analyzeRun({ task: 'detect', raw, seen: { width: 1000, height: 500 } });
    const outcome: RunOutcome = { ...unfinishedRun({ code: 'X', message: '' }), status: 'done', error: null, raw, parsed: parsed ?? null };
    const proposals = proposalsFromDetection(outcome, { width: 1000, height: 500 });
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ type: 'table', source: 'detect' });
    const b = proposals[0]!.box;
    expect(Math.abs(b.x - 98)).toBeLessThanOrEqual(2);
    expect(Math.abs(b.y - 49)).toBeLessThanOrEqual(2);
    expect(Math.abs(b.x + b.width - 880)).toBeLessThanOrEqual(2);
    expect(Math.abs(b.y + b.height - 244)).toBeLessThanOrEqual(2);
    expect(proposalsFromDetection(unfinishedRun({ code: 'INTERNAL', message: 'x' }), { width: 1, height: 1 })).toEqual([]);
  });
});
