// Rectangular cell selection over a parsed table and its TSV copy: pure functions, no DOM, so they are unit-tested.
// A table here is the parser's grid (every slot covered by exactly one cell, row/col of each cell's top-left slot).

export interface GridCell {
  row: number;
  col: number;
  rowspan: number;
  colspan: number;
  text: string;
}

export interface GridTable<C extends GridCell = GridCell> {
  rows: number;
  cols: number;
  cells: readonly C[];
}

export interface Slot {
  row: number;
  col: number;
}

/** Inclusive rectangle of slots. */
export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Index of the cell covering each slot (−1 where none does, which a well-formed grid never has). */
export function slotOwners(t: GridTable): Int32Array[] {
  const owners = Array.from({ length: t.rows }, () => new Int32Array(t.cols).fill(-1));
  t.cells.forEach((c, i) => {
    for (let r = c.row; r < Math.min(t.rows, c.row + c.rowspan); r++) {
      const line = owners[r];
      if (!line) continue;
      for (let k = c.col; k < Math.min(t.cols, c.col + c.colspan); k++) line[k] = i;
    }
  });
  return owners;
}

function clampSlot(t: GridTable, s: Slot): Slot {
  return { row: Math.max(0, Math.min(t.rows - 1, s.row)), col: Math.max(0, Math.min(t.cols - 1, s.col)) };
}

/**
 * The rectangle spanned by an anchor and a focus slot, grown as spreadsheets do until no merged cell is cut by its
 * edge (a selection touching part of a spanned cell takes all of it). Null for an empty table.
 */
export function selectionRect(t: GridTable, anchor: Slot, focus: Slot, owners = slotOwners(t)): Rect | null {
  if (t.rows === 0 || t.cols === 0) return null;
  const a = clampSlot(t, anchor);
  const f = clampSlot(t, focus);
  const rect: Rect = { top: Math.min(a.row, f.row), left: Math.min(a.col, f.col), bottom: Math.max(a.row, f.row), right: Math.max(a.col, f.col) };
  for (let grown = true; grown; ) {
    grown = false;
    for (let r = rect.top; r <= rect.bottom; r++) {
      for (let k = rect.left; k <= rect.right; k++) {
        const c = t.cells[owners[r]?.[k] ?? -1];
        if (!c) continue;
        const bottom = Math.min(t.rows, c.row + c.rowspan) - 1;
        const right = Math.min(t.cols, c.col + c.colspan) - 1;
        if (c.row < rect.top || c.col < rect.left || bottom > rect.bottom || right > rect.right) {
          rect.top = Math.min(rect.top, c.row);
          rect.left = Math.min(rect.left, c.col);
          rect.bottom = Math.max(rect.bottom, bottom);
          rect.right = Math.max(rect.right, right);
          grown = true;
        }
      }
    }
  }
  return rect;
}

/** Whether a cell lies in the rectangle (after selectionRect, a cell is either wholly in or wholly out). */
export function cellInRect(c: Slot, rect: Rect | null): boolean {
  return rect !== null && c.row >= rect.top && c.row <= rect.bottom && c.col >= rect.left && c.col <= rect.right;
}

/**
 * Spreadsheets run a pasted value that starts with = + - @ (or tab / CR) as a formula; model output is hostile, so such
 * a value gets a leading apostrophe. Numbers ("-12.5", "+3 %") and a lone dash stay as they are. The same rule as the
 * CSV export in models/ (which the renderer may not import).
 */
export function defuseFormula(s: string): string {
  if (!/^[=+\-@\t\r]/.test(s)) return s;
  if (/^[+-]?[\d\s.,]*%?$/.test(s)) return s;
  return `'${s}`;
}

/** A TSV field as Excel and LibreOffice read it from the clipboard: quoted when it holds a tab, newline or quote. */
function tsvField(s: string): string {
  const v = defuseFormula(s);
  return /[\t\r\n"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The selected rectangle as tab-separated lines: one line per row, one field per column; a spanned cell's text sits in
 * its top-left slot and the other slots it covers are empty, so the pasted block keeps the table's shape.
 */
export function selectionTsv(t: GridTable, rect: Rect | null): string {
  if (!rect) return '';
  const grid = Array.from({ length: rect.bottom - rect.top + 1 }, () => Array.from({ length: rect.right - rect.left + 1 }, () => ''));
  for (const c of t.cells) {
    if (!cellInRect(c, rect)) continue;
    const line = grid[c.row - rect.top];
    if (line) line[c.col - rect.left] = c.text;
  }
  return grid.map((line) => line.map(tsvField).join('\t')).join('\n');
}

/** The whole table as a rectangle (null when empty). */
export function wholeTable(t: GridTable): Rect | null {
  return t.rows > 0 && t.cols > 0 ? { top: 0, left: 0, bottom: t.rows - 1, right: t.cols - 1 } : null;
}

/**
 * The slot an arrow key moves to from `from`: one step past the edge of the cell covering `from` (so a spanned cell
 * is crossed in one step), staying on the same row/column line, clamped to the grid.
 */
export function stepSlot(t: GridTable, from: Slot, dRow: -1 | 0 | 1, dCol: -1 | 0 | 1, owners = slotOwners(t)): Slot {
  const c = t.cells[owners[from.row]?.[from.col] ?? -1];
  let { row, col } = from;
  if (c) {
    if (dRow > 0) row = c.row + c.rowspan;
    else if (dRow < 0) row = c.row - 1;
    if (dCol > 0) col = c.col + c.colspan;
    else if (dCol < 0) col = c.col - 1;
  } else {
    row += dRow;
    col += dCol;
  }
  return clampSlot(t, { row, col });
}
