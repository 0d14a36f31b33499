import { describe, it, expect } from 'vitest';
import { isAppUrl, isTrustedFrame, APP_ENTRY } from './app-url';

describe('isAppUrl', () => {
  it('accepts the app’s own pages', () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    expect(isAppUrl('paliscope://app/page/abc/0?max=240')).toBe(true);
  });
  it('refuses everything else, including look-alikes', () => {
    for (const url of ['https://app/index.html', 'paliscope://evil/index.html', 'paliscope://app.evil.com/', 'paliscope://user@app/', 'file:///etc/passwd', 'about:blank', 'not a url', '']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('isTrustedFrame', () => {
  it('trusts only the app page at the top level', () => {
    expect(isTrustedFrame({ url: APP_ENTRY, parent: null })).toBe(true);
    expect(isTrustedFrame({ url: APP_ENTRY, parent: {} })).toBe(false);
    expect(isTrustedFrame({ url: 'https://example.com/', parent: null })).toBe(false);
    expect(isTrustedFrame(null)).toBe(false);
  });
});
