// Cell HTML for display. The parser already rebuilt it from an inline allowlist without attributes; DOMPurify checks
// it again here with the same allowlist, so the renderer is safe even if a parser bug or a tampered record let
// something through (defence in depth). The result is a DOM fragment, inserted without any innerHTML string.
import DOMPurify from 'dompurify';

/** The inline tags a table cell may show: the parser's allowlist. */
export const CELL_TAGS: readonly string[] = ['b', 'i', 'sup', 'sub', 'u', 'br'];

export function cellFragment(html: string): DocumentFragment {
  return DOMPurify.sanitize(html, { ALLOWED_TAGS: [...CELL_TAGS], ALLOWED_ATTR: [], RETURN_DOM_FRAGMENT: true });
}
