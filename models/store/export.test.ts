import { describe, expect, it } from 'vitest';
import { bestPerPage, csvField, effectiveValue, onlyReviewed, runConfidence, toCoco, toCsv, toJsonl, toTextFiles } from './export';
import { Store } from './store';
import type { ResultRow } from './types';

/** A store with a two-page scan, detections from two models, OCR text and a caption, some reviewed. */
function study() {
  const s = Store.open(':memory:');
  const { document } = s.registerDocument({ path: '/scans/ledger 1887.tif', sha256: 'a'.repeat(64), pageCount: 2, size: 1 });
  const [p0, p1] = s.ensurePages(document.id, [{ index: 0, width: 1000, height: 800 }, { index: 1, width: 1000, height: 800 }]);
  const base = { modelId: 'pg2', modelName: 'paligemma2-3b', status: 'done' as const };
  const det0 = s.addRun({ ...base, pageId: p0!.id, task: 'detect', prompt: 'detect stamp ; signature', raw: '…', parsed: { task: 'detect', objects: [{ label: 'stamp', box: [10, 20, 110, 70] }, { label: 'signature', box: [500, 600, 700, 650] }], warnings: [] }, logprobs: [Math.log(0.9), Math.log(0.4)] });
  const det1 = s.addRun({ ...base, pageId: p1!.id, task: 'detect', prompt: 'detect stamp ; signature', raw: '…', parsed: { task: 'detect', objects: [{ label: 'stamp', box: [0, 0, 50, 50] }], warnings: [] } });
  const seg0 = s.addRun({ ...base, pageId: p0!.id, task: 'segment', prompt: 'segment stamp', raw: '…', parsed: { task: 'segment', objects: [{ label: 'stamp', box: [10, 20, 110, 70], polygon: [[10, 20], [110, 20], [110, 70]] }, { label: 'bad', box: [1, 2, 'x', 4] }], warnings: [] } });
  const ocr0 = s.addRun({ ...base, pageId: p0!.id, task: 'ocr', prompt: 'ocr', raw: 'Recieved of Mr. Smith', parsed: { task: 'ocr', text: 'Recieved of Mr. Smith', warnings: [] } });
  const ocr1 = s.addRun({ ...base, pageId: p1!.id, task: 'ocr', prompt: 'ocr', raw: '=SUM(A1:A9)', parsed: { task: 'ocr', text: '=SUM(A1:A9), "paid"', warnings: [] } });
  const ocrOld = s.addRun({ ...base, pageId: p1!.id, task: 'ocr', prompt: 'ocr', raw: 'older', parsed: { task: 'ocr', text: 'older run', warnings: [] } });
  const builtin = s.addRun({ ...base, modelId: 'builtin-ppocr', modelName: 'PP-OCRv4 (built-in)', pageId: p0!.id, task: 'ocr-builtin', prompt: '', raw: 'Received of Mr. Smith', parsed: { task: 'ocr-builtin', lines: [{ text: 'Received of' }, { text: 'Mr. Smith' }], meanConfidence: 0.93 } });
  const failed = s.addRun({ ...base, pageId: p1!.id, task: 'caption', prompt: 'caption en', status: 'error', error: 'out of memory' });
  s.setReview(det0.id, { status: 'corrected', value: { task: 'detect', objects: [{ label: 'stamp', box: [12, 22, 112, 72] }] }, note: 'signature was a blot' });
  s.setReview(det1.id, { status: 'rejected' });
  s.setReview(ocr0.id, { status: 'corrected', value: { task: 'ocr', text: 'Received of Mr. Smith' } });
  s.setReview(ocrOld.id, { status: 'accepted' });
  return { s, det0, det1, seg0, ocr0, ocr1, ocrOld, builtin, failed };
}

