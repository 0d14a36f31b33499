import { mount } from 'svelte';
import App from './App.svelte';
import { installThemes } from './lib/themes';
import './app.css';

// Before the first paint, so the window never flashes in the wrong theme.
installThemes();
mount(App, { target: document.getElementById('app')! });
