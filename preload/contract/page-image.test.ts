import { describe, expect, it } from 'vitest';
import { pageImagePath, parsePageImagePath } from './page-image';

const parse = (path: string) => {
  const u = new URL(path, 'http://x');
  return parsePageImagePath(u.pathname, u.search);
};

describe('page image paths with a DICOM window', () => {
  it('round-trips a window', () => {
    const req = { documentId: 'doc1', index: 2, maxSide: 1024, window: { center: -600, width: 1500.5, invert: true } };
    expect(parse(pageImagePath(req))).toEqual(req);
    expect(parse(pageImagePath({ documentId: 'doc1', index: 0, maxSide: 240 }))).toEqual({ documentId: 'doc1', index: 0, maxSide: 240 });
  });
  it.each([
    ['/page/doc1/0?max=512&wc=40', 'a centre without a width'],
    ['/page/doc1/0?max=512&wc=40&ww=0', 'a width below 1'],
    ['/page/doc1/0?max=512&wc=abc&ww=10', 'a centre that is not a number'],
    ['/page/doc1/0?max=512&wc=1e9&ww=10', 'a centre out of range'],
  ])('refuses %s (%s)', (path) => {
    expect(parse(path)).toBeNull();
  });
});
