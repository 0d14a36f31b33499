import { describe, expect, it } from 'vitest';
import { cellInRect, defuseFormula, selectionRect, selectionTsv, stepSlot, wholeTable, type GridTable } from './table-selection';

// A │ B  (B spans 2 columns)
// ^ │ C │ D   (A spans 2 rows)
// E │ F │ G
const cell = (row: number, col: number, text: string, rowspan = 1, colspan = 1) => ({ row, col, rowspan, colspan, text });
const T: GridTable = {
  rows: 3,
  cols: 3,
  cells: [cell(0, 0, 'A', 2), cell(0, 1, 'B', 1, 2), cell(1, 1, 'C'), cell(1, 2, 'D'), cell(2, 0, 'E'), cell(2, 1, 'F'), cell(2, 2, 'G')],
};

describe('selectionRect', () => {
  it('normalises anchor and focus in any order', () => {
    expect(selectionRect(T, { row: 2, col: 2 }, { row: 1, col: 1 })).toEqual({ top: 1, left: 1, bottom: 2, right: 2 });
  });

  it('grows to take in the whole of every spanned cell it touches', () => {
    // C alone: no span involved.
    expect(selectionRect(T, { row: 1, col: 1 }, { row: 1, col: 1 })).toEqual({ top: 1, left: 1, bottom: 1, right: 1 });
    // From C to E touches A (rows 0–1), which pulls in B's row, and B spans to column 2.
    expect(selectionRect(T, { row: 1, col: 1 }, { row: 2, col: 0 })).toEqual({ top: 0, left: 0, bottom: 2, right: 2 });
    // B alone covers both of its columns.
    expect(selectionRect(T, { row: 0, col: 2 }, { row: 0, col: 2 })).toEqual({ top: 0, left: 1, bottom: 0, right: 2 });
  });

  it('clamps slots outside the grid and is null for an empty table', () => {
    expect(selectionRect(T, { row: -5, col: 9 }, { row: 9, col: 9 })).toEqual({ top: 0, left: 1, bottom: 2, right: 2 });
    expect(selectionRect({ rows: 0, cols: 0, cells: [] }, { row: 0, col: 0 }, { row: 0, col: 0 })).toBeNull();
  });
});

describe('selectionTsv', () => {
  it('writes a spanned value in its top-left slot and keeps the block rectangular', () => {
    expect(selectionTsv(T, wholeTable(T))).toBe('A\tB\t\n\tC\tD\nE\tF\tG');
    expect(selectionTsv(T, selectionRect(T, { row: 1, col: 1 }, { row: 2, col: 2 }))).toBe('C\tD\nF\tG');
  });

  it('quotes tabs, newlines and quotes, and defuses formulas', () => {
    const t: GridTable = { rows: 1, cols: 4, cells: [cell(0, 0, 'a\tb'), cell(0, 1, 'line 1\nline 2'), cell(0, 2, 'say "hi"'), cell(0, 3, '=cmd|x')] };
    expect(selectionTsv(t, wholeTable(t))).toBe('"a\tb"\t"line 1\nline 2"\t"say ""hi"""\t\'=cmd|x');
  });

  it('is empty without a selection', () => {
    expect(selectionTsv(T, null)).toBe('');
  });
});

describe('defuseFormula', () => {
  it('leaves numbers and plain text alone', () => {
    expect(['-12.5', '+3 %', '-', 'abc', '', '(1,234)'].map(defuseFormula)).toEqual(['-12.5', '+3 %', '-', 'abc', '', '(1,234)']);
    expect(['=1+1', '@x', '-a', '+b'].map(defuseFormula)).toEqual(["'=1+1", "'@x", "'-a", "'+b"]);
  });
});

describe('cellInRect and stepSlot', () => {
  it('tests membership by the top-left slot', () => {
    const r = { top: 1, left: 1, bottom: 2, right: 2 };
    expect(T.cells.filter((c) => cellInRect(c, r)).map((c) => c.text)).toEqual(['C', 'D', 'F', 'G']);
    expect(cellInRect({ row: 0, col: 0 }, null)).toBe(false);
  });

  it('crosses a spanned cell in one step and stops at the grid edge', () => {
    expect(stepSlot(T, { row: 0, col: 0 }, 1, 0)).toEqual({ row: 2, col: 0 }); // past A's rowspan
    expect(stepSlot(T, { row: 0, col: 1 }, 0, 1)).toEqual({ row: 0, col: 2 }); // past B's colspan, clamped
    expect(stepSlot(T, { row: 1, col: 1 }, 0, -1)).toEqual({ row: 1, col: 0 }); // into A
    expect(stepSlot(T, { row: 0, col: 0 }, -1, 0)).toEqual({ row: 0, col: 0 });
  });
});
