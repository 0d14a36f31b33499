// The `test` every spec uses: `appPage` is the Paliscope window, served by the headless host to
// Chromium or opened by Electron, depending on the project. Specs never know which.
import { test as base, _electron, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeadlessHost, type RunningHost } from './headless-host';
import { electronUnavailableReason } from './electron';
import { FIXTURE_DIR, MODELS_DIR } from './global-setup';
import { PaliscopeApp } from '../pages/paliscope-app';

export type HostKind = 'headless' | 'electron';

export interface AppHandle {
  kind: HostKind;
  /** The headless host (only for kind 'headless'). */
  headless: RunningHost | null;
  /** The desktop app (only for kind 'electron'). */
  electron: ElectronApplication | null;
}

interface HeadlessPool { get(): Promise<RunningHost> }

/**
 * One headless host per worker, started only if a headless test asks for it. Each call makes a new fixture function,
 * and Playwright gives each distinct worker fixture its own worker: see `testWithOwnHost`.
 */
function headlessPoolFixture(): [(args: object, use: (pool: HeadlessPool) => Promise<void>) => Promise<void>, { scope: 'worker' }] {
  return [
    async ({}, use: (pool: HeadlessPool) => Promise<void>) => {
      const started: { host?: Promise<RunningHost> } = {};
      await use({ get: () => (started.host ??= startHeadlessHost()) });
      if (started.host) await (await started.host).stop();
    },
    { scope: 'worker' },
  ];
}

export const test = base.extend<{ hostKind: HostKind; app: AppHandle; appPage: Page; fixtures: string }, { headlessPool: HeadlessPool }>({
  hostKind: ['headless', { option: true }],
  fixtures: FIXTURE_DIR,
  headlessPool: headlessPoolFixture(),

  app: async ({ hostKind, headlessPool }, use) => {
    if (hostKind === 'electron') {
      const reason = electronUnavailableReason();
      test.skip(reason !== null, `electron: ${reason}`);
      const electron = await _electron.launch({
        args: [join(import.meta.dirname, '../..')],
        env: { ...process.env, PALISCOPE_USER_DATA: mkdtempSync(join(tmpdir(), 'paliscope-e2e-')), PALISCOPE_MODELS_DIR: MODELS_DIR },
      });
      await use({ kind: 'electron', headless: null, electron });
      await electron.close();
      return;
    }
    await use({ kind: 'headless', headless: await headlessPool.get(), electron: null });
  },

  appPage: async ({ app, page }, use) => {
    if (app.electron) {
      const win = await app.electron.firstWindow();
      await win.waitForSelector('[data-testid="app-ready"]');
      await use(win);
      return;
    }
    await page.goto(app.headless!.url);
    await page.waitForSelector('[data-testid="app-ready"]');
    await use(page);
  },
});

export { expect } from '@playwright/test';

/**
 * The hooks every UI spec shares: a page object attached to the app before each test (handed to
 * `set`), and a check after it that the page met no Content-Security-Policy violation. A test the
 * host cannot run (no Electron binary) is skipped before the page object exists.
 */
export function attachEachTest(set: (app: PaliscopeApp) => void, opts: { slow?: boolean } = {}): void {
  let current: PaliscopeApp | null = null;
  test.beforeEach(async ({ appPage }) => {
    if (opts.slow) test.slow();
    current = await PaliscopeApp.attach(appPage);
    set(current);
  });
  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status === 'skipped' || !current) return;
    await current.expectNoCspViolations();
    current = null;
  });
}

/**
 * The `test` of a spec file that needs a headless host, and so a project store, of its own (its store then holds only
 * the runs that file makes). Call it once per spec file.
 */
export function testWithOwnHost() {
  return test.extend<object, { headlessPool: HeadlessPool }>({ headlessPool: headlessPoolFixture() });
}
