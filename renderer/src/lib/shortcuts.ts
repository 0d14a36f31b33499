// Every keyboard shortcut, declared once: the key handler and the help overlay both read this
// table, so the help can never drift from what the keys do.
export type Command =
  | 'open'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomActual'
  | 'fitWidth'
  | 'fitPage'
  | 'nextPage'
  | 'prevPage'
  | 'firstPage'
  | 'lastPage'
  | 'panUp'
  | 'panDown'
  | 'goToPage'
  | 'ocrPage'
  | 'ocrAll'
  | 'search'
  | 'nextLine'
  | 'prevLine'
  | 'copyLine'
  | 'toggleBoxes'
  | 'toggleThumbnails'
  | 'prevDocument'
  | 'nextDocument'
  | 'runModel'
  | 'settings'
  | 'escape'
  | 'help';

interface Chord {
  /** KeyboardEvent.key, compared case-insensitively for letters. */
  key: string;
  /** Ctrl on Linux/Windows, Cmd on macOS. */
  mod?: boolean;
  shift?: boolean;
}

export interface Shortcut {
  command: Command;
  chords: Chord[];
  /** What the help overlay shows, e.g. "Ctrl+O". */
  keys: string[];
  description: string;
  group: 'Document' | 'View' | 'Pages' | 'OCR' | 'Model' | 'General';
}

export const shortcuts: Shortcut[] = [
  { command: 'open', chords: [{ key: 'o', mod: true }, { key: 'o' }], keys: ['Ctrl+O', 'O'], description: 'Open files…', group: 'Document' },
  { command: 'prevDocument', chords: [{ key: '[' }], keys: ['['], description: 'Previous document tab', group: 'Document' },
  { command: 'nextDocument', chords: [{ key: ']' }], keys: [']'], description: 'Next document tab', group: 'Document' },
  { command: 'zoomIn', chords: [{ key: '+' }, { key: '=' }, { key: '=', mod: true }, { key: '+', mod: true }], keys: ['+', 'Ctrl+wheel up'], description: 'Zoom in', group: 'View' },
  { command: 'zoomOut', chords: [{ key: '-' }, { key: '-', mod: true }], keys: ['−', 'Ctrl+wheel down'], description: 'Zoom out', group: 'View' },
  { command: 'zoomActual', chords: [{ key: '0' }, { key: '0', mod: true }], keys: ['0'], description: 'Actual size (100 %)', group: 'View' },
  { command: 'fitWidth', chords: [{ key: 'w' }], keys: ['W'], description: 'Fit width', group: 'View' },
  { command: 'fitPage', chords: [{ key: 'f' }], keys: ['F'], description: 'Fit page', group: 'View' },
  { command: 'panUp', chords: [{ key: 'ArrowUp' }], keys: ['↑'], description: 'Pan up', group: 'View' },
  { command: 'panDown', chords: [{ key: 'ArrowDown' }], keys: ['↓'], description: 'Pan down', group: 'View' },
  { command: 'toggleBoxes', chords: [{ key: 'b' }], keys: ['B'], description: 'Show or hide result boxes', group: 'View' },
  { command: 'toggleThumbnails', chords: [{ key: 't' }], keys: ['T'], description: 'Show or hide page thumbnails', group: 'View' },
  { command: 'nextPage', chords: [{ key: 'PageDown' }, { key: 'ArrowRight' }], keys: ['PgDn', '→'], description: 'Next page', group: 'Pages' },
  { command: 'prevPage', chords: [{ key: 'PageUp' }, { key: 'ArrowLeft' }], keys: ['PgUp', '←'], description: 'Previous page', group: 'Pages' },
  { command: 'firstPage', chords: [{ key: 'Home' }], keys: ['Home'], description: 'First page', group: 'Pages' },
  { command: 'lastPage', chords: [{ key: 'End' }], keys: ['End'], description: 'Last page', group: 'Pages' },
  { command: 'goToPage', chords: [{ key: 'g' }], keys: ['G'], description: 'Go to page number', group: 'Pages' },
  { command: 'ocrPage', chords: [{ key: 'r' }], keys: ['R'], description: 'Run OCR on this page', group: 'OCR' },
  { command: 'ocrAll', chords: [{ key: 'R', shift: true }], keys: ['Shift+R'], description: 'Run OCR on all pages', group: 'OCR' },
  { command: 'search', chords: [{ key: 'f', mod: true }, { key: '/' }], keys: ['Ctrl+F', '/'], description: 'Search recognised text', group: 'OCR' },
  { command: 'nextLine', chords: [{ key: 'j' }], keys: ['J'], description: 'Select the next text line', group: 'OCR' },
  { command: 'prevLine', chords: [{ key: 'k' }], keys: ['K'], description: 'Select the previous text line', group: 'OCR' },
  { command: 'copyLine', chords: [{ key: 'c', mod: true }], keys: ['Ctrl+C'], description: 'Copy the selected line (when no text is selected)', group: 'OCR' },
  { command: 'runModel', chords: [{ key: 'Enter', mod: true }], keys: ['Ctrl+Enter'], description: 'Run the model on this page (Ask model)', group: 'Model' },
  { command: 'settings', chords: [{ key: ',', mod: true }], keys: ['Ctrl+,'], description: 'Settings…', group: 'General' },
  { command: 'escape', chords: [{ key: 'Escape' }], keys: ['Esc'], description: 'Close dialog, cancel OCR or a model run, clear selection', group: 'General' },
  { command: 'help', chords: [{ key: '?', shift: true }, { key: '?' }], keys: ['?'], description: 'Show this help', group: 'General' },
];

function matches(chord: Chord, e: KeyboardEvent): boolean {
  const mod = e.ctrlKey || e.metaKey;
  if (Boolean(chord.mod) !== mod || e.altKey) return false;
  const sameKey = chord.key.length === 1 ? chord.key.toLowerCase() === e.key.toLowerCase() : chord.key === e.key;
  if (!sameKey) return false;
  // Shift only matters for letters (Shift+R ≠ R); for symbols it is how "?" or "+" is typed.
  if (/^[a-z]$/i.test(chord.key)) return Boolean(chord.shift) === e.shiftKey;
  return true;
}

/** Commands a key press gives even while typing in a text field (the prompt box is one). */
const WHILE_TYPING: ReadonlySet<Command> = new Set(['escape', 'runModel']);

/** A chord of one character key (a letter, digit or symbol) without Ctrl: what WCAG 2.1.4 lets a person turn off. */
export const isCharacterKey = (chord: Chord): boolean => chord.key.length === 1 && !chord.mod;

/**
 * The command a key press asks for, or null. Typing in a text field only yields Escape and Ctrl+Enter; with
 * `singleKeys` off (Settings), chords of one character key yield nothing.
 */
export function commandFor(e: KeyboardEvent, typing: boolean, singleKeys = true): Command | null {
  for (const s of shortcuts) {
    if (typing && !WHILE_TYPING.has(s.command)) continue;
    if (s.chords.some((c) => (singleKeys || !isCharacterKey(c)) && matches(c, e))) return s.command;
  }
  return null;
}
