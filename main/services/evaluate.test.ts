import { describe, expect, it } from 'vitest';
import { Store } from '../../models/store/store';
import { EvaluateResult } from '../../preload/contract';
import { EvaluateService } from './evaluate';

function store(): Store {
  const s = Store.open(':memory:');
  const { document } = s.registerDocument({ path: '/d/a.png', sha256: 'b'.repeat(64), pageCount: 1, size: 1 });
  const [p] = s.ensurePages(document.id, [{ index: 0, width: 10, height: 10 }]);
  const table = (html: string) => ({ kind: 'table', table: { rows: 1, cols: 2, cells: [{ row: 0, col: 0, rowspan: 1, colspan: 1, header: false, text: 'a', html: 'a' }, { row: 0, col: 1, rowspan: 1, colspan: 1, header: false, text: html, html }], warnings: [] }, warnings: [] });
  const t = s.addRun({ pageId: p!.id, modelId: 'm1', modelName: 'M1 <b>', task: 'table', prompt: '', parsed: table('b'), status: 'done' }).id;
  s.addRun({ pageId: p!.id, modelId: 'm2', modelName: 'M2', task: 'table', prompt: '', parsed: table('c'), status: 'done' });
  s.setReview(t, { status: 'accepted' });
  return s;
}

describe('EvaluateService', () => {
  it('scores the store and answers in the contract\'s shape', async () => {
    const s = new EvaluateService({ store });
    const r = EvaluateResult.parse(await s.run({}));
    expect(r.tasks[0]!.task).toBe('table');
    const teds = (m: string) => r.tasks[0]!.models.find((x) => x.modelId === m)!.metrics.find((x) => x.metric === 'teds')!.mean;
    // tree: table, tbody, tr, td, td (5 nodes, 4 elements under table); one cell renamed b → c: 1 − 1/4.
    expect(teds('m1')).toBe(1);
    expect(teds('m2')).toBe(0.75);
    expect(r.models.map((m) => m.id).sort()).toEqual(['m1', 'm2']);
    expect((await s.run({ models: ['m2'] })).tasks[0]!.models).toHaveLength(1);
  });
  it('exports CSV, JSON and an HTML report with model text escaped', async () => {
    const s = new EvaluateService({ store });
    const html = new TextDecoder().decode((await s.export({ format: 'html' })).bytes);
    expect(html).toContain('M1 &lt;b&gt;');
    expect(html).not.toContain('M1 <b>');
    expect(html).toContain('<svg role="img"');
    const csv = await s.export({ format: 'csv' });
    expect(csv).toMatchObject({ fileName: 'paliscope-evaluation.csv', mime: 'text/csv' });
    expect(JSON.parse(new TextDecoder().decode((await s.export({ format: 'json' })).bytes)).pages).toHaveLength(2);
  });
  it('says why when there is no store', async () => {
    const s = new EvaluateService({ store: () => null, unavailable: () => 'the SQLite add-on is missing' });
    await expect(s.run({})).rejects.toThrow(/not available: the SQLite add-on is missing/);
  });
});
