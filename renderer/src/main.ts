import { mount } from 'svelte';
import App from './App.svelte';
import { installThemes } from './lib/themes';
import { SettingsState, settingsState } from './state/settings.svelte';
import './app.css';

// Before the first paint, so the window never flashes in the wrong theme.
installThemes();
SettingsState.applyRememberedTheme();
void settingsState().load();
mount(App, { target: document.getElementById('app')! });
