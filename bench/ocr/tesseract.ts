// Tesseract, the reference engine: installed from Debian when missing, run through its CLI.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export function hasTesseract(): boolean {
  return spawnSync('sh', ['-c', 'command -v tesseract']).status === 0 && /\beng\b/.test(spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' }).stdout ?? '');
}

/** Installs tesseract-ocr + English data with apt-get; returns a reason string when it cannot. */
export function ensureTesseract(log: (s: string) => void): string | null {
  if (hasTesseract()) return null;
  if (process.getuid?.() !== 0) return 'tesseract is not installed and installing it needs root (apt-get install -y tesseract-ocr tesseract-ocr-eng)';
  log('installing tesseract-ocr and tesseract-ocr-eng with apt-get…');
  const install = () => spawnSync('apt-get', ['install', '-y', 'tesseract-ocr', 'tesseract-ocr-eng'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    if (install().status !== 0) return 'apt-get install tesseract-ocr tesseract-ocr-eng failed';
  }
  return hasTesseract() ? null : 'tesseract still not usable after installing';
}

export async function tesseractVersion(): Promise<string> {
  const { stdout } = await exec('tesseract', ['--version']);
  return stdout.split('\n')[0]?.trim() ?? 'tesseract';
}

/**
 * OCR of one image file; `threads` caps Tesseract's OpenMP threads like Paliscope's. Returns the
 * text and the child's CPU seconds (user + system, from bash's `times`), which other load on the
 * machine disturbs far less than wall time.
 */
export async function runTesseract(imagePath: string, threads: number): Promise<{ text: string; cpuSeconds: number }> {
  const { stdout, stderr } = await exec('bash', ['-c', 'tesseract "$1" stdout -l eng --psm 3 2>/dev/null; status=$?; times >&2; exit $status', 'tesseract', imagePath], {
    env: { ...process.env, OMP_THREAD_LIMIT: String(threads) },
    maxBuffer: 64 * 1024 * 1024,
  });
  // `times` prints the shell's own user/sys line, then the children's: "0m1.234s 0m0.056s".
  const children = stderr.trim().split('\n').at(-1) ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { text: stdout, cpuSeconds: secs.reduce((a, b) => a + b, 0) };
}
