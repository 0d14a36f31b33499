// The kern listing shown beside an invalid music result: the lines around the error, numbered, with the faulty line
// and (when known) its faulty spine marked. Returned as plain parts for the view to interpolate as text.

export interface KernListingLine {
  /** 1-based line number in the kern text. */
  number: number;
  /** The line's tab-separated fields. */
  fields: string[];
  marked: boolean;
  /** 0-based index of the marked field, or null. */
  markedField: number | null;
}

export interface KernListing {
  lines: KernListingLine[];
  /** Lines left out before and after the excerpt. */
  hiddenBefore: number;
  hiddenAfter: number;
}

/** `radius` lines either side of `error.line` (the whole text when there is no error line). */
export function kernListing(kern: string, error: { line: number; column: number | null } | null, radius = 8): KernListing {
  const all = kern.split('\n');
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  const target = error ? Math.min(Math.max(error.line, 1), Math.max(all.length, 1)) : null;
  const from = target === null ? 1 : Math.max(1, target - radius);
  const to = target === null ? all.length : Math.min(all.length, target + radius);
  const lines: KernListingLine[] = [];
  for (let n = from; n <= to; n++) {
    const marked = error !== null && n === error.line;
    const fields = (all[n - 1] ?? '').split('\t');
    const markedField = marked && error.column !== null && error.column <= fields.length ? error.column - 1 : null;
    lines.push({ number: n, fields, marked, markedField });
  }
  return { lines, hiddenBefore: from - 1, hiddenAfter: Math.max(0, all.length - to) };
}

/** "line 7", "line 3, spine 2". */
export function positionLabel(error: { line: number; column: number | null }): string {
  return error.column === null ? `line ${error.line}` : `line ${error.line}, spine ${error.column}`;
}
