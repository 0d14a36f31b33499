import { describe, expect, it } from 'vitest';
import { parseTable } from '../paligemma/tasks/table/parse-table';
import { scorePage } from './score';
import { toEvalValue } from './values';

const v = toEvalValue;

describe('scorePage across tasks', () => {
  it('table, music, caption, answer, report and segment', () => {
    const t = parseTable('<table><tr><td>a</td><td>b</td></tr></table>');
    expect(scorePage('table', v({ kind: 'table', table: t, warnings: [] }), v({ kind: 'table', table: t, warnings: [] })).scores).toEqual({ teds: 1, tedsStruct: 1, cellExact: 1 });
    const kern = (k: string, valid = true) => v({ kind: 'music', music: { kern: k, valid }, warnings: [] });
    const m = scorePage('music', kern('**kern\n4c\n*-'), kern('**kern\n4d\n*-', false));
    expect(m.scores).toEqual({ ser: 1 / 6, ler: 1 / 3 });
    expect(m.notes[0]).toMatch(/Verovio did not accept/);
    const caption = (text: string) => v({ kind: 'text', task: 'caption', text, warnings: [] });
    expect(scorePage('caption', caption('a red car'), caption('A red car.')).scores).toEqual({ rougeL: 1, exact: 1 });
    expect(scorePage('report', v({ kind: 'report', text: 'no acute findings', sections: [], warnings: [] }), v({ kind: 'report', text: 'acute findings', sections: [], warnings: [] })).scores.rougeL).toBeCloseTo(0.8, 12);
    const seg = (label: string, box: number[]) => v({ kind: 'boxes', task: 'segment', width: 10, height: 10, objects: [{ label, box }], warnings: [] });
    expect(scorePage('segment', seg('x', [0, 0, 10, 10]), seg('X', [0, 0, 10, 5])).scores).toMatchObject({ mIoU: 0.5, f1: 1 });
  });
  it('a truth that cannot be used gives no scores and says why', () => {
    expect(scorePage('ocr', v(undefined), v({ kind: 'text', text: 'x' })).notes[0]).toMatch(/no parsed result/);
  });
});
