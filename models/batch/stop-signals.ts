// How a queue-running command (`paliscope batch`, `paliscope document`) stops when told to. SIGINT is Ctrl-C; SIGTERM
// is a scheduler stopping the task (preemption, eviction, time limit). Either pauses the queue with the page in
// progress going back to it, so the same command resumes; SIGTERM's exit code asks the scheduler for a requeue.
import { EXIT } from './exit-codes';

export class StopSignals {
  /** The signal that asked to stop, or null. */
  received: NodeJS.Signals | null = null;
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.received = signal;
    this.onStop();
  };

  /** `onStop`: pause the queue (called on each signal). Listens from now until dispose(). */
  constructor(private readonly onStop: () => void) {
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
  }

  get exitCode(): number {
    return this.received === 'SIGTERM' ? EXIT.transient : EXIT.interrupted;
  }

  /** The line for stderr once the command has stopped. */
  message(command: string): string {
    return `paliscope ${command}: ${this.received === 'SIGTERM' ? 'stopped by SIGTERM' : 'interrupted'}; run the same command again to resume\n`;
  }

  dispose(): void {
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
  }
}
