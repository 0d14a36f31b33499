// electron-builder afterPack hook: removes native binaries built for other platforms or
// architectures (onnxruntime-node ships all of them; sharp's per-platform packages may be present
// for cross-builds), so each installer carries only what it can load.
const { readdirSync, rmSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

exports.default = async function afterPack(context) {
  const platform = context.electronPlatformName; // darwin | win32 | linux
  const arch = ARCH[context.arch];
  const resources = platform === 'darwin'
    ? join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
    : join(context.appOutDir, 'resources');
  const modules = join(resources, 'app.asar.unpacked', 'node_modules');

  const ortBin = join(modules, 'onnxruntime-node', 'bin');
  // An installer whose model engine cannot load is not shipped: say which binary is missing instead.
  const archs = arch === 'universal' ? ['x64', 'arm64'] : [arch];
  if (existsSync(ortBin)) {
    for (const a of archs) {
      const have = readdirSync(ortBin).some((napi) => existsSync(join(ortBin, napi, platform, a)));
      if (!have) {
        throw new Error(`Paliscope cannot be packaged for ${platform}/${a}: onnxruntime-node ${require('onnxruntime-node/package.json').version} ships no ${platform}/${a} binary, so the app could not load any model. ` +
          (platform === 'darwin' ? 'Build the macOS installer for arm64 only (electron-builder.yml does).' : 'Drop this target.'));
      }
    }
  }
  if (existsSync(ortBin)) {
    for (const napi of readdirSync(ortBin)) {
      for (const os of readdirSync(join(ortBin, napi))) {
        if (os !== platform) { rmSync(join(ortBin, napi, os), { recursive: true, force: true }); continue; }
        if (arch === 'universal') continue;
        for (const a of readdirSync(join(ortBin, napi, os))) if (a !== arch) rmSync(join(ortBin, napi, os, a), { recursive: true, force: true });
      }
    }
  }
  const img = join(modules, '@img');
  if (existsSync(img)) {
    for (const pkg of readdirSync(img)) {
      const m = /^sharp-(?:libvips-)?([a-z0-9]+)-([a-z0-9]+)$/.exec(pkg);
      if (m && (m[1] !== platform || (arch !== 'universal' && m[2] !== arch))) rmSync(join(img, pkg), { recursive: true, force: true });
    }
  }
};
