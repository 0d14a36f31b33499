import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Unit tests live beside the code they test (x.ts ↔ x.test.ts).
export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['{main,preload,models,renderer,scripts,deploy}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
