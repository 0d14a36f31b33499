// The review workspace's keys, declared once (the key handler and the workspace's key hints read this table):
// j/k next/previous, a accept, e edit, r reject, u undo, Shift+U or Ctrl+Shift+Z redo, Esc leaves the editor,
// Ctrl+Enter saves a correction.
export type ReviewCommand = 'next' | 'prev' | 'accept' | 'edit' | 'reject' | 'undo' | 'redo' | 'leaveEdit' | 'save';

export const REVIEW_KEYS: { command: ReviewCommand; keys: string; description: string }[] = [
  { command: 'next', keys: 'J', description: 'next result' },
  { command: 'prev', keys: 'K', description: 'previous result' },
  { command: 'accept', keys: 'A', description: 'accept' },
  { command: 'edit', keys: 'E', description: 'edit (correct)' },
  { command: 'reject', keys: 'R', description: 'reject' },
  { command: 'undo', keys: 'U', description: 'undo' },
  { command: 'redo', keys: 'Shift+U', description: 'redo' },
  { command: 'save', keys: 'Ctrl+Enter', description: 'save the correction' },
  { command: 'leaveEdit', keys: 'Esc', description: 'leave the editor' },
];

interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/**
 * The command a key press means. While typing in a field (the editors), only Esc and Ctrl+Enter act, so letters go
 * into the text; while an editor is open but no field has focus (dragging boxes), the letters still do nothing but Esc.
 * With `singleKeys` off (Settings) the letters do nothing anywhere.
 */
export function reviewCommandFor(e: KeyLike, typing: boolean, editing: boolean, singleKeys = true): ReviewCommand | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === 'Escape') return editing ? 'leaveEdit' : null;
  if (mod && e.key === 'Enter') return editing ? 'save' : null;
  if (mod && e.shiftKey && e.key.toLowerCase() === 'z') return typing ? null : 'redo';
  // The letters below are single-key shortcuts: Settings can turn them off (the buttons and the list still do it all).
  if (typing || editing || mod || e.altKey || !singleKeys) return null;
  switch (e.key) {
    case 'j': return 'next';
    case 'k': return 'prev';
    case 'a': return 'accept';
    case 'e': return 'edit';
    case 'r': return 'reject';
    case 'u': return 'undo';
    case 'U': return 'redo';
    default: return null;
  }
}
