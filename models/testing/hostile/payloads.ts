// Hostile model outputs for the tests: text a model (or a correction typed by someone) may produce that costs the
// parsers a lot — a **kern score of thousands of chords across many spines for Verovio, a SMILES of thousands of
// atoms and rings for RDKit, a table of nested and spanning cells for the table parser.

/** A **kern score with `spines` spines and `bars` bars of four chords each. */
export function hostileKern(o: { spines: number; bars: number }): string {
  const row = (cells: string): string => Array.from({ length: o.spines }, () => cells).join('\t');
  const lines = [row('**kern'), row('*M4/4')];
  for (let b = 1; b <= o.bars; b++) {
    for (let i = 0; i < 4; i++) lines.push(row('4CEGBdfa'));
    lines.push(row(`=${b}`));
  }
  lines.push(row('*-'));
  return lines.join('\n');
}

/** A SMILES of `atoms` carbons with a ring closure every few atoms. */
export function hostileSmiles(atoms: number): string {
  let s = '';
  for (let i = 0; i < atoms; i++) s += i % 6 === 0 ? `C${(i % 9) + 1}` : 'C';
  return s;
}

/** An HTML table `depth` levels of nested tables, each with spanning cells. */
export function hostileTable(depth: number, cells = 50): string {
  let inner = 'x';
  for (let d = 0; d < depth; d++) inner = `<table><tr>${`<td colspan="1000" rowspan="1000">${inner}</td>`.repeat(2)}${'<td>y</td>'.repeat(cells)}</tr></table>`;
  return inner;
}
