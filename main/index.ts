// Electron entry point: the secure shell (scheme, CSP, permissions, navigation), Electron's dialogs and ports, and createMainApp's dispatch on ipcMain.
import { app, BrowserWindow, desktopCapturer, dialog, ipcMain, MessageChannelMain, protocol, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { IPC_CHANNELS } from '../protocol/ipc';
import { FILE_PORT_EVENT, MEDIA_KEY_PORT_EVENT } from '../protocol/ipc-channels';
import { APP_SCHEME_PRIVILEGES } from './shell/app-protocol';
import { readDevProfile } from './shell/dev-profile';
import { createExternalOpener } from './shell/external-links';
import { InviteInbox } from './shell/invite';
import { appSchemeHandler, installDisplayMediaHandler, installSessionPolicies, lockDownWebContents } from './shell/install';
import { APP_ENTRY_URL, APP_SCHEME } from './shell/origin';
import { createMainWindow } from './shell/web-preferences';
import { createMainApp, type MainApp } from './app';
import { KeytarKeystore } from './keystore/keytar';
import { DISPLAY_SOURCE_LIMITS } from '../protocol/ipc-media';
import { messagePortEndpoint } from './files/electron-port';
import type { FilePortOpener } from './files/port';
import { keyPortEndpoint } from './media/electron-port';
import type { MediaKeyPortOpener } from './media/key-port';

const rendererDir = path.join(__dirname, '..', 'renderer');
const preloadPath = path.join(__dirname, '..', 'preload', 'index.cjs');
const devServerOrigin = process.env.VEIL_DEV_SERVER && !app.isPackaged ? process.env.VEIL_DEV_SERVER : undefined;
const devCsp = devServerOrigin ? { devServerOrigin } : {};

/** A yes/no question in main's own dialog (the page cannot draw or answer it); "Cancel" is the default. */
async function askUser(window: BrowserWindow | null, message: string, detail: string, yes: string): Promise<boolean> {
  const options = { type: 'question' as const, buttons: ['Cancel', yes], defaultId: 0, cancelId: 0, noLink: true, message, detail };
  const result = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return result.response === 1;
}

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// Set before the single-instance lock, which is taken per data folder.
const devProfile = readDevProfile(process.env, app.isPackaged);
if (devProfile.userDataDir) app.setPath('userData', devProfile.userDataDir);
// Only an installed app claims veil:// links from the OS; a development run must not take over the user's handler.
if (app.isPackaged) app.setAsDefaultProtocolClient(APP_SCHEME);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let mainApp: MainApp | null = null;
  // Links can arrive before the window exists (a cold start, macOS's open-url before ready); the inbox keeps the newest.
  const invites = new InviteInbox();
  const showWindow = () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  };
  // Links the navigation policy let through (https only) still open only after the user saw the full URL.
  const openInBrowser = createExternalOpener(
    (url) => askUser(mainWindow, 'Open this link in your web browser?', url, 'Open link'),
    (url) => shell.openExternal(url));

  invites.offerArgv(process.argv);
  // Windows and Linux start a second process with the link in its argv; it quits and its argv lands here.
  app.on('second-instance', (_event, argv) => {
    invites.offerArgv(argv);
    showWindow();
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    invites.offer(url);
    showWindow();
  });
  // Every webContents, including any the app did not mean to create, gets the same locks.
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, (url) => void openInBrowser(url)));

  app.whenReady().then(async () => {
    // The file-transfer port goes only to our own window's main frame; the preload forwards it to the page.
    const openFilePort: FilePortOpener = async (token) => {
      if (!mainWindow) throw new Error('no app window');
      const { port1, port2 } = new MessageChannelMain();
      mainWindow.webContents.postMessage(FILE_PORT_EVENT, token, [port2]);
      return messagePortEndpoint(port1);
    };
    // The frame worker's key port: same path as the file port; the page forwards it unread to the worker.
    const openMediaKeyPort: MediaKeyPortOpener = async (token) => {
      if (!mainWindow) throw new Error('no app window');
      const { port1, port2 } = new MessageChannelMain();
      mainWindow.webContents.postMessage(MEDIA_KEY_PORT_EVENT, token, [port2]);
      return keyPortEndpoint(port1);
    };
    // Received files are written only where the user chooses, in main's own dialog.
    const chooseSavePath = async (suggestedName: string): Promise<string | null> => {
      const options = { defaultPath: path.join(app.getPath('downloads'), suggestedName) };
      const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    };
    // A file to send is chosen in main's own dialog: main reads it, the page never learns its path.
    const chooseOpenPath = async (): Promise<string | null> => {
      const options = { properties: ['openFile' as const] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled || !result.filePaths[0] ? null : result.filePaths[0];
    };
    mainApp = await createMainApp({
      appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
      dataDir: app.getPath('userData'),
      openFilePort,
      openMediaKeyPort,
      chooseSavePath,
      chooseOpenPath,
      invites,
      ...(devProfile.keychainService ? { keystore: new KeytarKeystore(devProfile.keychainService) } : {}),
      confirmNewServer: (origin) => askUser(mainWindow, 'Allow Veil to connect to this server?',
        `${origin}\n\nOnly say yes if you typed this address or someone you trust gave it to you. The app reloads to apply it.`, 'Allow'),
      listCaptureSources: () => desktopCapturer.getSources({ types: ['screen', 'window'],
        thumbnailSize: { width: DISPLAY_SOURCE_LIMITS.thumbnailWidth, height: DISPLAY_SOURCE_LIMITS.thumbnailHeight } }),
      // Log the channel only: arguments may hold plaintext.
      onInternalError: (channel) => console.error(`[veil] IPC handler ${channel} threw`)
    });
    const live = mainApp.services;
    const dispatch = mainApp.dispatch;
    // The CSP is rebuilt per response from main's allow-list, so a reload applies a newly allowed server.
    const csp = () => ({ ...devCsp, connectSources: live.servers.connectSources() });
    installSessionPolicies(session.defaultSession, csp, () => live.servers.markServed());
    installDisplayMediaHandler(session.defaultSession, desktopCapturer, live.display.slot);
    protocol.handle(APP_SCHEME, appSchemeHandler(rendererDir, csp, (p) => readFile(p), () => live.servers.markServed()));
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
    void (mainApp?.dispose() ?? Promise.resolve()).finally(() => app.quit());
  });
}
