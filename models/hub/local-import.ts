// Bringing a model folder the person already has into Paliscope: validate it the way the engine will load it
// (files present, config readable, each graph opens in onnxruntime and has the inputs/outputs of a known layout),
// then either copy it into the models folder (staged, then one rename) or record a reference to it where it is.
import { cp, mkdir, readFile, rename, rm, rmdir, writeFile, access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { COMPONENTS, ioDecl, scanModelDir } from '../paligemma/layout';
import { loadPaliGemmaConfig } from '../paligemma/model-config';
import { detectMachine } from '../runtime/machine';
import { planSessions } from '../runtime/plan';
import { createSessionFromPlan } from '../runtime/sessions';
import { STAGING_DIR } from './downloader';
import { HubError } from './errors';
import { checkFolderTree } from './folder-safety';
import { IMPORT_MANIFEST } from './installed';

export interface ValidationCheck { what: string; ok: boolean; detail: string }
export interface ValidationReport {
  dir: string;
  ok: boolean;
  layout: 'paliscope' | 'onnx-community' | null;
  dtypes: string[];
  checks: ValidationCheck[];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Every check that applies, in order; stops at the first failure that makes later checks meaningless. */
export async function validateModelFolder(dir: string): Promise<ValidationReport> {
  const report: ValidationReport = { dir, ok: false, layout: null, dtypes: [], checks: [] };
  const check = (what: string, ok: boolean, detail: string) => { report.checks.push({ what, ok, detail }); return ok; };
  let scan;
  try {
    scan = scanModelDir(dir);
  } catch (err) {
    check('files present', false, message(err));
    return report;
  }
  report.layout = scan.layout;
  report.dtypes = scan.variants.decoder.map((v) => v.dtype);
  check('files present', true, `${scan.layout} layout; dtypes ${report.dtypes.join(', ')}`);
  let config;
  try {
    config = loadPaliGemmaConfig(dir);
  } catch (err) {
    check('configuration', false, message(err));
    return report;
  }
  check('configuration', true, `${config.imageSize} px, ${config.spec.text.layers} decoder layers`);
  // Open the variant the engine would choose on this machine's CPU, one graph at a time, and release it.
  const plan = planSessions({ modelDir: dir, family: 'paligemma', layout: scan.layout, variants: scan.variants, machine: detectMachine(), prefs: { providers: ['cpu'] } });
  let allOpen = true;
  for (const c of COMPONENTS) {
    const file = plan.components[c]!.file;
    try {
      const loaded = await createSessionFromPlan(plan, c, ioDecl(scan.layout, c, config.spec.text.layers));
      await loaded.session.release();
      check(`${c} opens`, true, `${file}: inputs and outputs match the ${scan.layout} layout`);
    } catch (err) {
      allOpen = false;
      check(`${c} opens`, false, message(err));
    }
  }
  report.ok = allOpen;
  return report;
}

export function formatReport(r: ValidationReport): string {
  return [`${r.dir}: ${r.ok ? 'usable' : 'NOT usable'}`, ...r.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`)].join('\n');
}

const REFERENCES = '.references.json';

/** Folders imported in place (by reference), kept in the models folder so the app and the CLI share them. */
export async function readReferences(modelsDir: string): Promise<string[]> {
  try {
    const list = JSON.parse(await readFile(join(modelsDir, REFERENCES), 'utf8')) as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

async function writeReferences(modelsDir: string, list: string[]): Promise<void> {
  await mkdir(modelsDir, { recursive: true });
  const tmp = join(modelsDir, `${REFERENCES}.tmp`);
  await writeFile(tmp, JSON.stringify([...new Set(list)], null, 2));
  await rename(tmp, join(modelsDir, REFERENCES));
}

export async function dropReference(modelsDir: string, dir: string): Promise<boolean> {
  const list = await readReferences(modelsDir);
  const kept = list.filter((p) => resolve(p) !== resolve(dir));
  if (kept.length === list.length) return false;
  await writeReferences(modelsDir, kept);
  return true;
}

export interface ImportOptions {
  from: string;
  modelsDir: string;
  /** copy: into the models folder (default); reference: use the folder where it is. */
  mode?: 'copy' | 'reference';
  /** Folder name in the models folder (copy); default the source folder's name. */
  name?: string;
  /** How to validate (default validateModelFolder here); the app passes one that opens the sessions in an engine host. */
  validate?: (dir: string) => Promise<ValidationReport>;
}

export interface ImportResult { location: string; mode: 'copy' | 'reference'; report: ValidationReport }

export async function importFolder(o: ImportOptions): Promise<ImportResult> {
  const from = resolve(o.from);
  const validate = o.validate ?? validateModelFolder;
  const mode = o.mode ?? 'copy';
  // Links out of the folder are refused in both modes: in place, the engine would read whatever they point at.
  await checkFolderTree(from, { links: 'contained' });
  if (mode === 'reference') {
    const report = await validate(from);
    if (!report.ok) throw new HubError('INVALID_MODEL', `cannot import ${from}:\n${formatReport(report)}`);
    await writeReferences(o.modelsDir, [...(await readReferences(o.modelsDir)), from]);
    return { location: from, mode, report };
  }
  // Cheap before the copy (are the files there at all?); the full validation runs on the copy, which is what is kept.
  try {
    scanModelDir(from);
  } catch (err) {
    const report: ValidationReport = { dir: from, ok: false, layout: null, dtypes: [], checks: [{ what: 'files present', ok: false, detail: message(err) }] };
    throw new HubError('INVALID_MODEL', `cannot import ${from}:\n${formatReport(report)}`, { cause: err });
  }
  const name = o.name ?? basename(from);
  if (name.startsWith('.') || /[\\/]/.test(name)) throw new HubError('BAD_INPUT', `"${name}" cannot name a model folder`);
  const target = join(o.modelsDir, name);
  if (await access(target).then(() => true, () => false)) throw new HubError('EXISTS', `${target} already exists; remove it or import under another name`);
  const staging = join(o.modelsDir, STAGING_DIR, `import-${name}`);
  let report: ValidationReport;
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(join(o.modelsDir, STAGING_DIR), { recursive: true });
    // Links (checked to stay inside) become plain files; the copy is checked again, since the source may have
    // changed meanwhile, and it is the copy that is validated and kept.
    await cp(from, staging, { recursive: true, dereference: true, filter: (src) => !basename(src).startsWith('.paliscope-') });
    await checkFolderTree(staging, { links: 'none' });
    report = await validate(staging);
    if (!report.ok) throw new HubError('INVALID_MODEL', `cannot import ${from}:\n${formatReport({ ...report, dir: from })}`);
    await writeFile(join(staging, IMPORT_MANIFEST), JSON.stringify({ source: 'import', from, importedAt: new Date().toISOString() }, null, 2));
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    const code = (err as { code?: string }).code;
    if (code === 'ENOSPC') throw new HubError('DISK_FULL', `copying ${from}: the disk holding ${o.modelsDir} is full`, { cause: err });
    throw err;
  } finally {
    await rmdir(join(o.modelsDir, STAGING_DIR)).catch(() => undefined);
  }
  return { location: target, mode, report: { ...report, dir: target } };
}
