import { describe, expect, it } from 'vitest';
import { takeHostSession } from './host-session';

function fakes(href: string) {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  return {
    loc: { href },
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    hist: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    store,
    replaced,
  };
}

describe('takeHostSession', () => {
  it('moves the token and image key from the URL into session storage and out of the address bar', () => {
    const f = fakes('http://127.0.0.1:5123/?token=T0K3N&images=IMG#review');
    expect(takeHostSession(f.loc, f.storage, f.hist)).toEqual({ token: 'T0K3N', imageKey: 'IMG' });
    expect(f.replaced).toEqual(['/#review']);
    expect([...f.store.values()]).toEqual(['T0K3N', 'IMG']);
  });

  it('finds them in session storage after a reload, touching no history', () => {
    const f = fakes('http://127.0.0.1:5123/');
    f.store.set('paliscope.token', 'T0K3N');
    expect(takeHostSession(f.loc, f.storage, f.hist)).toEqual({ token: 'T0K3N', imageKey: null });
    expect(f.replaced).toEqual([]);
  });
});
