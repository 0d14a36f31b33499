// The HTML table model's slot assignment (WHATWG HTML §4.9.12 "forming a table"), reduced to what a parsed table
// needs: each cell takes the next free column of its row, skipping slots held by rowspans from rows above; rowspans
// stop at the end of their row group (thead / tbody / tfoot), as rowspan="0" does by definition.
//
// Where a browser would let cells overlap (a colspan running into a slot a rowspan already holds) we shorten the
// colspan instead, so every slot belongs to exactly one cell: CSV, XLSX merged ranges and selection all need that.
// Written by hand because no maintained library exposes this algorithm over a plain list of cells.

export const MAX_SPAN = 1000;
/** Grid slots (rows × columns) laid out at most; beyond this the model output is not a plausible table. */
export const MAX_SLOTS = 200_000;

export interface SourceCell {
  /** rowspan / colspan attribute values as written, or null when absent. */
  rowspan: string | null;
  colspan: string | null;
  header: boolean;
  text: string;
  html: string;
}

export interface SourceRow {
  cells: SourceCell[];
  /** The row belongs to a <thead>. */
  inHead: boolean;
}

export interface PlacedCell {
  row: number;
  col: number;
  rowspan: number;
  colspan: number;
  header: boolean;
  text: string;
  html: string;
  /** True for the empty cells added to fill short rows. */
  padding: boolean;
}

export interface Layout {
  rows: number;
  cols: number;
  /** Sorted by row, then column; every slot of the rows × cols grid is covered by exactly one cell. */
  cells: PlacedCell[];
  warnings: string[];
}

/** Rows and columns in messages count from 1, as a reader counts them. */
function rc(row: number, col: number): string {
  return `row ${row + 1}, column ${col + 1}`;
}

function list(ns: readonly number[], max = 8): string {
  const shown = ns.slice(0, max).map((n) => n + 1).join(', ');
  return ns.length > max ? `${shown} and ${ns.length - max} more` : shown;
}

