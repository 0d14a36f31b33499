// The headless host's credentials in the page. The URL the host prints carries the per-launch token and the page-image
// key; on load they move into this origin's sessionStorage (scoped to scheme, host AND port, unlike a cookie, which
// every server on 127.0.0.1 would receive) and out of the address bar and history (history.replaceState). A reload
// of the tab finds them in sessionStorage again.

export interface HostSession {
  /** Sent as `Authorization: Bearer` on calls and as a WebSocket subprotocol on the event socket. */
  token: string | null;
  /** Appended to page-image URLs (`k=`): it opens page images only. */
  imageKey: string | null;
}

const TOKEN_KEY = 'paliscope.token';
const IMAGE_KEY = 'paliscope.imageKey';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;
type HistoryLike = Pick<History, 'replaceState' | 'state'>;

export function takeHostSession(loc: { href: string } = location, storage: StorageLike = sessionStorage, hist: HistoryLike = history): HostSession {
  const url = new URL(loc.href);
  const token = url.searchParams.get('token');
  const imageKey = url.searchParams.get('images');
  if (token !== null || imageKey !== null) {
    if (token) storage.setItem(TOKEN_KEY, token);
    if (imageKey) storage.setItem(IMAGE_KEY, imageKey);
    url.searchParams.delete('token');
    url.searchParams.delete('images');
    hist.replaceState(hist.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  return { token: storage.getItem(TOKEN_KEY), imageKey: storage.getItem(IMAGE_KEY) };
}
