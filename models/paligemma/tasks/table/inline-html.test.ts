import { describe, expect, it } from 'vitest';
import { inlineRuns, sanitizeInlineHtml } from './inline-html';

describe('sanitizeInlineHtml', () => {
  it('keeps only b, i, sup, sub, u and br, without attributes, text escaped', () => {
    expect(sanitizeInlineHtml('<b class="x">A</b> &amp; <span style="color:red">B</span><sup onclick="x()">2</sup> <img src=x onerror=y()><br/>C "q"')).toEqual({
      html: '<b>A</b> &amp; B<sup>2</sup><br>C &quot;q&quot;',
      text: 'A & B2\nC "q"',
    });
  });

  it('is idempotent on its own output', () => {
    const once = sanitizeInlineHtml('<i>P</i> &lt; 0.05<br><u>x</u> <em>y</em>');
    expect(sanitizeInlineHtml(once.html)).toEqual(once);
  });

  it('drops leading and trailing breaks and spaces around them', () => {
    expect(sanitizeInlineHtml('<br> a <br> b <br><br>')).toEqual({ html: 'a<br>b', text: 'a\nb' });
  });
});

describe('inlineRuns', () => {
  it('splits text into runs carrying the formatting in force, entities decoded', () => {
    expect(inlineRuns('x<sup>2</sup> &lt; <b><i>y</i></b><br>z<sub>i</sub>')).toEqual([
      { text: 'x', bold: false, italic: false, underline: false, vertAlign: null },
      { text: '2', bold: false, italic: false, underline: false, vertAlign: 'superscript' },
      { text: ' < ', bold: false, italic: false, underline: false, vertAlign: null },
      { text: 'y', bold: true, italic: true, underline: false, vertAlign: null },
      { text: '\nz', bold: false, italic: false, underline: false, vertAlign: null },
      { text: 'i', bold: false, italic: false, underline: false, vertAlign: 'subscript' },
    ]);
  });

  it('re-sanitises first, so foreign markup cannot steer it', () => {
    expect(inlineRuns('<b onclick="x">a</b><script>b</script>&quot;')).toEqual([
      { text: 'a', bold: true, italic: false, underline: false, vertAlign: null },
      { text: '"', bold: false, italic: false, underline: false, vertAlign: null },
    ]);
  });
});
