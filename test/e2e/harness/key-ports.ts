// Browser-harness stand-in for the frame worker's key port: a loopback WebSocket per call, bridged in the page to a real MessagePort.
//
// In Electron, main posts a MessagePortMain to the window and the preload forwards it (preload/media-key-port.ts);
// Chromium alone has no main process, so after `media:keyPort` the init script (bridge.ts) opens
// `ws://127.0.0.1:<port>/?token=<token>`, bridges it to a real MessageChannel and hands that port and the token to the
// preload's own `forwardMediaKeyPorts`. The page code (renderer/src/sframe/key-port.ts) is the same in both cases.
// The carrier is JSON text (key bytes as arrays): it stands in for structured clone, and lives only in the test process.
import { build } from 'esbuild';
import type { WebSocket } from 'ws';
import type { KeyPortMessage } from '../../../protocol/media-keys';
import type { MediaKeyPortEndpoint, MediaKeyPortOpener } from '../../../main/media/key-port';
import { REPO_ROOT } from './paths';
import { startPortHub } from './port-hub';

export interface KeyPortHub { url: string; opener: MediaKeyPortOpener; close(): Promise<void> }

/** Structured clone of a key-port message as JSON: the bytes become a plain array, copied before `post` returns. */
export function encodeKeyPortMessage(m: KeyPortMessage): string {
  return JSON.stringify('baseKey' in m ? { ...m, baseKey: [...m.baseKey] } : 'tags' in m ? { ...m, tags: [...m.tags] } : m);
}

/** The worker's messages back, as the bridge sends them: JSON with byte fields as arrays (`tags` of `sent-frames`). */
export function decodeWorkerMessage(text: string): unknown {
  try {
    const m = JSON.parse(text) as Record<string, unknown>;
    return Array.isArray(m.tags) ? { ...m, tags: new Uint8Array(m.tags as number[]) } : m;
  } catch {
    return null;
  }
}

function endpointOf(ws: WebSocket): MediaKeyPortEndpoint {
  const closeHandlers: (() => void)[] = [];
  const messageHandlers: ((data: unknown) => void)[] = [];
  ws.on('close', () => { for (const h of closeHandlers) h(); });
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const m = decodeWorkerMessage(data.toString());
    for (const h of messageHandlers) h(m);
  });
  return {
    post: (m) => { if (ws.readyState === ws.OPEN) ws.send(encodeKeyPortMessage(m)); },
    onMessage: (h) => { messageHandlers.push(h); },
    onClose: (h) => { closeHandlers.push(h); },
    close: () => ws.close()
  };
}

export function startKeyPortHub(): Promise<KeyPortHub> {
  return startPortHub({ what: 'key port', maxPayload: 64 * 1024, endpointOf });
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
