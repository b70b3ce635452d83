// Electron entry point: wires the secure shell (scheme, CSP, permissions, navigation) and registers the IPC map.
import { app, BrowserWindow, desktopCapturer, ipcMain, protocol, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { IPC_CHANNELS } from '../protocol/ipc';
import { APP_SCHEME_PRIVILEGES } from './shell/app-protocol';
import { appSchemeHandler, installDisplayMediaHandler, installSessionPolicies, lockDownWebContents } from './shell/install';
import { APP_ENTRY_URL, APP_SCHEME } from './shell/origin';
import { createMainWindow } from './shell/web-preferences';
import { createDispatcher } from './ipc/dispatcher';
import { buildIpcHandlers } from './ipc/handlers';
import { createMainServices, type MainServices } from './services';

const rendererDir = path.join(__dirname, '..', 'renderer');
const preloadPath = path.join(__dirname, '..', 'preload', 'index.cjs');
const devServerOrigin = process.env.VEIL_DEV_SERVER && !app.isPackaged ? process.env.VEIL_DEV_SERVER : undefined;
const csp = devServerOrigin ? { devServerOrigin } : {};

// Only https URLs that passed the navigation policy (see shell/navigation.ts) reach this function.
const openInBrowser = (approvedHttpsUrl: string) => void shell.openExternal(approvedHttpsUrl);

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let services: MainServices | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Every webContents, including any the app did not mean to create, gets the same locks.
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, openInBrowser));

  app.whenReady().then(async () => {
    installSessionPolicies(session.defaultSession, csp);
    installDisplayMediaHandler(session.defaultSession, desktopCapturer);
    protocol.handle(APP_SCHEME, appSchemeHandler(rendererDir, csp, (p) => readFile(p)));

    services = await createMainServices({
      appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
      dataDir: app.getPath('userData')
    });
    const dispatch = createDispatcher(buildIpcHandlers(services), undefined, (channel) => {
      // Log the channel only: arguments may hold plaintext.
      console.error(`[veil] IPC handler ${channel} threw`);
    });
    for (const channel of IPC_CHANNELS) {
      ipcMain.handle(channel, (event, ...args) => dispatch(event.senderFrame?.url, channel, args));
    }

    mainWindow = createMainWindow(BrowserWindow, preloadPath);
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => { mainWindow = null; });
    await mainWindow.loadURL(devServerOrigin ? `${devServerOrigin}/index.html` : APP_ENTRY_URL);
  }).catch((err: unknown) => {
    console.error('[veil] start-up failed:', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });

  app.on('window-all-closed', () => {
    void (services?.dispose() ?? Promise.resolve()).finally(() => app.quit());
  });
}
