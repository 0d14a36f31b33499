// Radiography reports (MIMIC-CXR style): free text whose sections — FINDINGS, IMPRESSION, … — a reader scans by
// heading. The model writes them inline ("FINDINGS: … IMPRESSION: …") or one per line; both are split here, and the
// text is kept verbatim (no heading is invented when the model wrote none).

export interface ReportSection {
  /** The heading as the model wrote it, without its colon; null for text before the first heading. */
  heading: string | null;
  text: string;
}

/**
 * A heading is an upper-case phrase (2–40 characters) ending in a colon, or one of the usual section names in any
 * case. Upper-case alone would also catch "CT:" inside a sentence, so such a phrase must start the text, a line or a
 * sentence.
 */
const USUAL = ['findings', 'impression', 'impressions', 'comparison', 'indication', 'indications', 'technique', 'history', 'clinical history', 'conclusion', 'conclusions', 'recommendation', 'recommendations', 'examination', 'exam', 'reason for exam', 'wet read', 'final report'];
const HEADING_RE = new RegExp(String.raw`(^|\n|[.!?]\s+)\s*(${USUAL.map((h) => h.replace(/ /g, String.raw`\s+`)).join('|')}|[A-Z][A-Z /&-]{1,38}[A-Z]):\s*`, 'gi');

export function parseReport(raw: string): { text: string; sections: ReportSection[]; warnings: string[] } {
  const warnings: string[] = [];
  const text = stripEos(raw).trim();
  if (!text) return { text, sections: [], warnings: ['empty output'] };
  const sections: ReportSection[] = [];
  let heading: string | null = null;
  let from = 0;
  for (const m of text.matchAll(HEADING_RE)) {
    const name = m[2] ?? '';
    // Case-insensitive matching admits "Abc Def:"; only the usual names may be mixed case.
    if (!USUAL.includes(name.toLowerCase().replace(/\s+/g, ' ')) && name !== name.toUpperCase()) continue;
    const at = m.index + (m[1] ?? '').length;
    push(sections, heading, text.slice(from, at));
    heading = name.replace(/\s+/g, ' ').trim();
    from = m.index + m[0].length;
  }
  push(sections, heading, text.slice(from));
  if (/<loc\d{4}>|<seg\d{3}>/.test(text)) warnings.push('report contains loc/seg tokens');
  return { text, sections, warnings };
}

function push(sections: ReportSection[], heading: string | null, body: string): void {
  const t = body.trim();
  if (heading === null && !t) return;
  sections.push({ heading, text: t });
}

function stripEos(raw: string): string {
  const eos = raw.indexOf('<eos>');
  return eos >= 0 ? raw.slice(0, eos) : raw;
}
