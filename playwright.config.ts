// E2E: the same specs against two hosts. `headless` serves the UI from the headless host to
// Debian's Chromium (always runs here); `electron` drives the desktop app through Playwright's
// _electron where the Electron binary and a display exist (skipped with a printed reason otherwise).
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './e2e/support/browser';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/support/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    {
      name: 'headless',
      use: { browserName: 'chromium', headless: true, launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS } },
    },
    { name: 'electron', use: { hostKind: 'electron' } as object },
  ],
});
