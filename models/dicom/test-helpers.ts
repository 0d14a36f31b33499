/**
 * DICOM fixtures for the tests, made at test time with Debian's DICOM tools
 * (dcmtk: dump2dcm, dcmconv, dcmcrle, dcmcjpeg, dcmcjpls, dcmmkdir; GDCM:
 * gdcmconv for JPEG 2000) from pixel values generated here, so every decoded
 * frame can be compared with the exact values that went in. Cached in the
 * gitignored .cache/fixtures/dicom; a missing tool is reported by name so the
 * tests that need it skip saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DICOM_FIXTURE_DIR = fileURLToPath(new URL('../../.cache/fixtures/dicom', import.meta.url));

const TOOLS = ['dump2dcm', 'dcmconv', 'dcmcrle', 'dcmcjpeg', 'dcmcjpls', 'dcmmkdir', 'gdcmconv'] as const;
export type Tool = (typeof TOOLS)[number];

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Tools that are not installed (the Debian packages dcmtk and libgdcm-tools provide them). */
export const missingTools: Tool[] = TOOLS.filter((t) => !onPath(t));

export interface SourceImage {
  name: string;
  width: number;
  height: number;
  frames: number;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  signed: boolean;
  samples: 1 | 3;
  photometric: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
  rescale?: { slope: number; intercept: number };
  windows?: { center: number; width: number; label: string }[];
  /** More header lines in dump2dcm's syntax, e.g. "(0028,0301) CS [YES]". */
  extraTags?: string[];
  /** Values per frame: stored values (grey) or RGB bytes (colour), frame after frame. */
  values: Int32Array;
}

/** A smooth radiograph-like field with sharp edges and the extreme values present. */
export function makeSource(spec: Omit<SourceImage, 'values'>): SourceImage {
  const { width, height, frames, samples, bitsStored, signed } = spec;
  const lo = signed ? -(2 ** (bitsStored - 1)) : 0;
  const hi = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
  const values = new Int32Array(width * height * samples * frames);
  let i = 0;
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < samples; c++) {
          const t = 0.5 + 0.35 * Math.sin((x + 5 * f + 3 * c) / 7) * Math.cos(y / 9) + (x > width / 2 && y > height / 2 ? 0.1 : 0);
          let v = Math.round(lo + t * (hi - lo));
          if (y === 0 && x === 0) v = lo;
          if (y === 0 && x === 1) v = hi;
          values[i++] = Math.min(hi, Math.max(lo, v));
        }
      }
    }
  }
  return { ...spec, values };
}

function rawBytes(src: SourceImage): Buffer {
  const bytesPer = src.bitsAllocated / 8;
  const buf = Buffer.alloc(src.values.length * bytesPer);
  src.values.forEach((v, i) => {
    if (bytesPer === 1) buf.writeUInt8(v & 0xff, i);
    else buf.writeUInt16LE(v & 0xffff, 2 * i);
  });
  return buf;
}

export const PATIENT = {
  name: 'Doe^Jane^Q',
  id: 'PID-93817',
  birthDate: '19610214',
  studyDate: '20240115',
  accession: 'ACC-771203',
  institution: 'Saint Example Hospital',
  referrer: 'Welby^Marcus',
  studyUid: '1.2.826.0.1.3680043.8.498.1111',
  seriesUid: '1.2.826.0.1.3680043.8.498.1111.2',
};

/** A stable number per fixture name, so SOP Instance UIDs differ between fixtures. */
const uidSuffix = (name: string): number => [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000_007, 7);

function dump(src: SourceImage, rawPath: string, extra: string[]): string {
  const sop = src.frames > 1 ? '1.2.840.10008.5.1.4.1.1.7.3' : '1.2.840.10008.5.1.4.1.1.1';
  const lines = [
    `(0008,0016) UI [${sop}]`,
    `(0008,0018) UI [${PATIENT.seriesUid}.${uidSuffix(src.name)}]`,
    `(0008,0020) DA [${PATIENT.studyDate}]`,
    '(0008,0030) TM [101500]',
    `(0008,0050) SH [${PATIENT.accession}]`,
    '(0008,0060) CS [CR]',
    `(0008,0080) LO [${PATIENT.institution}]`,
    `(0008,0090) PN [${PATIENT.referrer}]`,
    `(0010,0010) PN [${PATIENT.name}]`,
    `(0010,0020) LO [${PATIENT.id}]`,
    `(0010,0030) DA [${PATIENT.birthDate}]`,
    '(0010,0040) CS [F]',
    '(0010,1010) AS [062Y]',
    '(0018,0015) CS [CHEST]',
    '(0018,5101) CS [PA]',
    `(0020,000d) UI [${PATIENT.studyUid}]`,
    `(0020,000e) UI [${PATIENT.seriesUid}]`,
    '(0020,0010) SH [STUDY42]',
    `(0028,0002) US ${src.samples}`,
    `(0028,0004) CS [${src.photometric}]`,
    ...(src.samples === 3 ? ['(0028,0006) US 0'] : []),
    ...(src.frames > 1 ? [`(0028,0008) IS [${src.frames}]`] : []),
    `(0028,0010) US ${src.height}`,
    `(0028,0011) US ${src.width}`,
    '(0028,0030) DS [0.139\\0.139]',
    `(0028,0100) US ${src.bitsAllocated}`,
    `(0028,0101) US ${src.bitsStored}`,
    `(0028,0102) US ${src.bitsStored - 1}`,
    `(0028,0103) US ${src.signed ? 1 : 0}`,
    ...(src.rescale ? [`(0028,1052) DS [${src.rescale.intercept}]`, `(0028,1053) DS [${src.rescale.slope}]`] : []),
    ...(src.windows?.length
      ? [
          `(0028,1050) DS [${src.windows.map((w) => w.center).join('\\')}]`,
          `(0028,1051) DS [${src.windows.map((w) => w.width).join('\\')}]`,
          `(0028,1055) LO [${src.windows.map((w) => w.label).join('\\')}]`,
        ]
      : []),
    ...extra,
    `(7fe0,0010) ${src.bitsAllocated === 8 ? 'OB' : 'OW'} =${rawPath}`,
  ];
  return lines.join('\n') + '\n';
}

