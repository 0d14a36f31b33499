import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
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
  it('treats the folder as hostile: links are not followed, sizes and counts are bounded, each said by name', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'paliscope-secret-'));
    writeFileSync(join(outside, 'secret.txt'), 'not truth');
    const dir = mkdtempSync(join(tmpdir(), 'paliscope-truth-'));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'linked.txt'));
    mkdirSync(join(dir, 'folder.txt'));
    writeFileSync(join(dir, 'a.txt'), 'a'.repeat(10));
    writeFileSync(join(dir, 'b.txt'), 'b'.repeat(10));
    writeFileSync(join(dir, 'big.txt'), 'c'.repeat(100));
    const r = await truthFromFolder(dir, { limits: { fileBytes: 50, totalBytes: 15 } });
    expect(r.truths.map((t) => t.documentPath)).toEqual(['a']);
    const notes = r.notes.join('\n');
    expect(notes).toMatch(/linked\.txt: not read \(a link, not followed\)/);
    expect(notes).toMatch(/folder\.txt: not read \(not a regular file\)/);
    expect(notes).toMatch(/big\.txt: not read \(100 bytes is more than the 50 read\)/);
    expect(notes).toMatch(/b\.txt: not read \(the folder's files add up to more than the 15 bytes read\)/);
    expect(r.truths.some((t) => t.value.kind === 'text' && t.value.text === 'not truth')).toBe(false);
    const few = await truthFromFolder(dir, { limits: { files: 2 } });
    expect(few.notes[0]).toMatch(/more than 2 truth files; only 2 were read/);
    await expect(truthFromFolder(join(dir, 'a.txt'))).rejects.toThrow(/not a folder/);
    await expect(truthFromFolder(join(dir, 'none'))).rejects.toThrow(/no such folder/);
  });
});
