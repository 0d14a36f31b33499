// Markdown export: CommonMark with GFM tables. A table with spans has no pipe-table form, so it is written as an HTML
// table (GFM renders HTML blocks); molecules are a ```smiles block with the picture, scores a ```kern block with the
// picture. All text is escaped: model output never becomes markup.
import type { DocumentFile, RegionResult } from '../schema';
import { documentBlocks, tableHtmlRows, tableSlots, type Block } from './blocks';

/** Backslash-escapes what CommonMark could read as markup, and the starts of lines that would open a block. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>#!|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+=])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

const cellText = (s: string) => escapeMarkdown(s.replace(/\s+/g, ' ').trim());

function fence(text: string, info: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${info}\n${text.replace(/\n$/, '')}\n${f}`;
}

function tableMarkdown(t: Extract<RegionResult, { kind: 'table' }>): string {
  const spans = t.cells.some((c) => c.rowspan > 1 || c.colspan > 1);
  const slots = tableSlots(t);
  if (!spans) {
    const row = (r: number) => `| ${slots[r]!.map((s) => (s && s !== 'covered' ? cellText(s.cell.text) : '')).join(' | ')} |`;
    const lines = [row(0), `|${' --- |'.repeat(t.cols)}`];
    for (let r = 1; r < t.rows; r++) lines.push(row(r));
    // A pipe table has exactly one header row: the first row is it, whatever the model marked.
    return lines.join('\n');
  }
  return ['<table>', ...tableHtmlRows(t), '</table>'].join('\n');
}

function image(name: string | null, alt: string, dir: string): string | null {
  return name ? `![${escapeMarkdown(alt)}](${encodeURI(`${dir}/${name}`)})` : null;
}

function blockMarkdown(b: Block, imageDir: string): string {
  switch (b.kind) {
    case 'heading': return `${'#'.repeat(b.level)} ${escapeMarkdown(b.text)}`;
    case 'paragraph': return b.style === 'caption' ? `*${escapeMarkdown(b.text)}*` : escapeMarkdown(b.text);
    case 'list': return b.items.map((i) => `- ${escapeMarkdown(i)}`).join('\n');
    case 'table': return tableMarkdown(b.table);
    case 'figure': return [image(b.image, b.description ?? 'Figure', imageDir), b.description ? escapeMarkdown(b.description) : null].filter(Boolean).join('\n\n');
    case 'molecule': return [fence(b.smiles, 'smiles'), image(b.image, `Molecule ${b.smiles}`, imageDir)].filter(Boolean).join('\n\n');
    case 'music': return [fence(b.kern, 'kern'), image(b.image, 'Score', imageDir)].filter(Boolean).join('\n\n');
  }
}

/** The document as Markdown; pictures are referenced as `imageDir/<name>` (written beside the file). */
export function toMarkdown(doc: DocumentFile, opts: { imageDir: string; hasImage: (name: string) => boolean }): string {
  return `${documentBlocks(doc, opts.hasImage).map((b) => blockMarkdown(b, opts.imageDir)).join('\n\n')}\n`;
}
