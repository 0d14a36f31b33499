// PaliGemma 2 table-structure output (PubTabNet / FinTabNet-style HTML) → a grid of cells.
//
// The output is hostile text and often malformed (unclosed tags at the token limit, stray text, markup a table has
// no business holding). parse5 reads it exactly as a browser's HTML parser would (implied end tags, foster-parented
// text, entities), so the structure we lay out is the one a browser would show; cell content is then rebuilt from an
// inline allowlist (inline-html.ts). Never throws: anything odd becomes a warning on a partial result.
import { parse, type DefaultTreeAdapterTypes as T } from 'parse5';
import { bump, cellContent, dropsContent, escapeHtml, newRemoved, type Removed } from './inline-html';
import { layoutRows, type SourceRow } from './layout';

export interface TableCell {
  /** Grid position (0-based) of the cell's top-left slot, after span layout. */
  row: number;
  col: number;
  rowspan: number;
  colspan: number;
  /** <th>, or any cell of a <thead> row. */
  header: boolean;
  /** Plain text; whitespace collapsed as a browser shows it, <br> as "\n". */
  text: string;
  /** Inline HTML rebuilt from b, i, sup, sub, u, br only, without attributes, all text escaped. */
  html: string;
}

export interface TableResult {
  rows: number;
  cols: number;
  /** Row-major; every slot of the rows × cols grid is covered by exactly one cell (short rows are padded). */
  cells: TableCell[];
  warnings: string[];
}

/** At most this many cells (padding included) are returned; the contract schema enforces the same bound. */
export const MAX_CELLS = 20_000;
/** Longest cell text kept, and the longest html (text escaped grows at most 6×: " → &quot;). */
export const MAX_CELL_TEXT = 10_000;
export const MAX_CELL_HTML = 60_000;

function isElement(n: T.ChildNode | T.ParentNode): n is T.Element {
  return 'tagName' in n;
}

function attr(el: T.Element, name: string): string | null {
  return el.attrs.find((a) => a.name === name)?.value ?? null;
}

function excerpt(s: string, n = 60): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > n ? `${t.slice(0, n)}…` : t);
}

/** "a ×2, b" — at most `max` names (a hostile output can invent any number of tag names), each cut to 30 chars. */
function counts(m: Map<string, number>, wrap: (k: string) => string, max = 12): string {
  const shown = [...m].slice(0, max).map(([k, n]) => {
    const name = wrap(k.length > 30 ? `${k.slice(0, 30)}…` : k);
    return n > 1 ? `${name} ×${n}` : name;
  });
  return m.size > max ? `${shown.join(', ')} and ${m.size - max} more` : shown.join(', ');
}

/** The contract bounds warnings (count and length); ours stay far below, this only makes sure. */
export const MAX_WARNINGS = 100;
export const MAX_WARNING_LENGTH = 2_000;

/** `<eos>` ends the answer (docs/paligemma.md §6); a trailing newline is decoder residue. */
function clean(raw: string): string {
  const eos = raw.indexOf('<eos>');
  return (eos >= 0 ? raw.slice(0, eos) : raw).replace(/\r?\n$/, '');
}

/** Tables in document order that are not inside another table. */
function topLevelTables(node: T.ParentNode, out: T.Element[] = []): T.Element[] {
  for (const child of node.childNodes) {
    if (!isElement(child)) continue;
    if (child.tagName === 'table') out.push(child);
    else topLevelTables(child, out);
  }
  return out;
}

