// Builds the main-process services from their dependencies (main/app.ts adds the IPC map and dispatcher on top).
import path from 'node:path';
import type { AppInfo } from '../protocol/ipc-app';
import type { E2eeSettings } from '../protocol/ipc-e2ee';
import type { CryptoBackend } from './crypto';
import { createDefaultBackend } from './crypto-native/select';
import { AuditLog } from './e2ee/audit';
import { E2eeService } from './e2ee/e2ee';
import { HostService } from './hosting';
import { DisplayPicker, type ListCaptureSources } from './shell/display-picker';
import { InviteInbox } from './shell/invite';
import { ServerAllowList, type ConfirmNewServer } from './shell/server-allowlist';
import { DomainError } from './errors';
import type { Keystore } from './keystore/keystore';
import { KeytarKeystore } from './keystore/keytar';
import type { FilePortOpener } from './files/port';
import { FilesService } from './files/service';
import type { MediaKeyPortOpener } from './media/key-port';
import { MediaKeyService } from './media/service';

export interface MainServiceOptions {
  appInfo: AppInfo;
  /** Folder for the public identity, contacts, settings and audit log. */
  dataDir: string;
  /** Where the identity secret lives; defaults to the OS keychain through keytar. */
  keystore?: Keystore;
  /** Clock in ms since the epoch; tests inject a fake one. */
  now?: () => number;
  /** Crypto backend; defaults to node:crypto for Ed25519/X25519/HKDF and for ChaCha20-Poly1305 where each is present (and self-tested), else @noble. */
  backend?: CryptoBackend;
  /** Background sweep (rotation, grace expiry) interval; 0 disables the timer (tests call `tick`). */
  sweepIntervalMs?: number;
  /** Test hook: receives a copy of every secret byte string created. */
  onSecret?: (secret: Uint8Array) => void;
  /** Main's save dialog for received files; without one, `files:save` fails with bad-state. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  /** Main's open dialog for a file to send (`files:pick`); without one, `files:pick` fails with bad-state. */
  chooseOpenPath?: () => Promise<string | null>;
  /** Opens the binary file port to the app window (Electron: a MessageChannelMain). */
  openFilePort?: FilePortOpener;
  /** Opens the frame worker's key port to the app window (Electron: a MessageChannelMain). */
  openMediaKeyPort?: MediaKeyPortOpener;
  /** Delay before a new SFU send key is used (default MEDIA_KEY_LIMITS.switchDelayMs). */
  mediaKeySwitchDelayMs?: number;
  /** Delay before our first SFU send key or a join's ratchet is used (default MEDIA_KEY_LIMITS.quickSwitchDelayMs). */
  mediaKeyQuickSwitchDelayMs?: number;
  /** The bundled chunk worker; defaults to chunk-worker.cjs beside the bundled main (dist/main). */
  chunkWorkerPath?: string;
  /** Main's dialog asking whether the page may connect to a new signaling origin; without one, new origins are refused. */
  confirmNewServer?: ConfirmNewServer;
  /** Screens and windows for the in-app picker (Electron: desktopCapturer); without it, screen sharing is unavailable. */
  listCaptureSources?: ListCaptureSources;
  /** Where invite links land; the Electron entry makes it before the app is ready, as links can arrive that early. */
  invites?: InviteInbox;
}

export interface MainServices {
  appInfo: AppInfo;
  dataDir: string;
  e2ee: E2eeService;
  /** The security audit log every service records to (public facts only). */
  audit: AuditLog;
  /** The embedded signaling server ("host on this computer"). */
  host: HostService;
  /** Encrypted file transfer (files:* channels). */
  files: FilesService;
  /** SFU media keys (media:startCall … media:stopCall). */
  mediaKeys: MediaKeyService;
  /** Signaling origins the page's CSP lets it connect to. */
  servers: ServerAllowList;
  /** The in-app screen/window picker. */
  display: DisplayPicker;
  /** The newest checked `veil://join` link the OS handed to the app, until the page takes it. */
  invites: InviteInbox;
  /** Rotates due room keys and wipes keys whose grace period ended; run by a timer, callable by tests. */
  tick(): Promise<void>;
  leaveRoom(roomId: string): void;
  updateSettings(patch: Partial<E2eeSettings>): E2eeSettings;
  /** Stops timers and wipes key material held in memory. */
  dispose(): Promise<void>;
}

export async function createMainServices(options: MainServiceOptions): Promise<MainServices> {
  const now = options.now ?? Date.now;
  const backend = options.backend ?? createDefaultBackend();
  const audit = new AuditLog(options.dataDir, now);
  const e2ee = new E2eeService({ dataDir: options.dataDir, keystore: options.keystore ?? new KeytarKeystore(), backend, now, audit,
    ...(options.onSecret ? { onSecret: options.onSecret } : {}) });

  const tick = () => e2ee.tick();
  const interval = options.sweepIntervalMs ?? 5_000;
  const timer = interval > 0 ? setInterval(() => { tick().catch(() => {}); }, interval) : null;
  timer?.unref?.();

  const servers = await ServerAllowList.load({ file: path.join(options.dataDir, 'allowed-servers.json'),
    ...(options.confirmNewServer ? { confirm: options.confirmNewServer } : {}) });
  // The user started the embedded server here, so this computer's page may reach it without a second question.
  const host = new HostService({ onStarted: async (urls) => { for (const u of urls) await servers.add(u); } });
  const display = new DisplayPicker(options.listCaptureSources, now);
  const files = new FilesService({
    e2ee, audit, dataDir: options.dataDir, now,
    chunkWorkerPath: options.chunkWorkerPath ?? path.join(__dirname, 'chunk-worker.cjs'),
    chooseSavePath: options.chooseSavePath ?? (() => Promise.reject(new DomainError('bad-state', 'no save dialog available'))),
    ...(options.openFilePort ? { openPort: options.openFilePort } : {}),
    ...(options.chooseOpenPath ? { chooseOpenPath: options.chooseOpenPath } : {})
  });
  const mediaKeys = new MediaKeyService({ e2ee, backend, audit, now,
    ...(options.openMediaKeyPort ? { openPort: options.openMediaKeyPort } : {}),
    ...(options.mediaKeySwitchDelayMs !== undefined ? { switchDelayMs: options.mediaKeySwitchDelayMs } : {}),
    ...(options.mediaKeyQuickSwitchDelayMs !== undefined ? { quickSwitchDelayMs: options.mediaKeyQuickSwitchDelayMs } : {}) });
  return {
    appInfo: options.appInfo,
    dataDir: options.dataDir,
    e2ee,
    audit,
    host,
    files,
    mediaKeys,
    servers,
    display,
    invites: options.invites ?? new InviteInbox(),
    tick,
    leaveRoom: (roomId) => {
      mediaKeys.leaveRoom(roomId);
      e2ee.leaveRoom(roomId);
    },
    updateSettings: (patch) => e2ee.updateSettings(patch),
    async dispose() {
      if (timer) clearInterval(timer);
      await host.stop();
      await files.dispose();
      mediaKeys.dispose();
      e2ee.dispose();
    }
  };
}
