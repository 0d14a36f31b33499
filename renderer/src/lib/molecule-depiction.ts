// Pure helpers for the molecule view (no DOM, so they are unit-tested).

/**
 * An SVG document as a `data:image/svg+xml;base64,…` URL. The depiction is shown through an <img>, where an SVG can
 * run no script and load nothing (the CSP's img-src allows data:), which is why the renderer builds the URL itself
 * rather than ever inserting the SVG into the page. UTF-8 bytes first (btoa takes only Latin-1), converted in chunks
 * because a depiction can be large and String.fromCharCode(...bytes) has an argument limit.
 */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** Average molecular weight for display: two decimals, as chemists quote it, with the unit. */
export function formatWeight(weight: number | null): string {
  return weight === null ? '—' : `${weight.toFixed(2)} g/mol`;
}

/** A formula with its counts and charge as sub-/superscript parts, for rendering as text nodes (never as HTML). */
export type FormulaPart = { text: string; kind: 'symbol' | 'count' | 'charge' };
export function formulaParts(formula: string): FormulaPart[] {
  const parts: FormulaPart[] = [];
  // Element symbols (or * for a dummy atom) with optional counts, then an optional net charge ("+", "-2").
  const body = /^(.*?)([+-]\d*)?$/.exec(formula);
  const main = body?.[1] ?? formula;
  for (const m of main.matchAll(/([A-Z][a-z]?|\*)(\d*)|([^A-Z*]+)/g)) {
    if (m[1]) {
      parts.push({ text: m[1], kind: 'symbol' });
      if (m[2]) parts.push({ text: m[2], kind: 'count' });
    } else if (m[3]) {
      parts.push({ text: m[3], kind: 'symbol' });
    }
  }
  if (body?.[2]) {
    const charge = body[2];
    // Chemists write the magnitude before the sign: 2+ rather than +2.
    parts.push({ text: charge.length > 1 ? `${charge.slice(1)}${charge[0]}` : charge, kind: 'charge' });
  }
  return parts;
}

/** The reason under the view's "Invalid SMILES" heading, without repeating the heading. */
export function invalidReason(error: string | null): string {
  const reason = (error ?? '').replace(/^Invalid SMILES:\s*/, '').trim();
  return reason || 'RDKit could not read it.';
}
