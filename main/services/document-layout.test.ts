// The Document view's calls through the dispatcher, as the renderer makes them: a born-digital page's regions from
// its text layer in reading order, a scanned page that says it needs OCR, the assembled Markdown following the
// person's edits (order, type, review, correction), exports, and regions from the renderer that do not fit the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import type { DocumentPageRegions, DocumentRegionsResult } from '../../preload/contract';
import { DocumentRegion as ContractRegion } from '../../preload/contract/document';
import { Region as ExportRegion } from '../../models/document/schema';
import { composeForTests } from '../testing/compose-for-tests';
import { generateDocument } from '../../models/document/testing/generate';
import type { Caller } from '../ipc/dispatcher';

let services: ReturnType<typeof composeForTests>;
const caller: Caller = { id: 'test-window', push: () => undefined };
let documentId = '';

beforeAll(async () => {
  services = composeForTests();
  services.dispatcher.attach(caller);
  const opened = await services.dispatcher.call('documents.openBytes', { name: 'generated.pdf', bytes: (await generateDocument()).pdf }, caller);
  if (!opened.ok) throw new Error(opened.error.message);
  documentId = (opened.value as { id: string }).id;
});
afterAll(() => services.dispose());

async function call<T>(name: Parameters<typeof services.dispatcher.call>[0], input: unknown): Promise<T> {
  const r = await services.dispatcher.call(name, input as never, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

describe('the Document view in main', () => {
  it('gives a born-digital page its regions in reading order, with their text, and says a scanned page needs OCR', async () => {
    const page = await call<DocumentRegionsResult>('document.regions', { documentId, page: 0 });
    expect(page.note).toBeNull();
    const read = page.regions.filter((r) => r.order !== null).sort((a, b) => a.order! - b.order!);
    expect(read.map((r) => r.type)).toEqual(['title', 'text', 'text', 'text', 'figure', 'caption', 'text']);
    expect(read[1]!.result).toEqual({ kind: 'text', text: expect.stringMatching(/^Alpha opens the left column/) });
    // The contract's region and the JSON export's region are the same shape.
    for (const r of page.regions) expect(ExportRegion.parse(ContractRegion.parse(r))).toEqual(r);
    const scan = await call<DocumentRegionsResult>('document.regions', { documentId, page: 2 });
    expect(scan.regions).toEqual([]);
    expect(scan.note).toMatch(/page 3 has no text layer: read it with the built-in OCR/);
  });

  it('assembles the person\'s edits: a new order, a retyped region, a correction, and only reviewed content when asked', async () => {
    const { note: _note, ...page } = await call<DocumentRegionsResult>('document.regions', { documentId, page: 0 });
    const byText = (start: string) => page.regions.find((r) => r.result?.kind === 'text' && r.result.text.startsWith(start))!;
    const alpha = byText('Alpha'), bravo = byText('Bravo');
    const edited: DocumentPageRegions = {
      ...page,
      regions: page.regions.map((r) => {
        if (r.id === alpha.id) return { ...r, order: bravo.order, review: 'accepted' as const };
        if (r.id === bravo.id) return { ...r, order: alpha.order, type: 'title' as const, result: { kind: 'text' as const, text: 'Bravo, corrected' }, review: 'corrected' as const };
        return r;
      }),
    };
    const all = await call<{ markdown: string }>('document.assemble', { documentId, content: 'all', pages: [edited] });
    expect(all.markdown.indexOf('## Bravo, corrected')).toBeGreaterThan(0);
    expect(all.markdown.indexOf('## Bravo, corrected')).toBeLessThan(all.markdown.indexOf('Alpha opens'));
    const reviewed = await call<{ markdown: string }>('document.assemble', { documentId, content: 'reviewed', pages: [edited] });
    expect(reviewed.markdown.trim().split('\n\n')).toEqual(['# Bravo, corrected', expect.stringMatching(/^Alpha opens/)]);

    const docx = await call<{ fileName: string; bytes: Uint8Array }>('document.export', { documentId, format: 'docx', content: 'all', pages: [edited] });
    expect(docx.fileName).toBe('generated.docx');
    expect(strFromU8(unzipSync(docx.bytes)['word/document.xml']!)).toContain('Bravo, corrected');
    const md = await call<{ fileName: string; bytes: Uint8Array }>('document.export', { documentId, format: 'md', content: 'all', pages: [edited] });
    expect(md.fileName).toBe('generated.zip');
    const files = unzipSync(md.bytes);
    expect(Object.keys(files).sort()).toEqual(['generated.images/' + page.regions.find((r) => r.type === 'figure')!.id + '.png', 'generated.md']);
    expect(strFromU8(files['generated.md']!)).toMatch(/!\[Figure\]\(generated\.images\/p1-r\d+\.png\)/);
  });

  it('refuses regions that do not fit the open document, naming them', async () => {
    const { note: _note, ...page } = await call<DocumentRegionsResult>('document.regions', { documentId, page: 0 });
    const outside = { ...page, regions: [{ ...page.regions[0]!, box: { x: 1200, y: 0, width: 500, height: 10 } }] };
    await expect(call('document.export', { documentId, format: 'html', content: 'all', pages: [outside] })).rejects.toThrow(/region p1-r1 \(500×10 at 1200,0\) is not inside page 1 \(1275×1650 px\)/);
    await expect(call('document.assemble', { documentId, content: 'all', pages: [{ ...page, index: 7 }] })).rejects.toThrow(/has 3 pages; regions were sent for page 8/);
    await expect(call('document.assemble', { documentId, content: 'all', pages: [{ ...page, width: 10 }] })).rejects.toThrow(/page 1 is 1275×1650 px, not 10×1650/);
    await expect(call('document.regions', { documentId, page: 9 })).rejects.toThrow(/has 3 pages/);
  });
});
