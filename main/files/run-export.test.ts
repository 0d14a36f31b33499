import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../preload/contract';
import { exportFileName, exportRun } from './run-export';

function run(parsed: RunRecord['parsed'], task: RunRecord['prompt']['task'] = 'detect'): RunRecord {
  return {
    id: 'r1', documentId: 'd1', page: 2, model: { id: 'm', name: 'tiny', location: '/m' }, prompt: { task, text: 'x' }, promptText: `${task} x`,
    maxNewTokens: 8, strategy: { kind: 'greedy' }, startedAt: '2026-11-30T00:00:00Z', status: 'done', text: 'raw', ids: [], logprobs: [], pieces: [],
    finishReason: 'eos', timings: null, providers: {}, dtypes: {}, error: null, source: 'model', region: null, parsed,
  };
}
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('exportRun', () => {
  const boxes: RunRecord['parsed'] = {
    kind: 'boxes', task: 'detect', width: 200, height: 100, warnings: [],
    objects: [{ label: 'cat', box: [10, 20, 60, 80] }, { label: 'dog', box: [100, 0, 200, 50] }, { label: 'cat', box: [0, 0, 5, 5] }],
  };

  it('writes COCO JSON with [x, y, w, h] boxes and one category per label', async () => {
    const f = await exportRun(run(boxes), 'scan 1.pdf', 'coco');
    expect(f.fileName).toBe('scan 1-p3-detect.coco.json');
    const coco = JSON.parse(text(f.bytes));
    expect(coco.images).toEqual([{ id: 1, file_name: 'scan 1.pdf#page=3', width: 200, height: 100 }]);
    expect(coco.categories).toEqual([{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }]);
    expect(coco.annotations[0]).toMatchObject({ category_id: 1, bbox: [10, 20, 50, 60], area: 3000 });
    expect(coco.annotations.map((a: { category_id: number }) => a.category_id)).toEqual([1, 2, 1]);
  });

  it('writes a report as Markdown with its section headings', async () => {
    const r = run({ kind: 'report', text: 'FINDINGS: a. IMPRESSION: b.', warnings: [], sections: [{ heading: 'FINDINGS', text: 'a.' }, { heading: 'IMPRESSION', text: 'b.' }] }, 'report');
    expect(text((await exportRun(r, 'cxr.png', 'md')).bytes)).toBe('## FINDINGS\n\na.\n\n## IMPRESSION\n\nb.\n');
  });

  it('refuses a format the result does not have, and a run without a parsed result', async () => {
    await expect(exportRun(run(boxes), 'a.png', 'xlsx')).rejects.toThrow('a detect result exports as coco, json, txt, not xlsx');
    await expect(exportRun(run(undefined), 'a.png', 'json')).rejects.toThrow('no parsed result');
  });

  it('names files safely whatever the document is called', () => {
    expect(exportFileName('../../etc/pa:ss*wd?.tiff', 0, 'ocr', 'txt')).toBe('_.._etc_pa_ss_wd_-p1-ocr.txt');
    // A shared project sets the task too: it is a name component like the document's.
    expect(exportFileName('scan.pdf', 0, '../../../../evil', 'txt')).toBe('scan-p1-_.._.._.._evil.txt');
  });
});
