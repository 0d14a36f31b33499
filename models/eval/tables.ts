// Table metrics: TEDS and structure-only TEDS (Zhong et al. 2020, "Image-based table recognition: data, model, and
// evaluation", §V), and cell exact match, over the grid Paliscope keeps for a table (models/paligemma/tasks/table).
//
// The tree is the one PubTabNet's reference builds from the HTML: table → thead/tbody → tr → td, with each td's
// colspan, rowspan and content. Content is the cell's inline HTML as tokens: each character, and each inline tag as an
// opening and a closing token (<b>, </b>; <br> too, as lxml reports it). Deleting or inserting a node costs 1;
// renaming costs 1 between different tags or spans, and between two cells the Levenshtein distance of their contents
// over the longer one's length (0 in structure-only TEDS). TEDS = 1 − distance / nodes, where, as in the reference,
// nodes counts the elements below <table> in the larger table (inline tags inside cells included).
//
// The grid is laid out from the HTML first (rows padded to a rectangle), so the tree is rebuilt from the grid: rows
// whose cells are all headers at the top form the thead, the others the tbody, and every cell is a td (PubTabNet's
// HTML has no th). Truth and prediction pass through the same parser, so the padding affects both alike.
import { distance } from 'fastest-levenshtein';
import { editDistance } from './edit-distance';
import { treeEditDistance, type TreeNode } from './tree-edit';

export interface EvalCell { row: number; col: number; rowspan: number; colspan: number; header: boolean; text: string; html: string }
export interface EvalTable { rows: number; cols: number; cells: readonly EvalCell[] }

interface TedsNode {
  tag: string; colspan: number; rowspan: number; content: string[];
  /** The content with each token as one UTF-16 code unit (see Tokens), for fastest-levenshtein directly. */
  encoded: string | null;
}

/**
 * Gives each distinct content token of a pair of tables one code unit, so a cell's rename cost is one call of
 * fastest-levenshtein on two short strings (no per-pair set-up: a 70-cell table has ~5,000 cell pairs).
 */
class Tokens {
  readonly #codes = new Map<string, number>();
  encode(tokens: readonly string[]): string | null {
    let s = '';
    for (const t of tokens) {
      let c = this.#codes.get(t);
      if (c === undefined) {
        if (this.#codes.size >= 0x10000) return null;
        this.#codes.set(t, (c = this.#codes.size));
      }
      s += String.fromCharCode(c);
    }
    return s;
  }
}

/** Largest trees compared (nodes of one × nodes of the other): 4M pairs is 64 MB of working memory and a few seconds. */
export const MAX_TED_PAIRS = 4_000_000;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: '\u00a0' };

/** A cell's inline HTML as TEDS tokens, and how many inline elements it holds. */
export function cellTokens(html: string): { tokens: string[]; elements: number } {
  const tokens: string[] = [];
  let elements = 0;
  const re = /<(\/?)([a-z][a-z0-9]*)[^>]*>|&(#?[a-z0-9]+);|([^<&]+|[<&])/giu;
  for (const m of html.matchAll(re)) {
    if (m[2]) {
      const tag = m[2].toLowerCase();
      if (m[1]) { if (tag !== 'br') tokens.push(`</${tag}>`); }
      else {
        elements++;
        tokens.push(`<${tag}>`);
        if (tag === 'br') tokens.push('</br>');
      }
    } else if (m[3]) tokens.push(ENTITIES[m[3].toLowerCase()] ?? `&${m[3]};`);
    else if (m[4]) tokens.push(...Array.from(m[4]));
  }
  return { tokens, elements };
}

function tableTree(t: EvalTable, structureOnly: boolean, codes: Tokens): { tree: TreeNode<TedsNode>; elements: number } {
  const node = (tag: string, children: TreeNode<TedsNode>[] = []): TreeNode<TedsNode> => ({ value: { tag, colspan: 1, rowspan: 1, content: [], encoded: '' }, children });
  const byRow = new Map<number, EvalCell[]>();
  for (const c of t.cells) {
    const list = byRow.get(c.row) ?? [];
    list.push(c);
    byRow.set(c.row, list);
  }
  let elements = 0;
  const rows: { header: boolean; tr: TreeNode<TedsNode> }[] = [];
  for (let r = 0; r < t.rows; r++) {
    const cells = (byRow.get(r) ?? []).sort((a, b) => a.col - b.col);
    const tds = cells.map((c) => {
      const { tokens, elements: inline } = cellTokens(c.html);
      elements += 1 + inline;
      const content = structureOnly ? [] : tokens;
      return { value: { tag: 'td', colspan: c.colspan, rowspan: c.rowspan, content, encoded: codes.encode(content) }, children: [] };
    });
    elements++;
    rows.push({ header: cells.length > 0 && cells.every((c) => c.header), tr: node('tr', tds) });
  }
  let h = 0;
  while (h < rows.length && rows[h]!.header) h++;
  const sections: TreeNode<TedsNode>[] = [];
  if (h > 0) sections.push(node('thead', rows.slice(0, h).map((r) => r.tr)));
  if (h < rows.length) sections.push(node('tbody', rows.slice(h).map((r) => r.tr)));
  elements += sections.length;
  return { tree: node('table', sections), elements };
}

function renameCost(x: TedsNode, y: TedsNode): number {
  if (x.tag !== y.tag || x.colspan !== y.colspan || x.rowspan !== y.rowspan) return 1;
  if (x.tag === 'td' && (x.content.length || y.content.length)) {
    const d = x.encoded !== null && y.encoded !== null ? distance(x.encoded, y.encoded) : editDistance(x.content, y.content);
    return d / Math.max(x.content.length, y.content.length);
  }
  return 0;
}

/** TEDS of a predicted table against the truth (1 = identical), or null with the reason when too large to compare. */
export function teds(truth: EvalTable, prediction: EvalTable, opts: { structureOnly?: boolean } = {}, notes: string[] = []): number | null {
  const codes = new Tokens();
  const a = tableTree(truth, !!opts.structureOnly, codes), b = tableTree(prediction, !!opts.structureOnly, codes);
  const n = Math.max(a.elements, b.elements);
  if (n === 0) return 1;
  if ((a.elements + 1) * (b.elements + 1) > MAX_TED_PAIRS) {
    notes.push(`the tables are too large to compare by tree edit distance (${a.elements + 1} × ${b.elements + 1} nodes; at most ${MAX_TED_PAIRS} pairs)`);
    return null;
  }
  return 1 - treeEditDistance(a.tree, b.tree, renameCost) / n;
}

/**
 * Share of cells right: a cell is right when the prediction has a cell at the same grid position with the same spans
 * and the same text (white space collapsed, case kept). Over the larger number of cells, so extra cells count too.
 */
export function cellExactMatch(truth: EvalTable, prediction: EvalTable): number {
  const key = (c: EvalCell) => `${c.row},${c.col}`;
  const pred = new Map(prediction.cells.map((c) => [key(c), c]));
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/gu, ' ').trim();
  let right = 0;
  for (const c of truth.cells) {
    const p = pred.get(key(c));
    if (p && p.rowspan === c.rowspan && p.colspan === c.colspan && norm(p.text) === norm(c.text)) right++;
  }
  const n = Math.max(truth.cells.length, prediction.cells.length);
  return n ? right / n : 1;
}
