// Preload bundle: exposes window.veil (the typed IPC contract) through contextBridge; never ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildVeilApi } from './api';
import { forwardFilePorts, postToOwnWindow } from './file-port';
import { forwardMediaKeyPorts } from './media-key-port';

contextBridge.exposeInMainWorld('veil', buildVeilApi((channel, ...args) => ipcRenderer.invoke(channel, ...args),
  (file: File) => webUtils.getPathForFile(file)));
// The file-transfer port goes to our own window only (same origin); the renderer matches it by the token it asked for.
forwardFilePorts((channel, listener) => ipcRenderer.on(channel, listener), postToOwnWindow(() => window));
// The frame worker's key port takes the same way; the page transfers it to the worker without reading it.
forwardMediaKeyPorts((channel, listener) => ipcRenderer.on(channel, listener), postToOwnWindow(() => window));
