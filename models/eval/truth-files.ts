// Truth imported from a folder of files, matched to a project's pages by document file name (without extension) and
// page number: `<stem>.<ext>` is page 1 of a document, `<stem>.<page>.<ext>` page <page> (1-based) of a multi-page one.
//
//   .txt           the page's text (ocr), or with --task caption|describe|answer|report|vsr that task's answer
//   .xml           ALTO (TextLine/String@CONTENT) or PAGE XML (TextLine/TextEquiv/Unicode): the page's text lines
//   .html .htm     a table (PubTabNet-style HTML), read by the table parser the model's output goes through
//   .krn           a **kern score
//   .smi .smiles   a SMILES list: one molecule per line, "SMILES name", name = the page's stem as above
//   .json          COCO: images (file_name names the page as above), annotations (bbox, category, an uncompressed
//                  RLE segmentation when present): detect truth, or segment with --task segment
//
// The files are someone else's: each is bounded in size, parsed without running anything (no external entities in
// XML: saxes does not fetch them), and a file that cannot be read is reported by name without stopping the others.
// The same parsing reads files from a folder (`paliscope eval --truth DIR`, the app's folder dialog) or uploaded ones
// (the headless host's folder picker, written to a folder first).
import { lstat, open, opendir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { SaxesParser } from 'saxes';
import { parseTable } from '../paligemma/tasks/table/parse-table';
import { analyzeSmiles } from '../paligemma/tasks/molecule/analyze';
import type { PageKey, TruthItem } from './evaluate';
import type { EvalObject } from './masks';
import type { EvalValue } from './values';

export const MAX_TRUTH_FILES = 50_000;
export const MAX_TRUTH_FILE_BYTES = 64 * 1024 * 1024;
/** All files of a folder together: beyond it the rest are left out, said in a note. */
export const MAX_TRUTH_BYTES = 1024 * 1024 * 1024;
/** SMILES lines analysed (RDKit) over a whole folder. */
export const MAX_TRUTH_MOLECULES = 20_000;
/** The extensions read as truth; anything else in the folder is ignored. */
export const TRUTH_EXTENSIONS = ['.txt', '.xml', '.html', '.htm', '.krn', '.smi', '.smiles', '.json'] as const;
const TEXT_TASKS = new Set(['caption', 'describe', 'answer', 'report', 'vsr']);

/** A document's stem: its file name without the last extension. */
export const stemOf = (path: string): string => basename(path.replace(/\\/g, '/')).replace(/\.[^.]*$/, '');
/** Pages of predictions and imported truth are matched by stem and page index. */
export const byStem: PageKey = (p) => `${p.documentId === null ? p.documentPath : stemOf(p.documentPath)}:${p.page}`;

/** "scan.3" → {stem: "scan", page: 2}; "scan" → page 0. */
export function pageOfName(name: string): { stem: string; page: number } {
  const m = /^(.*)\.(\d{1,6})$/.exec(name);
  if (m && Number(m[2]) >= 1) return { stem: m[1]!, page: Number(m[2]) - 1 };
  return { stem: name, page: 0 };
}

export const isTruthFileName = (name: string): boolean => !name.startsWith('.') && (TRUTH_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());

export interface TruthOptions {
  /** Only this task's truth; also says what plain text files hold (ocr by default, or a text task's answers). */
  task?: string;
  /** Called as files are read: how many of how many. */
  onProgress?: (done: number, total: number) => void;
  /** Lower bounds than the defaults (tests). */
  limits?: { files?: number; fileBytes?: number; totalBytes?: number };
}

/**
 * The truth files of a folder. The folder is someone else's: only regular files with a truth extension are read (links
 * are not followed), each within MAX_TRUTH_FILE_BYTES and all together within MAX_TRUTH_BYTES, at most MAX_TRUTH_FILES
 * of them; whatever is left out is said in a note.
 */
export async function truthFromFolder(dir: string, opts: TruthOptions = {}): Promise<{ truths: TruthItem[]; notes: string[] }> {
  const info = await stat(dir).catch((e: NodeJS.ErrnoException) => { throw new Error(`${dir}: ${e.code === 'ENOENT' ? 'no such folder' : e.message}`); });
  if (!info.isDirectory()) throw new Error(`${dir}: not a folder (--truth takes "reviewed" or a folder of truth files)`);
  const notes: string[] = [];
  const names: string[] = [];
  const maxFiles = opts.limits?.files ?? MAX_TRUTH_FILES, maxFileBytes = opts.limits?.fileBytes ?? MAX_TRUTH_FILE_BYTES, maxBytes = opts.limits?.totalBytes ?? MAX_TRUTH_BYTES;
  let more = false;
  // Read entry by entry, so a folder of millions of files costs no more than the first MAX_TRUTH_FILES.
  for await (const entry of await opendir(dir)) {
    if (!isTruthFileName(entry.name)) continue;
    if (names.length === maxFiles) { more = true; break; }
    names.push(entry.name);
  }
  if (more) notes.push(`${dir}: more than ${maxFiles} truth files; only ${maxFiles} were read`);
  names.sort();
  let budget = maxBytes;
  const files: TruthFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    files.push({
      name, file,
      read: async () => {
        const st = await lstat(file);
        if (st.isSymbolicLink()) throw new Error('a link, not followed');
        if (!st.isFile()) throw new Error('not a regular file');
        if (st.size > maxFileBytes) throw new Error(`${st.size} bytes is more than the ${maxFileBytes} read`);
        if (st.size > budget) throw new Error(`the folder's files add up to more than the ${maxBytes} bytes read`);
        budget -= st.size;
        const handle = await open(file, 'r');
        try {
          // Read at most what stat said (plus one byte to see growth), whatever the file does meanwhile.
          const buf = Buffer.alloc(st.size + 1);
          const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
          if (bytesRead > st.size) throw new Error('the file grew while it was read');
          return buf.subarray(0, bytesRead).toString('utf8');
        } finally {
          await handle.close();
        }
      },
    });
  }
  const r = await truthFromFiles(files, opts);
  return { truths: r.truths, notes: [...notes, ...r.notes] };
}

