// The execution provider and threads the last model run in this window used, for the status bar.
import type { RunRecord } from '../../../preload/contract';

export class LastRun {
  provider = $state<string | null>(null);
  threads = $state<number | null>(null);

  note(run: Pick<RunRecord, 'providers' | 'threads'>): void {
    const providers = Object.values(run.providers).filter((p, i, all) => all.indexOf(p) === i);
    if (providers.length === 0) return; // refused before a model was loaded: nothing ran
    this.provider = providers.join('+');
    this.threads = run.threads ?? null;
  }
}

export const lastRun = new LastRun();
