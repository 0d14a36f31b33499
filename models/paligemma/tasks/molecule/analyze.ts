// A molecule-recognition (OCSR) checkpoint answers with one SMILES string. This module checks it with RDKit and
// derives what a chemist wants beside the drawing: the canonical SMILES, formula, weight, InChI / InChIKey, a 2D
// depiction (SVG) and a molblock for export.
//
// The model's output is untrusted text. `analyzeSmiles` never throws: anything RDKit refuses comes back as
// `valid: false` with RDKit's own reason in `error`; problems that do not invalidate the molecule are `warnings`.
import { formulaFromRdkitJson } from './formula';
import { discardRdkit, loadRdkit, type RDKitMol, type RdkitInstance } from './rdkit';
import { MAX_SMILES_CHARS, MOLECULE_LIMITS, type MoleculeResult } from './result';

export { MAX_SMILES_CHARS, MOLECULE_LIMITS, type MoleculeResult } from './result';

/** Size of the depiction; its viewBox lets the view scale it freely. */
export const DEPICTION_SIZE = { width: 400, height: 300 } as const;

/** Tokens a PaliGemma output may carry around the answer. */
const SPECIAL_TOKENS = /<(?:eos|bos|pad)>/g;

function emptyResult(input: string): MoleculeResult {
  return {
    input,
    valid: false,
    canonical: null,
    formula: null,
    molecularWeight: null,
    inchi: null,
    inchikey: null,
    svg: null,
    molblock: null,
    error: null,
    warnings: [],
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function invalid(result: MoleculeResult, error: string): MoleculeResult {
  return { ...result, valid: false, canonical: null, formula: null, molecularWeight: null, inchi: null, inchikey: null, svg: null, molblock: null, error: clip(error, MOLECULE_LIMITS.error) };
}

/**
 * RDKit's captured log as readable lines: timestamps removed, repeats dropped, and the echo of the input plus the
 * caret line that follow "check for mistakes around position N:" folded into that line (they only line up in a
 * monospace terminal; the position says the same).
 */
export function rdkitLogLines(buffer: string): string[] {
  const lines = buffer
    .split('\n')
    .map((l) => l.replace(/^\[\d\d:\d\d:\d\d\]\s?/, '').trimEnd())
    .filter((l) => l.trim() !== '');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    let line = lines[i]!;
    const around = /^(.*check for mistakes around position \d+):$/.exec(line);
    if (around) {
      line = around[1]!;
      i += 2; // the echoed input and the caret line
    }
    if (!out.includes(line)) out.push(line);
  }
  return out;
}

/** RDKit's reason a SMILES did not parse, as one line: its log without the repeated prefix and the closing summary. */
export function parseFailureReason(lines: string[]): string {
  const stripped = lines.map((l) => l.replace(/^SMILES Parse Error:\s*/, ''));
  // "Failed parsing SMILES 'x' for input: 'x'" closes every parse error and adds nothing to the lines before it.
  const specific = stripped.filter((l) => !/^Failed parsing SMILES /.test(l));
  const reason = (specific.length > 0 ? specific : stripped).join('; ');
  return reason || 'RDKit could not read it (it gave no reason).';
}

/** Reads and empties RDKit's log capture. */
function drainLog(instance: RdkitInstance): string[] {
  const lines = rdkitLogLines(instance.log.get_buffer());
  instance.log.clear_buffer();
  return lines;
}

/** The SMILES in a raw model output, or the reason there is none. */
export function extractSmiles(raw: string): { smiles: string; warnings: string[]; error: string | null } {
  const text = raw.replace(SPECIAL_TOKENS, ' ').trim();
  const warnings: string[] = [];
  if (text === '') return { smiles: '', warnings, error: 'Empty output: the model produced no SMILES.' };
  // A SMILES never contains whitespace; text after it is, by the SMILES-file convention, a name or comment. Only the
  // first word is analysed, and anything after it is reported rather than silently lost.
  const [first = '', ...rest] = text.split(/\s+/);
  if (rest.length > 0) warnings.push(clip(`Ignored text after the SMILES: "${rest.join(' ')}"`, MOLECULE_LIMITS.warning));
  if (first.length > MAX_SMILES_CHARS) {
    return {
      smiles: clip(first, MAX_SMILES_CHARS),
      warnings,
      error: `SMILES too long: ${first.length} characters (at most ${MAX_SMILES_CHARS} are analysed).`,
    };
  }
  return { smiles: first, warnings, error: null };
}

/** Validate and describe the SMILES in a model output. Never throws. */
export async function analyzeSmiles(raw: string): Promise<MoleculeResult> {
  const extracted = extractSmiles(typeof raw === 'string' ? raw : '');
  const base = { ...emptyResult(extracted.smiles), warnings: extracted.warnings };
  if (extracted.error) return invalid(base, extracted.error);

  let instance: RdkitInstance;
  try {
    instance = await loadRdkit();
  } catch (err) {
    return invalid(base, `RDKit is unavailable: ${(err as Error).message}`);
  }
  try {
    return describe(instance, base);
  } catch (err) {
    // Only a failure inside RDKit gets here (see isRdkitFailure); the instance may be inconsistent, so it is replaced.
    discardRdkit();
    return invalid(base, `RDKit failed on this SMILES (${rdkitFailureText(err)}); ${TOO_LARGE}`);
  }
}

const TOO_LARGE = "it is probably too large or too deeply nested for RDKit's WebAssembly build.";

/**
 * RDKit's WebAssembly build fails in two ways on very large or deep molecules: a trap (RuntimeError "memory access out
 * of bounds": its recursive parser and writers overflow the fixed stack, at ≈ 850 atoms in an unbranched chain) and a
 * C++ exception that escapes to JavaScript (WebAssembly.Exception: the descriptors and the depiction of a 600-atom
 * chain, for instance). After either, the instance is not trusted again: an escaped exception does not unwind
 * RDKit's own stack, and the next call on the same molecule was seen to trap.
 */
function isRdkitFailure(err: unknown): boolean {
  const Exception = (WebAssembly as { Exception?: new (...args: never[]) => unknown }).Exception;
  return err instanceof WebAssembly.RuntimeError || (Exception !== undefined && err instanceof Exception);
}

function rdkitFailureText(err: unknown): string {
  if (err instanceof WebAssembly.RuntimeError) return err.message;
  if (isRdkitFailure(err)) return 'an internal C++ exception';
  return err instanceof Error ? err.message : String(err);
}

function describe(instance: RdkitInstance, base: MoleculeResult): MoleculeResult {
  const { rdkit } = instance;
  const smiles = base.input;
  // get_mol also accepts molblocks and RDKit JSON; a model output that looks like JSON is refused here so only SMILES
  // reach it (whitespace, which a molblock needs, was already split off).
  if (smiles.startsWith('{')) return invalid(base, `Not a SMILES: "${clip(smiles, 80)}" starts with "{".`);

  drainLog(instance); // anything left over from an earlier call
  const mol = rdkit.get_mol(smiles);
  const parseLog = drainLog(instance);
  if (!mol || !mol.is_valid()) {
    mol?.delete();
    return invalid(base, `Invalid SMILES: ${parseFailureReason(parseLog)}`);
  }
  const steps = new Steps(base.warnings);
  try {
    if (mol.get_num_atoms() === 0) return invalid(base, 'Invalid SMILES: it contains no atoms.');
    steps.warnings.push(...parseLog);
    return { ...base, ...properties(instance, mol, steps), valid: true, error: null, warnings: boundWarnings(steps.warnings) };
  } finally {
    if (steps.broken) discardRdkit(); // the molecule goes with the instance
    else mol.delete();
  }
}

/**
 * Runs the RDKit calls that derive each property, so one that fails costs only its own property (and, after a failure
 * inside RDKit, the ones after it) instead of the whole result: the SMILES is still valid and its canonical form known.
 */
class Steps {
  readonly warnings: string[];
  broken = false;
  constructor(warnings: string[]) {
    this.warnings = [...warnings];
  }
  run<T>(what: string, fn: () => T): T | null {
    if (this.broken) return null;
    try {
      return fn();
    } catch (err) {
      if (isRdkitFailure(err)) {
        this.broken = true;
        this.warnings.push(`RDKit failed while computing the ${what} (${rdkitFailureText(err)}), so it and the properties after it are left out; ${TOO_LARGE}`);
      } else {
        this.warnings.push(`No ${what}: ${rdkitFailureText(err)}`);
      }
      return null;
    }
  }
}

function properties(instance: RdkitInstance, mol: RDKitMol, steps: Steps): Partial<MoleculeResult> {
  const { rdkit } = instance;
  const { warnings } = steps;
  const bounded = (name: keyof typeof MOLECULE_LIMITS, value: string | null): string | null => {
    if (value === null) return null;
    if (value.length <= MOLECULE_LIMITS[name]) return value;
    warnings.push(`The ${name} was left out: ${value.length} characters is over the ${MOLECULE_LIMITS[name]} limit.`);
    return null;
  };

  // Most useful first: a failure deep inside RDKit stops the rest.
  const canonical = mol.get_smiles(); // if even this fails, the SMILES is reported as one RDKit cannot handle
  const formula = steps.run('formula', () => formulaFromRdkitJson(mol.get_json()));

  // InChI is undefined for some structures (dummy atoms "*", for one); RDKit then returns "" and logs why.
  const inchiText = steps.run('InChI', () => mol.get_inchi());
  const inchiLog = steps.run('InChI messages', () => drainLog(instance)) ?? [];
  let inchi: string | null = null;
  let inchikey: string | null = null;
  if (inchiText?.startsWith('InChI=')) {
    inchi = inchiText;
    const key = steps.run('InChIKey', () => rdkit.get_inchikey_for_inchi(inchiText));
    inchikey = key !== null && /^[A-Z]{14}-[A-Z]{10}-[A-Z]$/.test(key) ? key : null;
    if (!inchikey && key !== null) warnings.push('No InChIKey: RDKit did not produce one for this InChI.');
    warnings.push(...inchiLog.map((l) => `InChI: ${l}`));
  } else if (inchiText !== null) {
    warnings.push(`No InChI for this structure${inchiLog.length > 0 ? `: ${inchiLog.join('; ')}` : ' (InChI does not cover it).'}`);
  }

  const molblock = steps.run('molblock', () => mol.get_molblock());
  const svgText = steps.run('depiction', () => mol.get_svg(DEPICTION_SIZE.width, DEPICTION_SIZE.height));
  const svg = svgText === null ? null : safeSvg(svgText, warnings);
  // Last: RDKit's descriptor set is what fails first on very large molecules (a 600-atom chain, say).
  const molecularWeight = steps.run('molecular weight', () => {
    const { amw } = JSON.parse(mol.get_descriptors()) as { amw?: unknown };
    return typeof amw === 'number' && Number.isFinite(amw) ? Math.round(amw * 1e4) / 1e4 : null;
  });
  if (!steps.broken) warnings.push(...drainLog(instance));

  return {
    canonical: bounded('canonical', canonical),
    formula: bounded('formula', formula),
    molecularWeight,
    inchi: bounded('inchi', inchi),
    inchikey,
    svg: bounded('svg', svg),
    molblock: bounded('molblock', molblock),
  };
}

/**
 * RDKit's SVG as a standalone document the renderer can show as an <img> data: URL. An <img> never runs scripts, but
 * the SVG is also exported and could be opened elsewhere, so it is checked to be plain drawing: no script, event
 * handler, foreignObject or link to anything outside itself. RDKit writes none of these (atom labels are paths), so a
 * hit means something unexpected and the depiction is dropped rather than cleaned. The XML prolog is removed because
 * it declares ISO-8859-1 while the text travels as UTF-8 (it is pure ASCII either way).
 */
export function safeSvg(svg: string, warnings: string[]): string | null {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
  if (!body.startsWith('<svg')) {
    warnings.push('No depiction: RDKit did not return an SVG document.');
    return null;
  }
  const unsafe = /<script|<foreignObject|<iframe|<image|<use\b|\son[a-z]+\s*=|javascript:|(?:xlink:)?href\s*=\s*['"](?!#)/i.exec(body);
  if (unsafe) {
    warnings.push(`No depiction: RDKit's SVG contained "${unsafe[0].trim()}", which a plain drawing never needs.`);
    return null;
  }
  return body;
}

function boundWarnings(warnings: string[]): string[] {
  const unique = [...new Set(warnings.map((w) => clip(w, MOLECULE_LIMITS.warning)))];
  if (unique.length <= MOLECULE_LIMITS.warnings) return unique;
  return [...unique.slice(0, MOLECULE_LIMITS.warnings - 1), `${unique.length - MOLECULE_LIMITS.warnings + 1} more warnings not shown.`];
}