/** Text and dropped elements outside the table's cells (skipping `skip`, the chosen table, handled separately). */
function outsideCells(node: T.ParentNode, skip: T.Element | null, text: string[], removed: Removed): void {
  for (const child of node.childNodes) {
    if (child.nodeName === '#text') {
      const v = (child as T.TextNode).value;
      if (v.trim()) text.push(v);
    } else if (isElement(child) && child !== skip) {
      if (!['html', 'head', 'body', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th'].includes(child.tagName)) bump(removed.dropped, child.tagName);
      if (!dropsContent(child.tagName)) outsideCells(child, skip, text, removed);
    }
  }
}

function readRow(tr: T.Element, inHead: boolean, removed: Removed): SourceRow {
  const row: SourceRow = { cells: [], inHead };
  for (const child of tr.childNodes) {
    if (!isElement(child)) continue; // whitespace; other text was foster-parented out of the table by the parser
    if (child.tagName === 'td' || child.tagName === 'th') {
      for (const a of child.attrs) if (a.name !== 'rowspan' && a.name !== 'colspan') bump(removed.attributes, a.name);
      const { text, html } = cellContent(child.childNodes, removed);
      row.cells.push({ rowspan: attr(child, 'rowspan'), colspan: attr(child, 'colspan'), header: child.tagName === 'th', text, html });
    } else {
      bump(removed.dropped, child.tagName); // <script>, <template>, … are allowed in a <tr> by the parser
    }
  }
  return row;
}

/** The table's row groups in document order (the parser already wraps stray <tr>s in a <tbody>). */
function readGroups(table: T.Element, removed: Removed, warnings: string[]): SourceRow[][] {
  const groups: SourceRow[][] = [];
  for (const child of table.childNodes) {
    if (!isElement(child)) continue;
    const tag = child.tagName;
    if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') {
      const rows: SourceRow[] = [];
      for (const tr of child.childNodes) {
        if (!isElement(tr)) continue;
        if (tr.tagName === 'tr') rows.push(readRow(tr, tag === 'thead', removed));
        else bump(removed.dropped, tr.tagName);
      }
      groups.push(rows);
    } else if (tag === 'tr') {
      groups.push([readRow(child, false, removed)]);
    } else if (tag === 'caption') {
      const { text } = cellContent(child.childNodes, newRemoved());
      if (text) warnings.push(`Ignored the table's caption ${excerpt(text)}.`);
    } else if (tag !== 'colgroup' && tag !== 'col') {
      bump(removed.dropped, tag);
    }
  }
  return groups;
}

function empty(warnings: string[]): TableResult {
  return { rows: 0, cols: 0, cells: [], warnings };
}

export function parseTable(raw: string): TableResult {
  try {
    return parseUnsafe(typeof raw === 'string' ? raw : String(raw));
  } catch (e) {
    // Nothing above is expected to throw; if it ever does, the UI still gets a result and the reason.
    return empty([`Could not read the table output: ${e instanceof Error ? e.message : String(e)}.`]);
  }
}

function parseUnsafe(raw: string): TableResult {
  const warnings: string[] = [];
  const source = clean(raw);
  if (!source.trim()) return empty(['The output is empty: no table.']);

  const errors = new Map<string, number>();
  const read = (html: string): T.Document =>
    parse(html, { sourceCodeLocationInfo: true, onParseError: (e) => (e.code === 'missing-doctype' ? undefined : bump(errors, e.code)) });
  let doc = read(source);
  let tables = topLevelTables(doc);
  let wrapped = false;
  if (tables.length === 0) {
    if (!/<(tr|td|th|thead|tbody|tfoot)\b/i.test(source)) return empty([`No <table> in the output: ${excerpt(source)}.`]);
    // PubTabNet's own structure annotations omit the <table> wrapper; a browser would drop bare rows, so add it.
    warnings.push('No <table> element: read the <tr>/<td> markup as one table.');
    errors.clear();
    doc = read(`<table>${source}</table>`);
    tables = topLevelTables(doc);
    wrapped = true;
  }
  const table = tables[0];
  if (!table) return empty([...warnings, 'No table could be read from the output.']);
  if (tables.length > 1) warnings.push(`The output holds ${tables.length} tables; showing the first.`);
  if (!wrapped && !table.sourceCodeLocation?.endTag) {
    warnings.push('The table is not closed (no </table>): the output looks truncated, e.g. at the token limit; kept what was there.');
  }
  if (errors.size > 0) {
    const endsInTag = errors.has('eof-in-tag');
    warnings.push(
      `Malformed HTML, read as a browser would (${counts(errors, (k) => k)})${endsInTag ? '; the output ends inside a tag, which was dropped' : ''}.`,
    );
  }

  const removed = newRemoved();
  const groups = readGroups(table, removed, warnings);
  const stray: string[] = [];
  outsideCells(doc, table, stray, removed);
  if (stray.length > 0) warnings.push(`Ignored text outside the table's cells: ${excerpt(stray.join(' '))}.`);

  const layout = layoutRows(groups);
  warnings.push(...layout.warnings);
  if (removed.dropped.size > 0) warnings.push(`Removed elements (with their content): ${counts(removed.dropped, (k) => `<${k}>`)}.`);
  if (removed.unwrapped.size > 0) warnings.push(`Removed markup inside cells, text kept: ${counts(removed.unwrapped, (k) => `<${k}>`)}.`);
  if (removed.attributes.size > 0) warnings.push(`Ignored attributes: ${counts(removed.attributes, (k) => k)}.`);

  let { rows, cells } = layout;
  if (cells.length > MAX_CELLS) {
    // Keep whole rows up to the bound; rowspans crossing the cut end at it.
    const last = cells[MAX_CELLS];
    rows = last ? last.row : rows;
    cells = cells.filter((c) => c.row < rows).map((c) => (c.row + c.rowspan > rows ? { ...c, rowspan: rows - c.row } : c));
    warnings.push(`The table has ${layout.cells.length} cells; kept the first ${rows} rows (${cells.length} cells, limit ${MAX_CELLS}).`);
  }
  if (rows === 0) warnings.push('The table has no cells.');

  let long = 0;
  const out: TableCell[] = cells.map((c) => {
    let { text, html } = c;
    if (text.length > MAX_CELL_TEXT || html.length > MAX_CELL_HTML) {
      long++;
      text = text.slice(0, MAX_CELL_TEXT);
      html = escapeHtml(text).replace(/\n/g, '<br>');
    }
    return { row: c.row, col: c.col, rowspan: c.rowspan, colspan: c.colspan, header: c.header, text, html };
  });
  if (long > 0) warnings.push(`${long} cell(s) held more than ${MAX_CELL_TEXT} characters; cut, formatting dropped.`);
  const cols = out.reduce((w, c) => Math.max(w, c.col + c.colspan), 0);
  const bounded = warnings.slice(0, MAX_WARNINGS).map((w) => (w.length > MAX_WARNING_LENGTH ? `${w.slice(0, MAX_WARNING_LENGTH - 1)}…` : w));
  return { rows, cols, cells: out, warnings: bounded };
}
