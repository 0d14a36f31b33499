import { describe, expect, it } from 'vitest';
import { analyzeRun } from './analyze';

describe('analyzeRun', () => {
  it('parses box tasks in the size the model saw, and every other task without one', async () => {
    const raw = '<loc0000><loc0000><loc1023><loc0511> left half ; <loc0001><loc0002>';
    const p = await analyzeRun({ task: 'detect', raw, seen: { width: 2046, height: 300 } });
    expect(p).toEqual({ kind: 'boxes', task: 'detect', width: 2046, height: 300, objects: [{ label: 'left half', box: [0, 0, 1022, 300] }], warnings: ['object 2: 2 loc tokens, need 4; skipped'] });
    expect(await analyzeRun({ task: 'caption', raw: 'a page of text', seen: null })).toEqual({ kind: 'text', task: 'caption', text: 'a page of text', warnings: [] });
    expect(await analyzeRun({ task: 'vsr', raw: 'true', seen: null })).toMatchObject({ kind: 'verdict', answer: true });
    expect(await analyzeRun({ task: 'detect', raw: '', seen: { width: 10, height: 10 } })).toBeUndefined();
    expect(await analyzeRun({ task: 'segment', raw, seen: null })).toBeUndefined();
  });

  it('moves a result parsed on a region onto the page', async () => {
    const raw = '<loc0000><loc0000><loc1023><loc1023> stamp';
    const p = await analyzeRun({ task: 'detect', raw, seen: { width: 100, height: 50 }, region: { region: { x: 10, y: 20, width: 100, height: 50 }, page: { width: 300, height: 200 } } });
    expect(p).toMatchObject({ kind: 'boxes', width: 300, height: 200, objects: [{ label: 'stamp', box: [10, 20, 110, 70] }] });
  });
});
