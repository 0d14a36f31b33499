import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageOfName, truthFromFolder, xmlLines } from './truth-files';

describe('truth files', () => {
  it('names pages by stem and 1-based page number', () => {
    expect(pageOfName('scan')).toEqual({ stem: 'scan', page: 0 });
    expect(pageOfName('scan.12')).toEqual({ stem: 'scan', page: 11 });
    expect(pageOfName('report.v2')).toEqual({ stem: 'report.v2', page: 0 });
  });
  it('reads ALTO and PAGE XML lines, without fetching external entities', () => {
    expect(xmlLines('<alto><TextLine><String CONTENT="a"/><SP/><String CONTENT="b"/></TextLine><TextLine><String CONTENT="c"/></TextLine></alto>')).toEqual(['a b', 'c']);
    const page = '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page><TextRegion><TextLine><Word><TextEquiv><Unicode>x</Unicode></TextEquiv></Word><TextEquiv><Unicode>Hello world</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>';
    expect(xmlLines(page)).toEqual(['Hello world']);
    expect(() => xmlLines('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><alto><TextLine><String CONTENT="&x;"/></TextLine></alto>')).toThrow();
  });
  it('reads every kind of file and reports the unreadable ones by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paliscope-truth-'));
    writeFileSync(join(dir, 'tab.html'), '<table><tr><td>a</td></tr></table>');
    writeFileSync(join(dir, 'score.2.krn'), '**kern\n4c\n*-\n');
    writeFileSync(join(dir, 'mols.smi'), '# SMILES name\nOCC ethanol\nC1CC( broken.3\nCCO\n');
    writeFileSync(join(dir, 'boxes.json'), JSON.stringify({ images: [{ id: 1, file_name: 'scan.2.png' }], annotations: [{ image_id: 1, bbox: [0, 0, 10, 5], category_id: 3 }, { image_id: 9, bbox: [0, 0, 1, 1] }], categories: [{ id: 3, name: 'Stamp' }] }));
    writeFileSync(join(dir, 'bad.json'), '{"not": "coco"}');
    writeFileSync(join(dir, 'bad.xml'), '<alto><TextLine>');
    writeFileSync(join(dir, 'ignored.pdf'), 'x');
    const { truths, notes } = await truthFromFolder(dir);
    const by = (p: string) => truths.filter((t) => t.documentPath === p);
    expect(by('tab')[0]).toMatchObject({ task: 'table', page: 0 });
    expect(by('score')[0]).toMatchObject({ task: 'music', page: 1 });
    expect(by('ethanol')[0]!.value).toMatchObject({ kind: 'molecule', molecule: { valid: true, canonical: 'CCO' } });
    expect(by('broken')[0]).toMatchObject({ page: 2, value: { molecule: { valid: false } } });
    expect(by('scan')[0]).toMatchObject({ task: 'detect', page: 1, value: { objects: [{ label: 'Stamp', box: [0, 0, 10, 5] }] } });
    expect(notes.join('\n')).toMatch(/mols\.smi line 4: no page name/);
    expect(notes.join('\n')).toMatch(/1 annotation\(s\) without an image/);
    expect(notes.join('\n')).toMatch(/bad\.json: not read \(not COCO JSON/);
    expect(notes.join('\n')).toMatch(/bad\.xml: not read/);
    const seg = await truthFromFolder(dir, { task: 'segment' });
    expect(seg.truths.map((t) => t.task)).toEqual(['segment']);
  });
});
