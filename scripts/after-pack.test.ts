// build/after-pack.cjs: prunes other platforms' onnxruntime binaries, and refuses to package a platform/architecture
// whose onnxruntime binary does not exist (onnxruntime-node 1.30 has no darwin/x64), naming it.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const afterPack = (createRequire(import.meta.url)('../build/after-pack.cjs') as { default: (ctx: object) => Promise<void> }).default;
const root = mkdtempSync(join(tmpdir(), 'paliscope-afterpack-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ARCH = { x64: 1, arm64: 3 } as const;

/** A packed macOS app whose onnxruntime-node carries the binaries 1.30 ships. */
function fakeMacApp(name: string): { ctx: (arch: keyof typeof ARCH) => object; bin: string } {
  const appOutDir = join(root, name);
  const bin = join(appOutDir, 'Paliscope.app', 'Contents', 'Resources', 'app.asar.unpacked', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
  for (const d of ['darwin/arm64', 'linux/x64', 'linux/arm64', 'win32/x64', 'win32/arm64']) mkdirSync(join(bin, d), { recursive: true });
  return { bin, ctx: (arch) => ({ electronPlatformName: 'darwin', arch: ARCH[arch], appOutDir, packager: { appInfo: { productFilename: 'Paliscope' } } }) };
}

describe('after-pack', () => {
  it('refuses a darwin x64 package and says why', async () => {
    const app = fakeMacApp('x64');
    await expect(afterPack(app.ctx('x64'))).rejects.toThrow(/darwin\/x64.*ships no darwin\/x64 binary.*arm64 only/);
  });
  it('keeps only darwin/arm64 in an arm64 package', async () => {
    const app = fakeMacApp('arm64');
    await afterPack(app.ctx('arm64'));
    expect(existsSync(join(app.bin, 'darwin', 'arm64'))).toBe(true);
    expect(existsSync(join(app.bin, 'linux'))).toBe(false);
    expect(existsSync(join(app.bin, 'win32'))).toBe(false);
  });
});
