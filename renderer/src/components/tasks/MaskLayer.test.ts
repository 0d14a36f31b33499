// Server-rendered markup (there is no DOM in the unit tests; the pixels themselves are tested in lib/mask-paint.test.ts).
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { SegmentMask } from '../../../../preload/contract/tasks/mask';
import MaskLayer from './MaskLayer.svelte';

const mask = (counts: number[]): SegmentMask => ({ rle: { size: [3, 4], counts }, area: counts[1] ?? 0 });

describe('MaskLayer', () => {
  it('is a canvas of the page pixel size, filling its parent by class, with no inline style (CSP style-src self)', () => {
    const { body } = render(MaskLayer, { props: { masks: [null], imageWidth: 640, imageHeight: 480, highlighted: null } });
    expect(body).toMatch(/<canvas[^>]*class="mask-layer[^"]*"[^>]*width="640"[^>]*height="480"/);
    expect(body).not.toMatch(/style=/);
  });

  it('counts the drawable masks (null, empty and malformed ones are skipped) and exposes the highlighted index', () => {
    const masks = [mask([2, 3, 7]), null, mask([12]), mask([5, 5]), mask([0, 12])];
    const { body } = render(MaskLayer, { props: { masks, imageWidth: 4, imageHeight: 3, highlighted: 4 } });
    expect(body).toMatch(/data-mask-count="2"/);
    expect(body).toMatch(/data-highlighted="4"/);
  });
});
