// Names of files Paliscope writes, built from text that came from elsewhere (a document's name, a run's task and
// model name — all of which a shared project file sets; a dropped file's or a project copy's name): exported files,
// zip entries, documents kept for batches and project copies. One rule, safeName, for all of them. Every component is sanitised on its own and an
// archive's entry list is checked as a whole before it is written, so no entry can climb out of the folder it is
// unpacked into (zip-slip), whatever the project says.

/** The most characters one component keeps (file systems allow 255 bytes; a UTF-8 letter may take 4 of them). */
export const NAME_MAX = 60;

// Device names Windows reserves in every folder, with or without an extension.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * One path component safe on every platform: letters, digits and `._ -` only (no separators, no control
 * characters), never `.`/`..` or a hidden name, no trailing dot or space, not a Windows device name, at most
 * NAME_MAX characters; `fallback` when nothing is left.
 */
export function safeName(name: string, fallback: string): string {
  let n = name.replace(/[^\p{L}\p{N}._ -]+/gu, '_');
  // Leading dots would make `..` or a hidden file; trailing dots and spaces are dropped by Windows.
  n = n.replace(/^[.\s]+/, '').slice(0, NAME_MAX).replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(n)) n = `_${n}`;
  return n || fallback;
}

/**
 * A file name with the given extension from a name someone else chose: its stem made safe by safeName, then its own
 * spelling of the extension when it has one (`.TIF`, `.jpeg` and `.tiff` count as `tif`/`jpg`), `.extension` otherwise.
 */
export function safeFileName(name: string, extension: string, fallback = 'document'): string {
  const pattern = extension === 'jpg' ? 'jpe?g' : extension === 'tif' ? 'tiff?' : extension.replace(/[^a-z0-9]/gi, '');
  const own = new RegExp(`\\.(${pattern})$`, 'i').exec(name);
  const stem = own ? name.slice(0, own.index) : name;
  return `${safeName(stem, fallback)}.${own?.[1] ?? extension}`;
}

/**
 * Refuses an archive whose entry names would not stay inside the folder it is unpacked into: an absolute path, a
 * drive letter, a backslash, an empty, `.` or `..` segment. Names are built from safe components, so this only
 * fires when a builder forgot one; it names the entry.
 */
export function assertEntriesContained(names: Iterable<string>): void {
  for (const name of names) {
    const segments = name.split('/');
    const bad = name.length === 0 || name.includes('\\') || /^[a-z]:/i.test(name) || name.includes('\0')
      || segments.some((s) => s === '' || s === '.' || s === '..');
    if (bad) throw new Error(`the export would contain an entry that leaves its folder: ${JSON.stringify(name)}`);
  }
}
