// Verovio names the elements it imports from Humdrum after their place in the text: a note is
// `note-L<line>F<field>` (1-based), and a chord's notes add `S<n>` for the n-th space-separated note of the token.

/** The kern note token behind a Verovio note id, or undefined when the id has another shape or points nowhere. */
export function kernTokenAt(lines: string[], id: string): string | undefined {
  const m = /^note-L(\d+)F(\d+)(?:S(\d+))?$/.exec(id);
  if (!m) return undefined;
  const field = lines[Number(m[1]) - 1]?.split('\t')[Number(m[2]) - 1];
  return field?.split(' ')[m[3] ? Number(m[3]) - 1 : 0];
}
