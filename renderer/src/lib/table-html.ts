// Cell HTML for display. The parser in main already rebuilt it from an inline allowlist without attributes, escaping
// all text; here it is checked again before it touches the DOM (defence in depth):
//   1. it must be in that restricted form (allowlisted tags without attributes, no other "<" or ">"), otherwise the
//      cell shows its plain text instead — hostile markup is never handed to any HTML parser in the page (Chromium
//      even reports CSP violations for inline handlers merely parsed by DOMParser, though it never runs them);
//   2. DOMPurify sanitises it with the same allowlist and no attributes, returning DOM nodes (no innerHTML string).
import DOMPurify from 'dompurify';

/** The inline tags a table cell may show: the parser's allowlist. */
export const CELL_TAGS: readonly string[] = ['b', 'i', 'sup', 'sub', 'u', 'br'];

// One character at a time (no nested quantifier), so a long non-matching string fails in linear time.
const INLINE_FORM = /^(?:<\/?(?:b|i|sup|sub|u)>|<br>|[^<>])*$/;

/** Whether `html` is in the parser's restricted inline form. */
export function isInlineForm(html: string): boolean {
  return INLINE_FORM.test(html);
}

/** DOM nodes for a cell: its sanitised inline HTML, or its plain text when the HTML is not in the expected form. */
export function cellFragment(html: string, text: string): DocumentFragment {
  if (!isInlineForm(html)) {
    const fragment = document.createDocumentFragment();
    text.split('\n').forEach((line, i) => {
      if (i > 0) fragment.append(document.createElement('br'));
      fragment.append(line);
    });
    return fragment;
  }
  return DOMPurify.sanitize(html, { ALLOWED_TAGS: [...CELL_TAGS], ALLOWED_ATTR: [], RETURN_DOM_FRAGMENT: true });
}
