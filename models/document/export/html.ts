// HTML export: one self-contained file (pictures as data: URIs, styles inline, no scripts, no external references).
// Sanitised by construction: every piece of text is escaped, and no markup from a model or a file is passed through.
import { escapeHtml } from '../../paligemma/tasks/table/inline-html';
import type { DocumentFile, RegionResult } from '../schema';
import { documentBlocks, tableHtmlRows, type Block } from './blocks';

const STYLE = [
  'body{font-family:Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.5;color:#111}',
  'table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #888;padding:.25em .6em;text-align:left;vertical-align:top}',
  'th{background:#eee}figure{margin:1em 0}figure img{max-width:100%}figcaption,.caption{font-style:italic;color:#333}',
  'pre{background:#f6f6f6;padding:.6em;overflow:auto}',
].join('');

function tableHtml(t: Extract<RegionResult, { kind: 'table' }>): string {
  return `<table>\n${tableHtmlRows(t).join('\n')}\n</table>`;
}

function img(name: string | null, alt: string, images: ReadonlyMap<string, Uint8Array>): string {
  const bytes = name ? images.get(name) : undefined;
  return bytes ? `<img src="data:image/png;base64,${Buffer.from(bytes).toString('base64')}" alt="${escapeHtml(alt)}">` : '';
}

function blockHtml(b: Block, images: ReadonlyMap<string, Uint8Array>): string {
  switch (b.kind) {
    case 'heading': return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
    case 'paragraph': return `<p${b.style === 'body' ? '' : ` class="${b.style}"`}>${escapeHtml(b.text)}</p>`;
    case 'list': return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table': return tableHtml(b.table);
    case 'figure': return `<figure>${img(b.image, b.description ?? 'Figure', images)}${b.description ? `<figcaption>${escapeHtml(b.description)}</figcaption>` : ''}</figure>`;
    case 'molecule': return `<figure>${img(b.image, `Molecule ${b.smiles}`, images)}<figcaption>SMILES: <code>${escapeHtml(b.smiles)}</code>${b.valid ? '' : ' (not a valid molecule)'}</figcaption></figure>`;
    case 'music': return `<figure>${img(b.image, 'Score', images)}<pre class="kern">${escapeHtml(b.kern)}</pre></figure>`;
  }
}

export function toHtml(doc: DocumentFile, images: ReadonlyMap<string, Uint8Array>): string {
  const body = documentBlocks(doc, (n) => images.has(n)).map((b) => blockHtml(b, images)).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may load or run: the file is self-contained, and the page says so to the browser.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(doc.name)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
