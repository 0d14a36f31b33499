// Exports never turn model output into markup: hostile text stays text in Markdown and in HTML.
import { describe, expect, it } from 'vitest';
import MarkdownIt from 'markdown-it';
import { escapeMarkdown, toMarkdown } from './export/markdown';
import { toHtml } from './export/html';
import type { DocumentFile, Region } from './schema';

const region = (id: string, order: number, type: Region['type'], text: string): Region => ({
  id, type, order, box: { x: 0, y: order * 10, width: 10, height: 10 }, source: 'ocr', captionOf: null,
  result: { kind: 'text', text }, review: 'unreviewed', runId: null, error: null, image: null,
});

const hostile = '<script>alert(1)</script> *bold* [link](javascript:alert(1)) <img src=x onerror=alert(1)>';
const doc: DocumentFile = {
  name: 'h.pdf', sha256: 'a'.repeat(64),
  pages: [{ index: 0, width: 100, height: 100, regions: [
    region('p1-r1', 1, 'title', '# not a second heading'),
    region('p1-r2', 2, 'text', hostile),
    region('p1-r3', 3, 'list', '• first\n2. second'),
    { ...region('p1-r4', 4, 'table', ''), result: { kind: 'table', rows: 2, cols: 2, cells: [
      { row: 0, col: 0, rowspan: 1, colspan: 1, header: true, text: 'a|b' }, { row: 0, col: 1, rowspan: 1, colspan: 1, header: true, text: '<b>x</b>' },
      { row: 1, col: 0, rowspan: 1, colspan: 1, header: false, text: '1' }, { row: 1, col: 1, rowspan: 1, colspan: 1, header: false, text: '2' },
    ] } },
  ] }],
};

describe('document exports and hostile text', () => {
  it('Markdown: the text renders as the same text, never as markup; a table without spans is a GFM pipe table', () => {
    const md = toMarkdown(doc, { imageDir: 'img', hasImage: () => false });
    const html = new MarkdownIt({ html: true }).render(md);
    expect(html).not.toMatch(/<script|<img|<a |<strong|<b>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; *bold*');
    expect(html).toContain('<h1># not a second heading</h1>');
    expect(html).toContain('<ul>\n<li>first</li>\n<li>second</li>\n</ul>');
    expect(md).toContain('| a\\|b | \\<b\\>x\\</b\\> |\n| --- | --- |\n| 1 | 2 |');
    expect(html).toMatch(/<th>a\|b<\/th>/);
  });

  it('escapeMarkdown leaves plain words alone', () => {
    expect(escapeMarkdown('Alpha opens the left column.')).toBe('Alpha opens the left column.');
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list');
  });

  it('HTML: escaped text, no script, a policy that forbids loading anything', () => {
    const html = toHtml(doc, new Map());
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
  });
});

describe('molecules and scores in the exports', () => {
  const withResults: DocumentFile = {
    name: 'm.pdf', sha256: 'b'.repeat(64),
    pages: [{ index: 0, width: 100, height: 100, regions: [
      { ...region('p1-r1', 1, 'molecule', ''), image: 'p1-r1.png', result: { kind: 'molecule', smiles: 'CC(=O)Oc1ccccc1C(=O)O', valid: true, svg: null } },
      { ...region('p1-r2', 2, 'music', ''), image: 'p1-r2.png', result: { kind: 'music', kern: '**kern\n4c\n*-', valid: true, svg: null } },
    ] }],
  };
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

  it('Markdown: a ```smiles block and a ```kern block, each with its picture', () => {
    const md = toMarkdown(withResults, { imageDir: 'm.images', hasImage: () => true });
    expect(md).toBe('```smiles\nCC(=O)Oc1ccccc1C(=O)O\n```\n\n![Molecule CC(=O)Oc1ccccc1C(=O)O](m.images/p1-r1.png)\n\n```kern\n**kern\n4c\n*-\n```\n\n![Score](m.images/p1-r2.png)\n');
  });

  it('HTML: the SMILES and the kern as text beside their inline pictures', () => {
    const html = toHtml(withResults, new Map([['p1-r1.png', png], ['p1-r2.png', png]]));
    expect(html).toContain('SMILES: <code>CC(=O)Oc1ccccc1C(=O)O</code>');
    expect(html).toContain('<pre class="kern">**kern\n4c\n*-</pre>');
    expect(html.match(/<img src="data:image\/png;base64,iVBORw==" alt="[^"]+">/g)).toHaveLength(2);
  });
});
