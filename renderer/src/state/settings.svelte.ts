// The Settings dialog's state: main's settings view, changes sent one field at a time (main checks them and answers
// the settings as kept), and the theme applied to the window. The chosen theme is also remembered in localStorage so
// the next start paints in it before main has answered.
import type { AppError, SettingsChange, SettingsView, ThemeChoice } from '../../../preload/contract';
import { THEME_CHOICES } from '../../../preload/contract/settings';
import { createApi, type Api } from '../lib/api';
import { applyTheme } from '../lib/themes';

const THEME_KEY = 'paliscope.theme';

export class SettingsState {
  open = $state(false);
  view = $state<SettingsView | null>(null);
  error = $state<AppError | null>(null);
  /** The last change main kept, said in words (the dialog's status line). */
  saved = $state('');
  /** Whether main can show a folder dialog (not in the headless host): the OCR recognizer is picked in one. */
  canShowDialogs = $state(false);
  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** The theme remembered from last time, applied at once (before main answers). */
  static applyRememberedTheme(): void {
    const remembered = globalThis.localStorage?.getItem(THEME_KEY);
    if (remembered && (THEME_CHOICES as readonly string[]).includes(remembered)) applyTheme(remembered as ThemeChoice);
  }

  async load(): Promise<void> {
    const info = await this.#api.call('app.info', {});
    this.canShowDialogs = info.ok && info.value.canShowDialogs;
    const r = await this.#api.call('settings.get', {});
    if (!r.ok) {
      this.error = r.error;
      return;
    }
    this.#take(r.value);
  }

  async show(): Promise<void> {
    this.open = true;
    this.saved = '';
    await this.load();
  }

  /** Sends one change; answers the refusal (and keeps the value shown as it was) when main does not take it. */
  async set(change: SettingsChange, said: string): Promise<boolean> {
    const r = await this.#api.call('settings.set', change);
    if (!r.ok) {
      this.error = r.error;
      this.saved = '';
      return false;
    }
    this.error = null;
    this.saved = said;
    this.#take(r.value);
    return true;
  }

  /** Main shows its folder dialog and has the recognizer checked; a refusal names the file and the reason. */
  async chooseOcrRecognizer(): Promise<void> {
    const before = this.view?.settings.ocrRecognizer ?? null;
    const r = await this.#api.call('settings.chooseOcrRecognizer', {});
    if (!r.ok) {
      this.error = r.error;
      this.saved = '';
      return;
    }
    this.error = null;
    const chosen = r.value.settings.ocrRecognizer;
    this.saved = chosen !== before && chosen !== null ? `OCR recognizer checked and kept: ${chosen}. It reads from the next page on.` : '';
    this.#take(r.value);
  }

  #take(view: SettingsView): void {
    this.view = view;
    applyTheme(view.settings.theme);
    try {
      globalThis.localStorage?.setItem(THEME_KEY, view.settings.theme);
    } catch { /* storage off (private mode): the theme still comes from main at the next start */ }
  }
}

/** Whether one-character shortcuts act (on until main's settings say otherwise). */
export function singleKeyShortcuts(): boolean {
  return settingsState().view?.settings.singleKeyShortcuts ?? true;
}

let shared: SettingsState | null = null;
export function settingsState(): SettingsState {
  shared ??= new SettingsState(createApi());
  return shared;
}
