import { describe, expect, it } from 'vitest';
import { isInlineForm } from './table-html';

describe('isInlineForm', () => {
  it('accepts what the table parser produces', () => {
    for (const h of ['', 'plain', 'HbA<sub>1c</sub>, %', '<i>P</i> value<sup>a</sup>', 'Male<br>(self)', '&lt;0.001 &amp; &quot;x&quot;', '<b><u>x</u></b>']) {
      expect(isInlineForm(h), h).toBe(true);
    }
  });

  it('refuses anything else, so it never reaches an HTML parser', () => {
    for (const h of ['<img src=x onerror=alert(1)>', '<b onclick="x()">b</b>', '<script>x</script>', '<a href="javascript:x">l</a>', '<B>x</B>', '<br/>', 'a < b', 'a > b', '<i style="c">i</i>']) {
      expect(isInlineForm(h), h).toBe(false);
    }
  });
});

describe('isInlineForm on long input', () => {
  it('fails fast on a long almost-valid string', () => {
    const started = Date.now();
    expect(isInlineForm(`${'x'.repeat(60_000)}<img>`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
