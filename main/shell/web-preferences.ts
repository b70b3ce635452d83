// Creates the main window with isolated, sandboxed, Node-free settings (constructor injected so tests can inspect them).
import type { BrowserWindow as ElectronBrowserWindow, BrowserWindowConstructorOptions } from 'electron';

export type BrowserWindowCtor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * The options are written literally at the constructor call on purpose: static checkers
 * (electronegativity) read them there, and the unit test reads them through the injected constructor.
 */
export function createMainWindow<W = ElectronBrowserWindow>(BrowserWindow: BrowserWindowCtor<W>, preloadPath: string): W {
  return new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    title: 'Veil',
    show: false,
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick'
    }
  });
}