/** One truth file: its name (the page it is for), how it is named in notes, and its text. */
export interface TruthFile { name: string; file: string; read: () => Promise<string> }

/** Truth from files, each read and parsed on its own: a file that cannot be used is a note naming it, never a failure. */
export async function truthFromFiles(files: readonly TruthFile[], opts: TruthOptions = {}): Promise<{ truths: TruthItem[]; notes: string[] }> {
  const notes: string[] = [];
  const truths: TruthItem[] = [];
  let molecules = 0;
  const add = (file: string, name: string, task: string, value: EvalValue) => {
    const { stem, page } = pageOfName(name);
    if (opts.task && opts.task !== task) return;
    truths.push({ documentId: null, documentPath: stem, page, task, prompt: '', value, source: { file } });
  };
  for (const [i, { name, file, read }] of files.entries()) {
    opts.onProgress?.(i, files.length);
    const ext = extname(name).toLowerCase();
    const base = name.slice(0, name.length - ext.length);
    if (!isTruthFileName(name)) continue;
    try {
      const text = await read();
      switch (ext) {
        case '.txt': {
          const task = opts.task && TEXT_TASKS.has(opts.task) ? opts.task : 'ocr';
          if (task === 'vsr') {
            const a = text.trim().toLowerCase().replace(/[.!]+$/, '');
            add(file, base, task, { kind: 'verdict', text: text.trim(), answer: a === 'true' || a === 'yes' ? true : a === 'false' || a === 'no' ? false : null });
          } else add(file, base, task, { kind: 'text', text });
          break;
        }
        case '.xml': add(file, base, 'ocr', { kind: 'text', text: xmlLines(text).join('\n') }); break;
        case '.html': case '.htm': {
          const t = parseTable(text);
          add(file, base, 'table', { kind: 'table', table: t });
          break;
        }
        case '.krn': add(file, base, 'music', { kind: 'music', kern: text, valid: true }); break;
        case '.smi': case '.smiles':
          if (opts.task && opts.task !== 'molecule') break;
          for (const [n, line] of text.split(/\r?\n/).entries()) {
            const [smiles, label] = line.trim().split(/\s+/);
            if (!smiles || smiles.startsWith('#')) continue;
            if (!label) { notes.push(`${file} line ${n + 1}: no page name after the SMILES`); continue; }
            if (++molecules > MAX_TRUTH_MOLECULES) { notes.push(`${file} line ${n + 1}: more than ${MAX_TRUTH_MOLECULES} SMILES in the folder; the rest were not read`); break; }
            const m = await analyzeSmiles(smiles);
            add(file, label, 'molecule', { kind: 'molecule', molecule: { input: m.input, valid: m.valid, canonical: m.canonical, inchikey: m.inchikey, error: m.error } });
          }
          break;
        case '.json': {
          const task = opts.task === 'segment' ? 'segment' : 'detect';
          for (const [page, objects] of cocoPages(JSON.parse(text) as unknown, notes, file)) add(file, page, task, { kind: 'boxes', objects });
          break;
        }
      }
    } catch (e) {
      notes.push(`${file}: not read (${(e as Error).message})`);
    }
  }
  opts.onProgress?.(files.length, files.length);
  return { truths, notes };
}

