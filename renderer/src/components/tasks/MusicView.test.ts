// Server-rendered markup (there is no DOM in the unit tests; playback is tested in lib/music-playback.test.ts).
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { MusicParsed } from '../../../../preload/contract/tasks/music';
import MusicView from './MusicView.svelte';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script><text>é</text></svg>';
const KERN = ['**kern\t**kern', '*clefF4\t*clefG2', '4C\t4e', '4D\t4f\t4a', '*-\t*-'].join('\n');

const valid: MusicParsed = {
  kern: '**kern\n4c\n*-',
  converted: true,
  valid: true,
  error: null,
  svgPages: [SVG, SVG],
  notes: [{ onMs: 0, offMs: 500, pitch: 60 }],
  warnings: [],
};

describe('MusicView', () => {
  it('shows each engraved page only as a base64 data: image, never as inline SVG markup', () => {
    const { body } = render(MusicView, { props: { music: valid } });
    expect(body).toContain('data-testid="music-view"');
    expect(body).toMatch(/<img[^>]*data-testid="music-page"[^>]*src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
    expect(body).not.toContain('<svg');
    expect(body).not.toContain('<script');
    expect(body).toMatch(/data-testid="music-page-number"[^>]*>1 \/ 2</);
    expect(body).toMatch(/data-testid="music-play"[^>]*>Play</);
    expect(body).toContain('converted from bekern');
    expect(body).not.toContain('data-testid="music-invalid"');
    // The text alternative: a summary the image is described by, and the kern itself.
    expect(body).toMatch(/data-testid="music-summary"[^>]*>1 part · 1 note \(C4\) · 0\.5 s</);
    const described = /<img[^>]*aria-describedby="([^"]+)"/.exec(body)?.[1];
    expect(body).toContain(`id="${described}" data-testid="music-summary"`);
    expect(body).toMatch(/data-testid="music-kern-text"[\s\S]*\*\*kern\n4c\n\*-<\/pre>/);
    expect(body).not.toMatch(/style=/);
  });

  it('has no pager for a single page and disables Play without notes', () => {
    const { body } = render(MusicView, { props: { music: { ...valid, svgPages: [SVG], notes: [] } } });
    expect(body).not.toContain('music-page-number');
    expect(body).toMatch(/<button[^>]*disabled[^>]*data-testid="music-play"|<button[^>]*data-testid="music-play"[^>]*disabled/);
  });

  it('shows an invalid result with its position and the kern line marked, as text', () => {
    const music: MusicParsed = {
      ...valid,
      kern: KERN.replace('4a', '<img src=x onerror=alert(1)>'),
      converted: false,
      valid: false,
      error: { line: 4, column: null, message: 'line 4: 3 fields but 2 spines' },
      svgPages: [SVG],
    };
    const { body } = render(MusicView, { props: { music } });
    expect(body).toContain('data-testid="music-invalid"');
    expect(body).toContain('Invalid **kern at line 4');
    expect(body).toContain('line 4: 3 fields but 2 spines');
    expect(body).toMatch(/<span class="line[^"]*marked[^"]*" data-line="4">/);
    expect(body).toMatch(/data-line="3">/);
    expect(body).toContain('&lt;img src=x onerror=alert(1)>');
    expect(body).not.toContain('<img src=x');
    // The part before the error is still engraved.
    expect(body).toContain('Engraved up to the error');
    expect(body).toContain('data-testid="music-page"');
  });

  it('marks the spine when the error names one, and says when nothing could be engraved', () => {
    const music: MusicParsed = {
      ...valid,
      kern: KERN,
      valid: false,
      error: { line: 3, column: 2, message: 'line 3, spine 2: "4e": …' },
      svgPages: [],
      notes: [],
    };
    const { body } = render(MusicView, { props: { music } });
    expect(body).toContain('Invalid **kern at line 3, spine 2');
    expect(body).toMatch(/<span class="[^"]*field-marked[^"]*">4e<\/span>/);
    expect(body).not.toContain('data-testid="music-page"');
  });
});
