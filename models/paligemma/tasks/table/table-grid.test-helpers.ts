// Test helpers: draw a parsed table as a grid of strings and check its structural invariants.
import { expect } from 'vitest';
import type { TableResult } from './parse-table';

/**
 * One string per slot: the cell's text at its top-left slot, `<` where a colspan from the left covers the slot and
 * `^` where a rowspan from above does. A header cell's text is wrapped in `*…*`.
 */
export function drawGrid(t: TableResult): string[][] {
  const g: string[][] = Array.from({ length: t.rows }, () => Array.from({ length: t.cols }, () => '?'));
  for (const c of t.cells) {
    for (let r = c.row; r < c.row + c.rowspan; r++) {
      for (let k = c.col; k < c.col + c.colspan; k++) {
        const line = g[r];
        if (line) line[k] = r === c.row && k === c.col ? (c.header ? `*${c.text}*` : c.text) : r === c.row ? '<' : '^';
      }
    }
  }
  return g;
}

/** Every slot of rows × cols is covered by exactly one cell; cells are sorted row-major; spans ≥ 1. */
export function expectWellFormed(t: TableResult): void {
  const owner: number[][] = Array.from({ length: t.rows }, () => Array.from({ length: t.cols }, () => -1));
  t.cells.forEach((c, i) => {
    expect(c.rowspan).toBeGreaterThanOrEqual(1);
    expect(c.colspan).toBeGreaterThanOrEqual(1);
    expect(c.row + c.rowspan).toBeLessThanOrEqual(t.rows);
    expect(c.col + c.colspan).toBeLessThanOrEqual(t.cols);
    for (let r = c.row; r < c.row + c.rowspan; r++) {
      for (let k = c.col; k < c.col + c.colspan; k++) {
        expect(owner[r]?.[k], `slot ${r},${k} covered twice`).toBe(-1);
        (owner[r] as number[])[k] = i;
      }
    }
    const prev = t.cells[i - 1];
    if (prev) expect(prev.row < c.row || (prev.row === c.row && prev.col < c.col)).toBe(true);
  });
  for (const line of owner) expect(line.includes(-1), 'uncovered slot').toBe(false);
}
