// Pure geometry of the page view: one uniform scale and a translation map image pixels to screen
// pixels (screen = image * scale + offset). Kept free of Svelte so it is unit-testable.
export interface Size {
  width: number;
  height: number;
}
export interface View {
  scale: number;
  x: number;
  y: number;
}
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 16;
/** Breathing room around a fitted page, in screen pixels. */
export const FIT_MARGIN = 16;

export const clampScale = (s: number): number => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

export function fitPage(page: Size, box: Size): View {
  const scale = clampScale(
    Math.min((box.width - 2 * FIT_MARGIN) / page.width, (box.height - 2 * FIT_MARGIN) / page.height),
  );
  return clampView({ scale, x: 0, y: 0 }, page, box);
}

/** Fit the width and show the top of the page (where reading starts). */
export function fitWidth(page: Size, box: Size): View {
  const scale = clampScale((box.width - 2 * FIT_MARGIN) / page.width);
  return clampView({ scale, x: 0, y: FIT_MARGIN }, page, box);
}

/** Zooms so that the image point under the screen point (px, py) stays under it. */
export function zoomAround(view: View, factor: number, px: number, py: number, page: Size, box: Size): View {
  const scale = clampScale(view.scale * factor);
  const ix = (px - view.x) / view.scale;
  const iy = (py - view.y) / view.scale;
  return clampView({ scale, x: px - ix * scale, y: py - iy * scale }, page, box);
}

/**
 * A page narrower than the viewport is centred on that axis; a wider one may not leave a gap
 * larger than FIT_MARGIN at either edge, so panning never loses the page.
 */
export function clampView(view: View, page: Size, box: Size): View {
  const axis = (offset: number, extent: number, room: number): number => {
    if (extent + 2 * FIT_MARGIN <= room) return (room - extent) / 2;
    return Math.min(FIT_MARGIN, Math.max(room - extent - FIT_MARGIN, offset));
  };
  return {
    scale: view.scale,
    x: axis(view.x, page.width * view.scale, box.width),
    y: axis(view.y, page.height * view.scale, box.height),
  };
}

/**
 * Brings an image rectangle on screen: nothing moves if it is already fully visible; otherwise it
 * is centred, and on an axis where it is larger than the viewer its start (where reading begins)
 * is placed at the margin.
 */
export function revealRect(view: View, r: Rect, page: Size, box: Size): View {
  const left = r.x * view.scale + view.x;
  const top = r.y * view.scale + view.y;
  const right = left + r.width * view.scale;
  const bottom = top + r.height * view.scale;
  const inside = left >= 0 && top >= 0 && right <= box.width && bottom <= box.height;
  if (inside) return view;
  const axis = (start: number, extent: number, room: number): number => {
    const scaled = extent * view.scale;
    return scaled + 2 * FIT_MARGIN <= room ? room / 2 - (start * view.scale + scaled / 2) : FIT_MARGIN - start * view.scale;
  };
  return clampView({ scale: view.scale, x: axis(r.x, r.width, box.width), y: axis(r.y, r.height, box.height) }, page, box);
}

export function screenToImage(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.x) / view.scale, y: (sy - view.y) / view.scale };
}

export function boundsOf(points: readonly (readonly [number, number])[]): Rect {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}