describe('exports', () => {
  it('the value exported is the correction when there is one; confidence from logprobs or OCR line confidences', () => {
    const { s, det0, builtin, ocr1 } = study();
    const rows = s.results();
    const row = (id: number) => rows.find((r) => r.run.id === id)!;
    expect(effectiveValue(row(det0.id))).toEqual({ task: 'detect', objects: [{ label: 'stamp', box: [12, 22, 112, 72] }] });
    expect(runConfidence(row(det0.id))).toBeCloseTo(Math.sqrt(0.9 * 0.4), 10);
    expect(runConfidence(row(builtin.id))).toBe(0.93);
    expect(runConfidence(row(ocr1.id))).toBeNull();
    expect(onlyReviewed(rows).map((r) => r.review!.status)).toEqual(['corrected', 'corrected', 'accepted']);
  });

  it('one result per page, task and model: a reviewed run beats a newer unreviewed one; rejected and failed runs are left out', () => {
    const { s, ocrOld, det1, failed } = study();
    const best = bestPerPage(s.results());
    const ids = best.map((r) => r.run.id);
    expect(ids).toContain(ocrOld.id);
    expect(ids).not.toContain(det1.id);
    expect(ids).not.toContain(failed.id);
  });

  it('COCO: images per page, categories by label, corrected boxes as x/y/w/h, polygons as segmentation, bad boxes skipped', () => {
    const { s, det0, seg0 } = study();
    const coco = toCoco(s.results());
    expect(coco.images).toEqual([{ id: 1, file_name: 'ledger 1887.tif', width: 1000, height: 800, page: 1, sha256: 'a'.repeat(64) }]);
    expect(coco.categories).toEqual([{ id: 1, name: 'stamp' }]);
    expect(coco.annotations).toEqual([
      { id: 1, image_id: 1, category_id: 1, bbox: [12, 22, 100, 50], area: 5000, iscrowd: 0, segmentation: [], run_id: det0.id, review: 'corrected' },
      { id: 2, image_id: 1, category_id: 1, bbox: [10, 20, 100, 50], area: 5000, iscrowd: 0, segmentation: [[10, 20, 110, 20, 110, 70]], run_id: seg0.id, review: null },
    ]);
    expect(toCoco(onlyReviewed(s.results())).annotations.map((a) => a.run_id)).toEqual([det0.id]);
  });

  it('CSV: a header and one row per run; commas, quotes and line breaks quoted; formulas defused', () => {
    const { s } = study();
    const csv = toCsv(s.results());
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('run,document,page,model,task,prompt,status,error,review,note,confidence,result,total_ms,provider');
    expect(lines).toHaveLength(8 + 2);
    expect(csv).toContain(`,"'=SUM(A1:A9), ""paid""",`);
    expect(csv).toContain(',corrected,signature was a blot,0.6000,1 object(s): stamp,');
    expect(csv).toContain(',error,out of memory,,,,,');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
  });

  it('JSON Lines: one parseable object per run with raw, parsed, review and the value in force', () => {
    const { s, ocr0 } = study();
    const lines = toJsonl(s.results()).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(8);
    expect(lines.find((l) => l.run === ocr0.id)).toMatchObject({ document: '/scans/ledger 1887.tif', page: 1, raw: 'Recieved of Mr. Smith', review: { status: 'corrected' }, value: { text: 'Received of Mr. Smith' } });
  });

  it('txt: one file per document, task and model, pages separated by form feeds, model names only when needed', () => {
    const { s } = study();
    const files = toTextFiles(s.results());
    expect(files.map((f) => f.name)).toEqual(['ledger 1887.ocr.txt', 'ledger 1887.ocr-builtin.txt']);
    expect(files[0]!.text).toBe('Received of Mr. Smith\n\folder run\n');
    expect(files[1]!.text).toBe('Received of\nMr. Smith\n');
    // A second model on the same task: both files carry their model's name.
    const rows = s.results();
    const other: ResultRow = { ...rows.find((r) => r.run.task === 'ocr')!, review: null };
    other.run = { ...other.run, id: 999, modelId: 'other', modelName: 'pg 2 / 10b' };
    expect(toTextFiles([...rows, other]).map((f) => f.name).sort()).toEqual(['ledger 1887.ocr-builtin.txt', 'ledger 1887.ocr.paligemma2-3b.txt', 'ledger 1887.ocr.pg_2_10b.txt']);
  });
});
