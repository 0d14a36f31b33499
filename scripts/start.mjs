// `npm start`: opens the desktop app. Where Electron can't open a window (its binary could not be
// downloaded, or there is no display), says why in one line and serves the same UI from the
// headless host instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  const pkgDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Electron's install script is kept from running at npm install (see package.json allowScripts); fetch the binary now. */
function fetchElectron() {
  const pkgDir = dirname(require.resolve('electron/package.json'));
  process.stderr.write('Paliscope: fetching the Electron binary (first launch)…\n');
  const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000, encoding: 'utf8' });
  if (r.status === 0 && electronBinary()) return null;
  const why = (r.stderr || '').split('\n').find((l) => /error|fail|ENOTFOUND|ECONN|EAI_AGAIN/i.test(l)) ?? (r.error ? String(r.error) : `exit code ${r.status}`);
  return `the Electron binary is not installed and could not be downloaded (${why.trim().slice(0, 160)})`;
}

function whyNoWindow() {
  if (process.env.PALISCOPE_HEADLESS === '1') return 'PALISCOPE_HEADLESS=1 is set';
  if (!electronBinary()) {
    const failure = fetchElectron();
    if (failure) return failure;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return null;
}

function serveHeadless(reason) {
  process.stdout.write(`Paliscope: no desktop window — ${reason}; serving the same UI from the headless host instead.\n`);
  const child = spawn(process.execPath, [join(root, 'out/main/headless.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const reason = whyNoWindow();
if (reason) serveHeadless(reason);
else {
  const started = Date.now();
  const child = spawn(electronBinary(), [root, ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    process.stderr.write(d);
  });
  child.on('exit', (code) => {
    // A window that dies at once (missing system libraries, a broken GPU stack) falls back too.
    if (code !== 0 && Date.now() - started < 10_000) serveHeadless(`Electron exited at start with code ${code} (${stderr.trim().split('\n').pop()?.slice(0, 160) ?? ''})`);
    else process.exit(code ?? 0);
  });
}
