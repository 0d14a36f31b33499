import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { run } from './cli';

function io() {
  const out: string[] = [], err: string[] = [];
  const w = (a: string[]) => new Writable({ write(c, _e, cb) { a.push(String(c)); cb(); } });
  return { io: { stdout: w(out), stderr: w(err) }, out: () => out.join(''), err: () => err.join('') };
}

/** A project: scan.tif (2 pages) read by two models; page 1 corrected, page 2 accepted. */
function project(dir: string): string {
  const path = join(dir, 'p.paliscope');
  const s = Store.open(path);
  const { document } = s.registerDocument({ path: '/scans/scan.tif', sha256: 'a'.repeat(64), pageCount: 2, size: 10 });
  const [p1, p2] = s.ensurePages(document.id, [{ index: 0, width: 100, height: 100 }, { index: 1, width: 100, height: 100 }]);
  const text = (t: string) => ({ kind: 'text', task: 'ocr', text: t, warnings: [] });
  const add = (pageId: number, model: string, t: string, ms: number) =>
    s.addRun({ pageId, modelId: model, modelName: `Model ${model}`, task: 'ocr', prompt: 'ocr', parsed: text(t), timings: { totalMs: ms }, status: 'done' }).id;
  const a1 = add(p1!.id, 'a', 'kitten', 100), a2 = add(p2!.id, 'a', 'the cat', 300);
  add(p1!.id, 'b', 'sitting', 50);
  add(p2!.id, 'b', 'the bat', 70);
  s.addRun({ pageId: p2!.id, modelId: 'b', modelName: 'Model b', task: 'ocr', prompt: 'ocr', status: 'error', error: 'failed' });
  s.setReview(a1, { status: 'corrected', value: text('kitten!') });
  s.setReview(a2, { status: 'accepted' });
  s.close();
  return path;
}

describe('paliscope eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-eval-'));
  const path = project(dir);

  it('prints the table per task (md), everything (json) and one row per page (csv)', async () => {
    const md = io();
    expect(await run(['--project', path], md.io)).toBe(0);
    expect(md.out()).toContain('## ocr');
    // a: "kitten" vs "kitten!" = 1/7 and 0 → mean 1/14 = 0.071; b: "sitting" vs "kitten!" = 3/7 (k→s, e→i, !→g), "the bat" vs "the cat" = 1/7 → 2/7 = 0.286.
    expect(md.out()).toMatch(/\| Model a \| 2 \| 0\.071 \[0\.000, 0\.143\], median 0\.071 \|/);
    expect(md.out()).toMatch(/\| Model b \| 2 \| 0\.286 /);
    const js = io();
    expect(await run(['--project', path, '--format', 'json'], js.io)).toBe(0);
    const r = JSON.parse(js.out());
    const cer = (m: string) => r.tasks[0].models.find((x: { modelId: string }) => x.modelId === m).metrics.find((x: { metric: string }) => x.metric === 'cer');
    expect(cer('a').mean).toBeCloseTo(1 / 14, 12);
    expect(cer('b').mean).toBeCloseTo(2 / 7, 12);
    expect(r.tasks[0].models[0].medianMs).toBe(200);
    const csv = io();
    expect(await run(['--project', path, '--format', 'csv', '--model', 'b'], csv.io)).toBe(0);
    const lines = csv.out().trim().split('\r\n');
    expect(lines[0]).toMatch(/^document,page,task,model_id,model,run_id,truth,cer,wer,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\/scans\/scan\.tif,1,ocr,b,Model b,3,run 1,0\.428571/);
  });

  it('scores against truth files matched by document stem and page', async () => {
    const truth = join(dir, 'truth');
    mkdirSync(truth);
    writeFileSync(join(truth, 'scan.1.txt'), 'kitten');
    writeFileSync(join(truth, 'scan.2.xml'), '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page><PrintSpace><TextBlock><TextLine><String CONTENT="the"/><SP/><String CONTENT="cat"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>');
    const t = io();
    expect(await run(['--project', path, '--truth', truth, '--format', 'json'], t.io)).toBe(0);
    const r = JSON.parse(t.out());
    const a = r.tasks[0].models.find((x: { modelId: string }) => x.modelId === 'a').metrics[0];
    expect(a).toMatchObject({ metric: 'cer', mean: 0, n: 2 });
  });

  it('refuses bad input with the reason and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [[], /--project is required/],
      [['--project', join(dir, 'missing.paliscope')], /missing\.paliscope: no such project file/],
      [['--project', path, '--format', 'xml'], /--format must be one of md, json, csv/],
      [['--project', path, '--task', 'dance'], /--task must be one of/],
      [['--project', path, '--truth', join(dir, 'nope')], /nope: no such folder/],
      [['--project', path, '--truth', path], /not a folder/],
      [['--project', path, '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const c = io();
      expect(await run(args, c.io)).not.toBe(0);
      expect(c.err()).toMatch(message);
    }
    writeFileSync(join(dir, 'junk.paliscope'), 'this is not SQLite, only text that is long enough to be a header..........');
    const c = io();
    expect(await run(['--project', join(dir, 'junk.paliscope')], c.io)).toBe(1);
    expect(c.err()).toMatch(/junk\.paliscope/);
  });
});
