// One peer's main-process side: the app's own wiring (createMainApp), trusting only the served origin.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMainApp, type MainAppOptions } from '../../../main/app';
import type { Dispatch } from '../../../main/ipc/dispatcher';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';
import { MemoryKeystore } from '../../../main/keystore/memory';
import type { MainServiceOptions, MainServices } from '../../../main/services';
import type { FilePortOpener } from '../../../main/files/port';
import type { MediaKeyPortOpener } from '../../../main/media/key-port';
import { chunkWorkerPath } from '../../support/chunk-worker';

export interface PeerServices { dispatch: Dispatch; dataDir: string; keystore?: MemoryKeystore; services: MainServices; dispose(): Promise<void> }
export interface ServicesOptions {
  origin: string; dataDir?: string; keystore?: MemoryKeystore;
  /** The harness' WebSocket stand-in for Electron's MessagePort (see file-ports.ts). */
  openFilePort?: FilePortOpener;
  /** The harness' WebSocket stand-in for the frame worker's key port (see key-ports.ts). */
  openMediaKeyPort?: MediaKeyPortOpener;
  /** Delay before a new SFU send key is used. */
  mediaKeySwitchDelayMs?: number;
  /** Stand-in for main's save dialog: the path to write a received file to, or null for "cancelled". */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  chooseOpenPath?: () => Promise<string | null>;
  /** Stand-in for main's "allow this server?" dialog (the harness' user says yes and the peer records the question). */
  confirmNewServer?: (origin: string) => Promise<boolean>;
  /** Stand-in for desktopCapturer (Chromium's own getDisplayMedia ignores the choice; the picker still needs a list). */
  listCaptureSources?: MainServiceOptions['listCaptureSources'];
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `veil-e2e-${prefix}-`));
}

/** Only frames whose origin is exactly the served renderer may call main (the harness' isAppUrl). */
export function trustedOrigin(origin: string) {
  return (url: string | undefined) => {
    if (!url) return false;
    try {
      return new URL(url).origin === origin;
    } catch {
      return false;
    }
  };
}

/**
 * Real services for one peer. Passing the same `dataDir` and `keystore` again keeps the identity, contacts and
 * trust across a restart; a fresh pair makes a new identity.
 */
export async function startServices(opts: ServicesOptions): Promise<PeerServices> {
  const dataDir = opts.dataDir ?? await tempDir('data');
  const keystore = opts.keystore ?? new MemoryKeystore();
  const options: MainAppOptions = { appInfo: { name: 'Veil', version: '0.0.0-e2e', platform: 'linux' }, dataDir, keystore,
    chunkWorkerPath: await chunkWorkerPath(), isTrustedSender: trustedOrigin(opts.origin),
    onInternalError: (channel, err) => console.error(`[harness] ${channel} internal error`, err) };
  if (opts.openFilePort) options.openFilePort = opts.openFilePort;
  if (opts.openMediaKeyPort) options.openMediaKeyPort = opts.openMediaKeyPort;
  if (opts.mediaKeySwitchDelayMs !== undefined) options.mediaKeySwitchDelayMs = opts.mediaKeySwitchDelayMs;
  if (opts.chooseSavePath) options.chooseSavePath = opts.chooseSavePath;
  if (opts.chooseOpenPath) options.chooseOpenPath = opts.chooseOpenPath;
  if (opts.confirmNewServer) options.confirmNewServer = opts.confirmNewServer;
  if (opts.listCaptureSources) options.listCaptureSources = opts.listCaptureSources;
  // VEIL_TEST_AEAD=noble: run every peer as Electron does (native asymmetric crypto, noble ChaCha20-Poly1305).
  if (process.env.VEIL_TEST_AEAD === 'noble') options.backend = createNodeBackend();
  const { services, dispatch, dispose } = await createMainApp(options);
  return { dispatch, dataDir, keystore, services, dispose };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
