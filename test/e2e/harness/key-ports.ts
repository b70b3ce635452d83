// Browser-harness stand-in for the frame worker's key port: a loopback WebSocket per call, bridged in the page to a real MessagePort.
//
// In Electron, main posts a MessagePortMain to the window and the preload forwards it (preload/media-key-port.ts);
// Chromium alone has no main process, so after `media:keyPort` the init script (bridge.ts) opens
// `ws://127.0.0.1:<port>/?token=<token>`, bridges it to a real MessageChannel and hands that port and the token to the
// preload's own `forwardMediaKeyPorts`. The page code (renderer/src/sframe/key-port.ts) is the same in both cases.
// The carrier is JSON text (key bytes as arrays): it stands in for structured clone, and lives only in the test process.
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KeyPortMessage } from '../../../protocol/media-keys';
import type { MediaKeyPortEndpoint, MediaKeyPortOpener } from '../../../main/media/key-port';
import { REPO_ROOT } from './paths';

export interface KeyPortHub { url: string; opener: MediaKeyPortOpener; close(): Promise<void> }

const CONNECT_TIMEOUT_MS = 15_000;

/** Structured clone of a key-port message as JSON: the bytes become a plain array, copied before `post` returns. */
export function encodeKeyPortMessage(m: KeyPortMessage): string {
  return JSON.stringify('baseKey' in m ? { ...m, baseKey: [...m.baseKey] } : m);
}

function endpointOf(ws: WebSocket): MediaKeyPortEndpoint {
  const closeHandlers: (() => void)[] = [];
  ws.on('close', () => { for (const h of closeHandlers) h(); });
  return {
    post: (m) => { if (ws.readyState === ws.OPEN) ws.send(encodeKeyPortMessage(m)); },
    onClose: (h) => { closeHandlers.push(h); },
    close: () => ws.close()
  };
}

export async function startKeyPortHub(): Promise<KeyPortHub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const waiting = new Map<string, (ws: WebSocket) => void>();
  wss.on('connection', (ws, req) => {
    const token = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token') ?? '';
    const deliver = waiting.get(token);
    if (!deliver) return ws.close(1008, 'unknown token');
    waiting.delete(token);
    deliver(ws);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    opener: (token) => new Promise<MediaKeyPortEndpoint>((resolve, reject) => {
      const timer = setTimeout(() => { waiting.delete(token); reject(new Error('page never attached the key port')); }, CONNECT_TIMEOUT_MS);
      waiting.set(token, (ws) => { clearTimeout(timer); resolve(endpointOf(ws)); });
    }),
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    })
  };
}

/** The app's own page half (renderer/src/sframe/key-port.ts) bundled for a test page: `window.__veilKeyedWorker(url)`. */
export async function keyedWorkerInitScript(): Promise<string> {
  const out = await build({
    stdin: {
      contents: "import { createKeyedFrameWorker } from './renderer/src/sframe/key-port';\nglobalThis.__veilKeyedWorker = createKeyedFrameWorker;",
      resolveDir: REPO_ROOT, sourcefile: 'keyed-worker.ts', loader: 'ts'
    },
    bundle: true, format: 'iife', platform: 'browser', target: 'chrome130', write: false, logLevel: 'silent',
    define: { 'import.meta.env.DEV': 'false' }
  });
  return out.outputFiles[0]!.text;
}