/** The text lines of an ALTO or PAGE XML file. */
export function xmlLines(xml: string): string[] {
  const lines: string[] = [];
  const parser = new SaxesParser();
  const stack: string[] = [];
  let words: string[] | null = null; // ALTO: String@CONTENT of the open TextLine
  let unicode: string | null = null; // PAGE: text of the TextLine's own TextEquiv/Unicode
  let pageLine: string | null = null;
  const local = (n: string) => n.slice(n.indexOf(':') + 1);
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const parent = stack[stack.length - 1];
    const grand = stack[stack.length - 2];
    stack.push(name);
    if (name === 'TextLine') { words = []; pageLine = null; }
    else if (name === 'String' && words) words.push(String(tag.attributes.CONTENT ?? ''));
    else if (name === 'Unicode' && parent === 'TextEquiv' && grand === 'TextLine') unicode = '';
  });
  parser.on('text', (t) => { if (unicode !== null) unicode += t; });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    stack.pop();
    if (name === 'Unicode' && unicode !== null) { pageLine = unicode; unicode = null; }
    if (name === 'TextLine') {
      lines.push(pageLine ?? (words ?? []).join(' '));
      words = null;
      pageLine = null;
    }
  });
  parser.write(xml).close();
  return lines;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** COCO JSON → the boxes (and uncompressed RLE masks) of each page, named by image file name without extension. */
export function cocoPages(coco: unknown, notes: string[], file: string): Map<string, EvalObject[]> {
  if (!isObj(coco) || !Array.isArray(coco.images) || !Array.isArray(coco.annotations)) throw new Error('not COCO JSON (images and annotations lists expected)');
  const names = new Map<unknown, string>();
  for (const im of coco.images) if (isObj(im) && typeof im.file_name === 'string') names.set(im.id, stemOf(im.file_name));
  const cats = new Map<unknown, string>();
  for (const c of Array.isArray(coco.categories) ? coco.categories : []) if (isObj(c) && typeof c.name === 'string') cats.set(c.id, c.name);
  const pages = new Map<string, EvalObject[]>([...names.values()].map((n) => [n, []]));
  let skipped = 0, polygons = 0;
  for (const a of coco.annotations) {
    const page = isObj(a) ? names.get(a.image_id) : undefined;
    const bb = isObj(a) && Array.isArray(a.bbox) ? a.bbox : null;
    if (!page || !bb || bb.length !== 4 || !bb.every((v) => typeof v === 'number' && Number.isFinite(v))) { skipped++; continue; }
    const [x, y, w, h] = bb as number[];
    const seg = (a as Obj).segmentation;
    let mask: EvalObject['mask'] = null;
    if (isObj(seg) && Array.isArray(seg.counts) && Array.isArray(seg.size)) mask = { size: [Number(seg.size[0]), Number(seg.size[1])], counts: seg.counts as number[] };
    else if (seg !== undefined) polygons++;
    const score = (a as Obj).score;
    pages.get(page)!.push({ label: cats.get((a as Obj).category_id) ?? String((a as Obj).category_id ?? ''), box: [x!, y!, x! + w!, y! + h!], mask, ...(typeof score === 'number' ? { score } : {}) });
  }
  if (skipped) notes.push(`${file}: ${skipped} annotation(s) without an image or a bbox of four numbers were skipped`);
  if (polygons) notes.push(`${file}: ${polygons} segmentation(s) are polygons or compressed RLE; their boxes are used for masks`);
  return pages;
}
