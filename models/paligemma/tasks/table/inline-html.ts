// Cell content → plain text and a sanitised inline-HTML string, from a parse5 tree.
//
// The HTML is rebuilt, never copied: only the allowlisted inline tags below are emitted, always without attributes,
// and every text node is escaped. Whatever the model wrote (event handlers, javascript: URLs, <script>) therefore
// cannot reach the output — sanitised by construction, not by filtering.
import { parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';

/** Inline tags PubTabNet cells use; the only tags a cell's `html` may contain. */
export const INLINE_TAGS = ['b', 'i', 'sup', 'sub', 'u', 'br'] as const;
type InlineTag = Exclude<(typeof INLINE_TAGS)[number], 'br'>;

/** Semantic twins written as their allowlisted form (same rendering, no warning). */
const ALIASES: Record<string, InlineTag> = { b: 'b', strong: 'b', i: 'i', em: 'i', sup: 'sup', sub: 'sub', u: 'u', ins: 'u' };

/** Elements dropped together with their content: code, embedded or foreign content, nothing a reader would call text. */
const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'template', 'noscript', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math',
  'canvas', 'audio', 'video', 'picture', 'source', 'track', 'noembed', 'noframes', 'title', 'meta', 'link',
  'base', 'img', 'image', 'input', 'select', 'textarea', 'button', 'hr', 'area', 'map', 'param', 'wbr', 'col', 'colgroup',
]);

/** Elements whose content is code or embedded media, never text of the table. */
export function dropsContent(tag: string): boolean {
  return DROP_WITH_CONTENT.has(tag);
}

/** Block-level boundaries become a space in the text so words on either side do not run together. */
const BLOCKISH = new Set([
  'p', 'div', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'tr', 'td', 'th', 'table', 'thead', 'tbody', 'tfoot', 'caption',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'section', 'article', 'header', 'footer', 'figure', 'figcaption',
]);

/** What was taken out of cell content, counted by tag / attribute name for one summary warning each. */
export interface Removed {
  /** Elements removed with their content (script, img, …). */
  dropped: Map<string, number>;
  /** Elements whose tag was removed but whose text was kept (a, span, div, …). */
  unwrapped: Map<string, number>;
  /** Attribute names seen on cell content (all are removed). */
  attributes: Map<string, number>;
}

export function newRemoved(): Removed {
  return { dropped: new Map(), unwrapped: new Map(), attributes: new Map() };
}

