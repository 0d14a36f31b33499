// The desktop app's own pages live at paliscope://app/…. WHATWG URL gives custom schemes an opaque
// origin ("null"), so comparing `.origin` would refuse the app itself: compare scheme and host.
export const APP_SCHEME = 'paliscope';
export const APP_HOST = 'app';
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Only the app's own top-level page may call main: not a subframe, not another origin. */
export function isTrustedFrame(frame: { readonly url: string; readonly parent: unknown } | null): boolean {
  return Boolean(frame && !frame.parent && isAppUrl(frame.url));
}
