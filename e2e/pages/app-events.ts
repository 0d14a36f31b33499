// The app's named window events (renderer/src/lib/app-events.ts), recorded in the page so a spec
// can wait for "the document opened" or "OCR finished" instead of sleeping. Usage:
//   const mark = await events.mark();  …do something…;  await events.waitFor('paliscope:ocr-done', mark);
import { expect, type Page } from '@playwright/test';
import type { AppEventMap } from '../../renderer/src/lib/app-events';

const NAMES: (keyof AppEventMap)[] = [
  'paliscope:ready',
  'paliscope:document-opened',
  'paliscope:page-loaded',
  'paliscope:ocr-done',
  'paliscope:error',
  'paliscope:models-listed',
  'paliscope:run-output',
  'paliscope:run-done',
  'paliscope:ocr-exported',
  'paliscope:region',
  'paliscope:run-exported',
];

interface Recorded {
  name: string;
  detail: unknown;
}
type Recorder = Window & { __paliscopeEvents?: Recorded[]; __paliscopeCsp?: string[] };

export class AppEvents {
  constructor(private readonly page: Page) {}

  /** Starts recording (idempotent; again after a reload). Also records CSP violations. */
  async install(): Promise<void> {
    await this.page.evaluate((names) => {
      const w = window as Recorder;
      if (w.__paliscopeEvents) return;
      const log: Recorded[] = (w.__paliscopeEvents = []);
      const csp: string[] = (w.__paliscopeCsp = []);
      for (const name of names) window.addEventListener(name, (e) => log.push({ name, detail: (e as CustomEvent).detail }));
      document.addEventListener('securitypolicyviolation', (e) => csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    }, NAMES);
  }

  /** How many events have been recorded so far: pass it to waitFor to ignore older ones. */
  async mark(): Promise<number> {
    return this.page.evaluate(() => (window as Recorder).__paliscopeEvents?.length ?? 0);
  }

  /** Waits for the first `name` event after `mark` whose detail matches `where` (a subset). */
  async waitFor<K extends keyof AppEventMap>(name: K, mark: number, where: Partial<AppEventMap[K]> = {}, timeout = 30_000): Promise<AppEventMap[K]> {
    let found: AppEventMap[K] | undefined;
    await expect
      .poll(
        async () => {
          found = await this.page.evaluate(
            ({ name, mark, where }) => {
              const log = (window as Recorder).__paliscopeEvents ?? [];
              const hit = log.slice(mark).find(
                (e) => e.name === name && Object.entries(where).every(([k, v]) => (e.detail as Record<string, unknown>)[k] === v),
              );
              return hit?.detail as never;
            },
            { name, mark, where: where as Record<string, unknown> },
          );
          return found !== undefined;
        },
        { message: `waiting for app event ${name} ${JSON.stringify(where)}`, timeout },
      )
      .toBe(true);
    return found!;
  }

  /** The names of every event recorded after `mark`, in order. */
  async names(mark = 0): Promise<string[]> {
    return this.page.evaluate((mark) => ((window as Recorder).__paliscopeEvents ?? []).slice(mark).map((e) => e.name), mark);
  }

  /** Every `name` event recorded after `mark`, in order. */
  async all<K extends keyof AppEventMap>(name: K, mark = 0): Promise<AppEventMap[K][]> {
    return this.page.evaluate(
      ({ name, mark }) => ((window as Recorder).__paliscopeEvents ?? []).slice(mark).filter((e) => e.name === name).map((e) => e.detail as never),
      { name, mark },
    );
  }

  /**
   * Interrupts a streaming run from inside the page the moment its output reaches `tokens`: `'Escape'` sends the
   * key to the window (where the app's shortcuts listen), a test id clicks that button. Acting in the page's own
   * event handler removes the round trip to the test process, in which the tiny model can finish all its tokens.
   * Resolves once the interruption has been sent.
   */
  interruptRunAt(tokens: number, act: 'Escape' | { testId: string }): Promise<void> {
    return this.page.evaluate(
      ({ tokens, act }) =>
        new Promise<void>((resolve, reject) => {
          const on = (e: Event): void => {
            if ((e as CustomEvent<{ tokens: number }>).detail.tokens < tokens) return;
            window.removeEventListener('paliscope:run-output', on);
            if (act === 'Escape') {
              (document.activeElement as HTMLElement | null)?.blur();
              window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', code: 'Escape', bubbles: true, cancelable: true }));
            } else {
              const button = document.querySelector<HTMLButtonElement>(`[data-testid="${act.testId}"]`);
              if (!button) return reject(new Error(`no element with data-testid="${act.testId}" to click at ${tokens} tokens`));
              button.click();
            }
            resolve();
          };
          window.addEventListener('paliscope:run-output', on);
        }),
      { tokens, act },
    );
  }

  async cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as Recorder).__paliscopeCsp ?? []);
  }
}
