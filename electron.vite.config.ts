// One build for the three runtimes: main (Electron main, the headless host, the engine host, the
// CLI — all Node), preload (sandboxed, so CommonJS with its few dependencies bundled in) and the
// Svelte renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          app: resolve(root, 'main/app.ts'),
          headless: resolve(root, 'main/headless.ts'),
          'engine-host': resolve(root, 'main/engine/host.ts'),
          'pdf-worker': resolve(root, 'models/documents/pdf-worker.ts'),
          'eval-worker': resolve(root, 'models/eval/eval-worker.ts'),
          'rec-worker': resolve(root, 'models/ocr/rec-worker.ts'),
          'project-probe': resolve(root, 'main/services/project-probe.ts'),
          cli: resolve(root, 'models/cli.ts'),
        },
        // Chunks sit beside the entries so modules that locate siblings (the PDF worker) find them.
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
