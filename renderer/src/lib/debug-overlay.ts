// TEST-ONLY HOOK. `?debugOverlay=x,y,w,h` (image pixels) adds one rectangle to the overlay so the
// end-to-end tests can prove overlays stay on their pixels at every zoom and pan without waiting
// for a model. It draws a rectangle and nothing else.
export interface DebugRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function parseDebugOverlay(search: string): DebugRect | null {
  const raw = new URLSearchParams(search).get('debugOverlay');
  if (!raw) return null;
  const n = raw.split(',').map(Number);
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) return null;
  const [x, y, width, height] = n as [number, number, number, number];
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}
