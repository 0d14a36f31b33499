// The preload script: exposes the contract-derived bridge as `window.paliscope`, nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('paliscope', createBridge(ipcRenderer));
