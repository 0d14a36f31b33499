// Page images reach the renderer by URL, never as file paths: `paliscope://page/…` in Electron,
// `/page/…` on the headless host. One declaration of the path shape serves both sides.
export interface PageImageRequest {
  documentId: string;
  index: number;
  /** Longest side of the image sent, in pixels; the full-resolution page stays in main. */
  maxSide: number;
  /** DICOM window/level (modality units); the file's own window when absent. */
  window?: { center: number; width: number; invert?: boolean };
}

export const PREVIEW_MAX_SIDE = 4096;
export const THUMBNAIL_MAX_SIDE = 240;

export function pageImagePath({ documentId, index, maxSide, window }: PageImageRequest): string {
  const w = window ? `&wc=${window.center}&ww=${window.width}${window.invert ? '&inv=1' : ''}` : '';
  return `/page/${encodeURIComponent(documentId)}/${index}?max=${maxSide}${w}`;
}

/** Parses the path part of a page-image URL; null when it is not one (or asks for nonsense). */
export function parsePageImagePath(pathname: string, search: string): PageImageRequest | null {
  const m = /^\/page\/([A-Za-z0-9_-]{1,64})\/(\d{1,6})$/.exec(pathname);
  if (!m) return null;
  const max = Number(new URLSearchParams(search).get('max') ?? PREVIEW_MAX_SIDE);
  if (!Number.isInteger(max) || max < 16 || max > 16384) return null;
  const params = new URLSearchParams(search);
  const wc = params.get('wc');
  const ww = params.get('ww');
  if (wc === null && ww === null) return { documentId: m[1]!, index: Number(m[2]), maxSide: max };
  const center = Number(wc);
  const width = Number(ww);
  if (wc === null || ww === null || !Number.isFinite(center) || !Number.isFinite(width) || width < 1 || Math.abs(center) > 1e7 || width > 1e7) return null;
  return { documentId: m[1]!, index: Number(m[2]), maxSide: max, window: { center, width, invert: params.get('inv') === '1' } };
}
