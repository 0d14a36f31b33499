// Window/level arithmetic for the DICOM view, apart from Svelte so it is tested on its own. A drag works as in
// radiology viewers: horizontal movement changes the width (contrast), vertical the centre (brightness), scaled so
// dragging across the viewer sweeps the page's whole value range.
import type { DicomPage, DisplayWindow } from '../../../preload/contract';

export function dragWindow(start: DisplayWindow, dx: number, dy: number, page: Pick<DicomPage, 'range'>, viewerSize: { width: number; height: number }): DisplayWindow {
  const span = Math.max(1, page.range.max - page.range.min);
  const perX = span / Math.max(100, viewerSize.width);
  const perY = span / Math.max(100, viewerSize.height);
  const width = Math.max(1, Math.min(2 * span + 1, start.width + dx * perX));
  const center = Math.max(page.range.min - span, Math.min(page.range.max + span, start.center - dy * perY));
  return { ...start, center: tidy(center, span), width: tidy(width, span) };
}

/** Round to a precision that suits the range: whole units for 12-bit data, finer for small float ranges. */
function tidy(v: number, span: number): number {
  const step = span >= 100 ? 1 : span >= 10 ? 0.1 : 0.01;
  return Math.round(v / step) * step;
}

export function sameWindow(a: DisplayWindow | null | undefined, b: DisplayWindow | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.center === b.center && a.width === b.width && Boolean(a.invert) === Boolean(b.invert);
}

export function formatWindow(w: DisplayWindow): string {
  const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));
  return `W ${n(w.width)} · L ${n(w.center)}${w.invert ? ' · inverted' : ''}`;
}
