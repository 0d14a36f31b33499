import { resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { Store } from '../../models/store/store';
import { parseTable } from '../../models/paligemma/tasks/table/parse-table';
import { analyzeSmiles } from '../../models/paligemma/tasks/molecule/analyze';
import { analyzeMusic } from '../../models/paligemma/tasks/music/render';
import { PIANO_KERN } from '../../models/paligemma/tasks/music/fixtures';
import { fixturePage } from '../../models/ocr/export/fixture';
import { onlyReviewed } from '../../models/store/export';
import { reviewedBundle } from './review-bundle';

describe('reviewedBundle', () => {
  it('writes each reviewed result in its field\'s formats, the built-in OCR per document, and says what it could not write', async () => {
    const s = Store.open(':memory:');
    const { document } = s.registerDocument({ path: '/study/annual report.pdf', sha256: 'b'.repeat(64), pageCount: 3, size: 1 });
    const [p0, p1, p2] = s.ensurePages(document.id, [0, 1, 2].map((index) => ({ index, width: 1200, height: 900 })));
    const base = { modelId: 'pg2-tables', modelName: 'pg2 tables', status: 'done' as const };
    const table = parseTable('<table><tr><th>Year</th><th>Revenue</th></tr><tr><td>2023</td><td>1.2</td></tr></table>');
    const tableRun = s.addRun({ ...base, pageId: p0!.id, task: 'table', prompt: 'x', raw: '…', parsed: { kind: 'table', table, warnings: [] } });
    const aspirin = await analyzeSmiles('CC(=O)Oc1ccccc1C(=O)O');
    const molRun = s.addRun({ ...base, modelName: 'pg2 ocsr', pageId: p1!.id, task: 'molecule', prompt: 'x', raw: '…', parsed: { kind: 'molecule', molecule: aspirin, warnings: [] } });
    const broken = await analyzeSmiles('C1CC');
    const badRun = s.addRun({ ...base, modelName: 'pg2 ocsr', pageId: p2!.id, task: 'molecule', prompt: 'x', raw: '…', parsed: { kind: 'molecule', molecule: broken, warnings: [] } });
    const music = await analyzeMusic(PIANO_KERN);
    const musicRun = s.addRun({ ...base, modelName: 'pg2 omr', pageId: p2!.id, task: 'music', prompt: 'x', raw: PIANO_KERN, parsed: { kind: 'music', music, warnings: [] } });
    const ocrRun = s.addRun({ ...base, modelId: 'builtin-ppocr', modelName: 'PP-OCRv4', pageId: p0!.id, task: 'ocr-builtin', prompt: '', raw: '…', parsed: { task: 'ocr-builtin', ...fixturePage(), meanConfidence: 0.9 } });
    s.addRun({ ...base, modelName: 'pg2 mix', pageId: p1!.id, task: 'report', prompt: 'x', raw: '…', parsed: { kind: 'report', text: 'FINDINGS: clear.', sections: [{ heading: 'FINDINGS', text: 'clear.' }], warnings: [] } });
    // The table corrected: its one data cell fixed; everything else accepted.
    const fixed = { ...table, cells: table.cells.map((c) => (c.text === '1.2' ? { ...c, text: '1.3', html: '1.3' } : c)) };
    s.setReview(tableRun.id, { status: 'corrected', value: { kind: 'table', table: fixed, warnings: [] } });
    for (const r of [molRun, badRun, musicRun, ocrRun]) s.setReview(r.id, { status: 'accepted' });

    const bundle = await reviewedBundle(onlyReviewed(s.results()), 'test bundle');
    const files = unzipSync(bundle.bytes);
    const names = Object.keys(files).sort();
    expect(names).toEqual(expect.arrayContaining([
      'README.txt', 'results.jsonl',
      'annual report/p1-table-pg2 tables.xlsx', 'annual report/p1-table-pg2 tables.csv', 'annual report/p1-table-pg2 tables.html',
      'annual report/p2-molecule-pg2 ocsr.sdf', 'annual report/p2-molecule-pg2 ocsr.smi',
      'annual report/p3-music-pg2 omr.krn', 'annual report/p3-music-pg2 omr.musicxml', 'annual report/p3-music-pg2 omr.mid',
      'annual report/annual report.alto.xml', 'annual report/annual report.hocr.html', 'annual report/annual report.txt',
    ]));
    // The corrected value is what is written, not the model's.
    expect(strFromU8(files['annual report/p1-table-pg2 tables.csv']!)).toContain('2023,1.3');
    expect(strFromU8(files['annual report/p2-molecule-pg2 ocsr.sdf']!)).toContain('$$$$');
    expect(strFromU8(files['annual report/annual report.alto.xml']!)).toContain('<String ');
    // The invalid SMILES has no SDF; the README says so, naming the page. The unreviewed report is not there.
    expect(names.some((n) => n.startsWith('annual report/p3-molecule'))).toBe(false);
    expect(strFromU8(files['README.txt']!)).toMatch(/annual report\.pdf page 3 \(molecule, pg2 ocsr\): no sdf: /);
    expect(names.some((n) => n.includes('report-pg2 mix'))).toBe(false);
    expect(strFromU8(files['results.jsonl']!).trim().split('\n')).toHaveLength(bundle.results);
    expect(bundle.results).toBe(5);
  });

  it('keeps every entry inside the folder it is unpacked into, whatever names a shared project holds', async () => {
    const s = Store.open(':memory:');
    const base = { modelId: 'm', status: 'done' as const, prompt: 'x', raw: '…' };
    // A hostile project: a document named `..`, a task and a model name that climb out, an OCR document with backslashes.
    const { document: a } = s.registerDocument({ path: '/study/..', sha256: 'c'.repeat(64), pageCount: 1, size: 1 });
    const { document: b } = s.registerDocument({ path: '/study/..\\..\\evil.pdf', sha256: 'd'.repeat(64), pageCount: 1, size: 1 });
    const [pa] = s.ensurePages(a.id, [{ index: 0, width: 10, height: 10 }]);
    const [pb] = s.ensurePages(b.id, [{ index: 0, width: 10, height: 10 }]);
    const text = s.addRun({ ...base, modelName: '../../../x', pageId: pa!.id, task: '../../../../evil', parsed: { kind: 'text', task: 'caption', text: 'pwned', warnings: [] } });
    const ocr = s.addRun({ ...base, modelId: 'builtin-ppocr', modelName: 'PP-OCRv4', pageId: pb!.id, task: 'ocr-builtin', parsed: { task: 'ocr-builtin', ...fixturePage(), meanConfidence: 0.9 } });
    for (const r of [text, ocr]) s.setReview(r.id, { status: 'accepted' });

    const bundle = await reviewedBundle(onlyReviewed(s.results()), 'hostile');
    const names = Object.keys(unzipSync(bundle.bytes));
    const root = resolve('/unpack/here');
    for (const name of names) {
      expect(resolve(root, name).startsWith(root + sep), name).toBe(true);
      expect(name.split(/[/\\]/), name).not.toContain('..');
    }
    // The result is still there, under sanitised names.
    expect(names.some((n) => /^result\/p1-_.*evil-_.*x\.txt$/.test(n))).toBe(true);
  });
});
