// Preload bundle: exposes window.veil (the typed IPC contract) through contextBridge; never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { buildVeilApi } from './api';

contextBridge.exposeInMainWorld('veil', buildVeilApi((channel, ...args) => ipcRenderer.invoke(channel, ...args)));