/** Values of the PHI tags every fixture carries, in the forms they could leak in (raw and as displayed). */
export const PHI_VALUES = [
  PATIENT.name,
  PATIENT.name.replace(/\^/g, ' '),
  PATIENT.id,
  PATIENT.birthDate,
  PATIENT.studyDate,
  PATIENT.accession,
  PATIENT.institution,
  PATIENT.referrer.replace(/\^/g, ' '),
  PATIENT.studyUid,
  PATIENT.seriesUid,
  'STUDY42',
  '062Y',
];

function run(tool: string, args: string[]): void {
  execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
}

/** Build (once) and return the path of `src` encoded with `encoding`. */
export function fixture(src: SourceImage, encoding: Encoding): string {
  mkdirSync(DICOM_FIXTURE_DIR, { recursive: true });
  const base = join(DICOM_FIXTURE_DIR, src.name);
  const native = `${base}.explicit-le.dcm`;
  if (!existsSync(native)) {
    writeFileSync(`${base}.raw`, rawBytes(src));
    writeFileSync(`${base}.txt`, dump(src, `${base}.raw`, src.extraTags ?? []));
    run('dump2dcm', ['+te', `${base}.txt`, `${native}.tmp`]);
    renameSync(`${native}.tmp`, native);
  }
  if (encoding === 'explicit-le') return native;
  const out = `${base}.${encoding}.dcm`;
  if (existsSync(out)) return out;
  const tmp = `${out}.tmp`;
  const commands: Record<Exclude<Encoding, 'explicit-le'>, [string, string[]]> = {
    'implicit-le': ['dcmconv', ['+ti', native, tmp]],
    'explicit-be': ['dcmconv', ['+tb', native, tmp]],
    deflated: ['dcmconv', ['+td', native, tmp]],
    rle: ['dcmcrle', [native, tmp]],
    'jpeg-baseline': ['dcmcjpeg', ['+eb', '+q', '90', native, tmp]],
    'jpeg-extended': ['dcmcjpeg', ['+ee', native, tmp]],
    'jpeg-lossless-sv1': ['dcmcjpeg', ['+e1', native, tmp]],
    'jpeg-lossless-sv6': ['dcmcjpeg', ['+el', '+sv', '6', native, tmp]],
    'jpeg-ls': ['dcmcjpls', ['+el', native, tmp]],
    'jpeg-ls-near': ['dcmcjpls', ['+en', '+md', '2', native, tmp]],
    'jpeg-2000': ['gdcmconv', ['--j2k', native, tmp]],
    'jpeg-2000-lossy': ['gdcmconv', ['--j2k', '--lossy', '-r', '4', native, tmp]],
  };
  const [tool, args] = commands[encoding];
  run(tool, args);
  renameSync(tmp, out);
  return out;
}

export type Encoding =
  | 'explicit-le'
  | 'implicit-le'
  | 'explicit-be'
  | 'deflated'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-extended'
  | 'jpeg-lossless-sv1'
  | 'jpeg-lossless-sv6'
  | 'jpeg-ls'
  | 'jpeg-ls-near'
  | 'jpeg-2000'
  | 'jpeg-2000-lossy';

export const TOOL_FOR: Record<Encoding, Tool> = {
  'explicit-le': 'dump2dcm',
  'implicit-le': 'dcmconv',
  'explicit-be': 'dcmconv',
  deflated: 'dcmconv',
  rle: 'dcmcrle',
  'jpeg-baseline': 'dcmcjpeg',
  'jpeg-extended': 'dcmcjpeg',
  'jpeg-lossless-sv1': 'dcmcjpeg',
  'jpeg-lossless-sv6': 'dcmcjpeg',
  'jpeg-ls': 'dcmcjpls',
  'jpeg-ls-near': 'dcmcjpls',
  'jpeg-2000': 'gdcmconv',
  'jpeg-2000-lossy': 'gdcmconv',
};

/** A DICOMDIR folder referencing `files` (copied in under 8-character names, as media require). */
export function dicomdirFixture(name: string, files: string[]): string {
  const dir = join(DICOM_FIXTURE_DIR, name);
  if (existsSync(join(dir, 'DICOMDIR'))) return dir;
  mkdirSync(join(dir, 'IMAGES'), { recursive: true });
  files.forEach((f, i) => execFileSync('cp', [f, join(dir, 'IMAGES', `IM${String(i).padStart(5, '0')}`)]));
  execFileSync('dcmmkdir', ['+I', '+id', dir, '+D', join(dir, 'DICOMDIR'), '+r', 'IMAGES'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}