export function bump(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

type Piece = { kind: 'text'; s: string } | { kind: 'open'; tag: InlineTag } | { kind: 'close'; tag: InlineTag } | { kind: 'br' };

function isElement(n: T.ChildNode): n is T.Element {
  return 'tagName' in n;
}

function collect(nodes: readonly T.ChildNode[], out: Piece[], removed: Removed): void {
  for (const n of nodes) {
    if (n.nodeName === '#text') {
      out.push({ kind: 'text', s: (n as T.TextNode).value });
      continue;
    }
    if (!isElement(n)) continue; // comments, doctype
    const tag = n.tagName.toLowerCase();
    for (const a of n.attrs) bump(removed.attributes, a.name.toLowerCase());
    if (tag === 'br') {
      out.push({ kind: 'br' });
      continue;
    }
    const alias = ALIASES[tag];
    if (alias) {
      out.push({ kind: 'open', tag: alias });
      collect(n.childNodes, out, removed);
      out.push({ kind: 'close', tag: alias });
      continue;
    }
    if (DROP_WITH_CONTENT.has(tag)) {
      bump(removed.dropped, tag);
      continue;
    }
    bump(removed.unwrapped, tag);
    const block = BLOCKISH.has(tag);
    if (block) out.push({ kind: 'text', s: ' ' });
    collect(n.childNodes, out, removed);
    if (block) out.push({ kind: 'text', s: ' ' });
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** HTML's ASCII whitespace (not U+00A0, which a table may use on purpose). */
const WS = /[ \t\n\f\r]+/g;

/**
 * Turn pieces into text and HTML with whitespace collapsed as a browser shows it: runs of spaces become one, none at
 * the start or end of the cell or beside a line break; inline elements left empty are dropped.
 */
function render(pieces: readonly Piece[]): { text: string; html: string } {
  type Out = { kind: 'text'; s: string } | { kind: 'open' | 'close'; tag: InlineTag } | { kind: 'br' };
  const out: Out[] = [];
  let atLineStart = true;
  for (const p of pieces) {
    if (p.kind !== 'text') {
      if (p.kind === 'br') {
        trimTrailingSpace(out);
        atLineStart = true;
      }
      out.push(p);
      continue;
    }
    let s = p.s.replace(WS, ' ');
    if (atLineStart) s = s.replace(/^ /, '');
    if (s === '') continue;
    atLineStart = s.endsWith(' ');
    out.push({ kind: 'text', s });
  }
  trimTrailingSpace(out);
  // Drop inline elements with nothing inside (<b></b>), innermost first.
  const kept: Out[] = [];
  for (const p of out) {
    const prev = kept[kept.length - 1];
    if (p.kind === 'close' && prev?.kind === 'open' && prev.tag === p.tag) kept.pop();
    else kept.push(p);
  }
  // Trailing line breaks add nothing to a cell.
  while (kept.length > 0 && kept[kept.length - 1]?.kind === 'br') kept.pop();
  let text = '';
  let html = '';
  for (const p of kept) {
    if (p.kind === 'text') {
      text += p.s;
      html += escapeHtml(p.s);
    } else if (p.kind === 'br') {
      text += '\n';
      html += '<br>';
    } else {
      html += p.kind === 'open' ? `<${p.tag}>` : `</${p.tag}>`;
    }
  }
  return { text: text.replace(/^\n+/, ''), html: html.replace(/^(<br>)+/, '') };
}

/** Remove a space at the end of the last text piece (possibly before closing tags). */
function trimTrailingSpace(out: { kind: string; s?: string }[]): void {
  for (let i = out.length - 1; i >= 0; i--) {
    const p = out[i];
    if (!p || p.kind === 'close') continue;
    if (p.kind === 'text' && p.s !== undefined) {
      p.s = p.s.replace(/ $/, '');
      if (p.s === '') out.splice(i, 1);
    }
    return;
  }
}

/** Text and sanitised inline HTML of a cell's child nodes. */
export function cellContent(nodes: readonly T.ChildNode[], removed: Removed): { text: string; html: string } {
  const pieces: Piece[] = [];
  collect(nodes, pieces, removed);
  return render(pieces);
}

/**
 * Re-sanitise an inline-HTML string (e.g. a cell that arrived over IPC or from a file): parse it as a browser would
 * inside a table cell and rebuild it from the allowlist. Idempotent on the parser's own output.
 */
export function sanitizeInlineHtml(html: string): { text: string; html: string } {
  const fragment = parseFragment(html);
  return cellContent(fragment.childNodes, newRemoved());
}

/** A stretch of cell text with the inline formatting in force over it (for spreadsheet rich text). */
export interface InlineRun {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  vertAlign: 'superscript' | 'subscript' | null;
}

const UNESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * Cell HTML → formatted runs. The HTML is first re-sanitised, so what is tokenised here is only our own restricted
 * form (allowlisted tags without attributes, text escaped with the five entities above); a regular expression is then
 * a complete reader of it, not an HTML parser.
 */
export function inlineRuns(html: string): InlineRun[] {
  const clean = sanitizeInlineHtml(html).html;
  const depth = { b: 0, i: 0, u: 0, sup: 0, sub: 0 };
  const runs: InlineRun[] = [];
  const push = (text: string): void => {
    const vertAlign = depth.sup > 0 ? 'superscript' : depth.sub > 0 ? 'subscript' : null;
    const run = { text, bold: depth.b > 0, italic: depth.i > 0, underline: depth.u > 0, vertAlign } as const;
    const last = runs[runs.length - 1];
    if (last && last.bold === run.bold && last.italic === run.italic && last.underline === run.underline && last.vertAlign === run.vertAlign) {
      last.text += text;
    } else runs.push({ ...run });
  };
  for (const m of clean.matchAll(/<(\/?)(b|i|u|sup|sub)>|<br>|[^<]+/g)) {
    if (m[2]) depth[m[2] as keyof typeof depth] += m[1] ? -1 : 1;
    else if (m[0] === '<br>') push('\n');
    else push(m[0].replace(/&(amp|lt|gt|quot|#39);/g, (e) => UNESCAPES[e] ?? e));
  }
  return runs;
}