/** Non-negative integer from an attribute as the HTML spec reads it ("2px" → 2, "x" → null). */
function spanValue(raw: string | null): number | null {
  if (raw === null) return null;
  const m = /^[ \t\n\f\r]*\+?(\d+)/.exec(raw);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** Lay rows out on a grid. `groups` are the table's row groups in order, each a list of rows. */
export function layoutRows(groups: readonly SourceRow[][]): Layout {
  const warnings: string[] = [];
  const occupied: boolean[][] = [];
  const isFree = (r: number, c: number): boolean => !occupied[r]?.[c];
  const cells: PlacedCell[] = [];
  const headRows = new Set<number>();
  let width = 0;
  let R = 0; // next grid row
  let slots = 0;
  let stoppedAt: number | null = null;
  const clampedCol: string[] = [];
  const clampedRow: string[] = [];
  const overlaps: string[] = [];
  let emptyRowsDropped = 0;

  outer: for (const group of groups) {
    for (let g = 0; g < group.length; g++) {
      const src = group[g];
      if (!src) continue;
      const rowsLeftInGroup = group.length - g;
      if (src.cells.length === 0 && !(occupied[R]?.some(Boolean) ?? false)) {
        // An empty <tr> that no rowspan reaches holds nothing (it is often what a truncated output ends with).
        emptyRowsDropped++;
        continue;
      }
      if (src.inHead) headRows.add(R);
      let col = 0;
      for (const cell of src.cells) {
        while (!isFree(R, col)) col++;
        let colspan = spanValue(cell.colspan) ?? 1;
        if (colspan === 0) colspan = 1; // colspan="0" is an error; browsers read it as 1
        let rowspan = spanValue(cell.rowspan) ?? 1;
        if (rowspan === 0) rowspan = rowsLeftInGroup; // rowspan="0": to the end of the row group (HTML spec)
        if (colspan > MAX_SPAN) {
          clampedCol.push(`${rc(R, col)}: colspan ${colspan} → ${MAX_SPAN}`);
          colspan = MAX_SPAN;
        }
        if (rowspan > MAX_SPAN) {
          clampedRow.push(`${rc(R, col)}: rowspan ${rowspan} → ${MAX_SPAN}`);
          rowspan = MAX_SPAN;
        }
        if (rowspan > rowsLeftInGroup) {
          // Browsers end a rowspan at its row group's last row; say so, since the model meant more rows.
          clampedRow.push(`${rc(R, col)}: rowspan ${rowspan} → ${rowsLeftInGroup} (rows left in its group)`);
          rowspan = rowsLeftInGroup;
        }
        // A rowspan from above holding a slot inside this colspan: stop the colspan there (see top of file). Checking
        // this row is enough: anything holding a lower slot of this column range also holds this row's slot.
        let fits = 1;
        while (fits < colspan && isFree(R, col + fits)) fits++;
        if (fits < colspan) {
          overlaps.push(`${rc(R, col)}: colspan ${colspan} → ${fits}`);
          colspan = fits;
        }
        const area = rowspan * colspan;
        if (slots + area > MAX_SLOTS || Math.max(width, col + colspan) * (R + rowspan) > MAX_SLOTS) {
          stoppedAt = R;
          break outer;
        }
        slots += area;
        for (let r = R; r < R + rowspan; r++) {
          const line = (occupied[r] ??= []);
          for (let c = col; c < col + colspan; c++) line[c] = true;
        }
        cells.push({ row: R, col, rowspan, colspan, header: cell.header || src.inHead, text: cell.text, html: cell.html, padding: false });
        width = Math.max(width, col + colspan);
        col += colspan;
      }
      R++;
    }
  }
  let rows = R;
  if (stoppedAt !== null) {
    rows = stoppedAt;
    // Cells of the unfinished row and rowspans into it are cut at the last complete row.
    for (let i = cells.length - 1; i >= 0; i--) {
      const c = cells[i];
      if (!c) continue;
      if (c.row >= rows) cells.splice(i, 1);
      else if (c.row + c.rowspan > rows) c.rowspan = rows - c.row;
    }
    occupied.length = rows;
    width = cells.reduce((w, c) => Math.max(w, c.col + c.colspan), 0);
    warnings.push(`The table is implausibly large (over ${MAX_SLOTS.toLocaleString('en-US')} grid slots); kept the first ${rows} rows.`);
  }

  // Pad short rows with empty cells so every row has the same width.
  const padded: number[] = [];
  for (let r = 0; r < rows; r++) {
    let added = false;
    for (let c = 0; c < width; c++) {
      if (isFree(r, c)) {
        cells.push({ row: r, col: c, rowspan: 1, colspan: 1, header: headRows.has(r), text: '', html: '', padding: true });
        added = true;
      }
    }
    if (added) padded.push(r);
  }
  cells.sort((a, b) => a.row - b.row || a.col - b.col);

  if (emptyRowsDropped > 0) warnings.push(`Dropped ${emptyRowsDropped} empty row(s) (<tr> without cells).`);
  if (clampedCol.length > 0 || clampedRow.length > 0) {
    const all = [...clampedCol, ...clampedRow];
    warnings.push(`Spans shortened (absurd, or past the end of their row group): ${all.slice(0, 6).join('; ')}${all.length > 6 ? `; and ${all.length - 6} more` : ''}.`);
  }
  if (overlaps.length > 0) {
    warnings.push(`Overlapping cells: a colspan ran into a slot a rowspan above already holds; shortened ${overlaps.slice(0, 6).join('; ')}${overlaps.length > 6 ? `; and ${overlaps.length - 6} more` : ''}.`);
  }
  if (padded.length > 0) {
    warnings.push(`Rows of unequal width: row(s) ${list(padded)} padded with empty cells to ${width} column(s).`);
  }
  return { rows, cols: width, cells, warnings };
}
