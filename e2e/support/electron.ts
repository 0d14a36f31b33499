// Whether the desktop app can be driven here, and why not.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function electronBinaryPath(): string | null {
  const dir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

export function electronUnavailableReason(): string | null {
  if (!electronBinaryPath()) return 'the Electron binary is not installed (its download host is unreachable from this machine; `node node_modules/electron/install.js` fetches it where it can)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (run under xvfb-run to drive Electron on Linux)';
  return null;
}
