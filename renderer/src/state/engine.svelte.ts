// What the status bar says about the engine host: the pushed `engine.status` plus the last
// `engine.health` answer (memory, uptime).
import type { Api } from '../lib/api';
import type { EngineStatus } from '../../../preload/contract';

export interface EngineHealthView extends EngineStatus {
  uptimeMs: number;
  rssBytes: number;
}

export class EngineState {
  status = $state<EngineStatus | null>(null);
  health = $state<EngineHealthView | null>(null);
  /** Why the last health call failed, for the status bar tooltip. */
  healthError = $state<string | null>(null);
  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
    api.on('engine.status', (s) => {
      this.status = s;
      // Ask for memory and uptime only of a running engine: a health call while it is down may
      // make the host start it ahead of its own restart schedule.
      if (s.state === 'ready') void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    const r = await this.#api.call('engine.health', {});
    if (r.ok) {
      this.health = r.value;
      this.healthError = null;
      // The health answer is newer than a status we may have missed while connecting.
      this.status ??= r.value;
    } else {
      this.healthError = r.error.message;
    }
  }
}
