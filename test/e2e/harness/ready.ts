// Whether the real parts the e2e suite needs exist yet: built renderer, full IPC handler map, a signaling server that acks.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { IPC_CHANNELS } from '../../../protocol/ipc';
import { startSignaling } from './index';
import { REPO_ROOT } from './paths';
import { buildIpcHandlers } from '../../../main/ipc/handlers';
import { createMainServices, type MainServiceOptions } from '../../../main/services';
import { removeDir, tempDir } from './services';

/** Null when ready, else the reason the suite is skipped. */
export async function e2eNotReadyReason(): Promise<string | null> {
  if (!existsSync(path.join(REPO_ROOT, 'dist/renderer/index.html'))) return 'dist/renderer is not built (node scripts/build.mjs renderer)';
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) return 'no Chromium at CHROMIUM_PATH or /usr/bin/chromium';
  const dir = await tempDir('ready');
  try {
    const services = await createMainServices({ appInfo: { name: 'Veil', version: '0', platform: 'linux' }, dataDir: dir } as MainServiceOptions);
    const handlers = buildIpcHandlers(services) as Partial<Record<string, unknown>>;
    await services.dispose();
    const missing = IPC_CHANNELS.filter((ch) => !ch.startsWith('host:') && typeof handlers[ch] !== 'function');
    if (missing.length > 0) return `main IPC handlers missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`;
  } catch (err) {
    return `main services unavailable: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await removeDir(dir);
  }
  const server = await startSignaling();
  try {
    const acked = await new Promise<boolean>((resolve) => {
      const sock = io(server.url, { transports: ['websocket'], reconnection: false });
      const t = setTimeout(() => { sock.close(); resolve(false); }, 3000);
      sock.emit('room:leave', {}, () => { clearTimeout(t); sock.close(); resolve(true); });
    });
    if (!acked) return 'the signaling server does not answer events yet';
  } finally {
    await server.close();
  }
  return null;
}
