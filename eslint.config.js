// Lint keeps the boundaries of the house (see the foundation issue):
// models/ never imports electron or the app; the renderer imports no Node builtins, no electron,
// and only types from the contract; the contract imports only zod and the task table; the task
// table (models/tasks/table.ts), read by all of them, imports nothing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.cache/**', 'models/ocr/*-tmp.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty-pattern': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Declaration files describe other people's modules; "unused" names there are the API.
    files: ['**/*.d.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['models/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'models/ is pure Node: it runs in the CLI, tests and the engine host.' }],
        patterns: [{ group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'models/ must not depend on the app.' }],
      }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', message: 'The renderer is untrusted web content: talk to main through lib/api.ts.' },
          ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandbox without Node.' })),
        ],
        patterns: [
          { regex: '(^|/)(main/|models/(?!tasks/table$))', message: 'The renderer reaches main only through the contract (and reads the task table, models/tasks/table).' },
          { regex: 'preload/(contract(/(index|define))?|bridge)$', allowTypeImports: true, message: 'Import only types from the contract (zod-free runtime helpers: page-image, wire, limits).' },
        ],
      }],
    },
  },
  {
    files: ['preload/contract/**'],
    ignores: ['preload/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./|(\\.\\./)+models/tasks/table$)', message: 'The contract imports only zod and the task table.' }] }],
    },
  },
  {
    // Layers inside main: the engine host (host.ts, and the protocol it shares with main's client) is its own process
    // and runs the engine and the file writers; it never reaches into main's services, the headless host or IPC.
    files: ['main/engine/host.ts', 'main/engine/protocol.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The engine host runs without Electron (a utility or child process).' }],
        patterns: [{ group: ['**/services/**', '**/host/**', '**/ipc/**', '**/renderer/**'], message: 'The engine host never imports main/services, the headless host, IPC or the renderer.' }],
      }],
    },
  },
  {
    // The task table is read by the engine, the contract, main and the renderer (browser): it stands alone.
    files: ['models/tasks/**'],
    ignores: ['models/tasks/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '.', message: 'The task table imports nothing: the contract and the renderer import it.' }] }],
    },
  },
);
