// Browser-harness stand-in for Electron's MessagePort: a loopback WebSocket per page port, binary frames both ways.
//
// In Electron, main sends a MessagePortMain to the window and the preload forwards it to the page. Chromium alone
// has no main process, so the harness' init script opens `ws://127.0.0.1:<port>/?token=<token>` after `files:connect`,
// bridges it to a real page MessageChannel and hands that port and the token to the preload's own `forwardFilePorts`
// (bridge.ts). The page code is the same in both cases; only the carrier differs (binary WebSocket frames).
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FilePortEndpoint, FilePortOpener } from '../../../main/files/port';

export interface FilePortHub { url: string; opener: FilePortOpener; close(): Promise<void> }

const CONNECT_TIMEOUT_MS = 15_000;

function endpointOf(ws: WebSocket): FilePortEndpoint {
  const closeHandlers: (() => void)[] = [];
  ws.on('close', () => { for (const h of closeHandlers) h(); });
  return {
    post: (frame) => { if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true }); },
    onFrame: (h) => {
      ws.on('message', (data, isBinary) => {
        if (!isBinary) return;
        const parts = Array.isArray(data) ? data : [data instanceof ArrayBuffer ? Buffer.from(data) : data];
        const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        // ws may hand out a view into a socket read buffer it still uses: main needs a frame it owns (see port.ts).
        const whole = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength;
        h(whole ? new Uint8Array(buf.buffer, 0, buf.byteLength) : new Uint8Array(buf));
      });
    },
    onClose: (h) => { closeHandlers.push(h); },
    close: () => ws.close()
  };
}

export async function startFilePortHub(): Promise<FilePortHub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
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
    opener: (token) => new Promise<FilePortEndpoint>((resolve, reject) => {
      const timer = setTimeout(() => { waiting.delete(token); reject(new Error('page never attached the file port')); }, CONNECT_TIMEOUT_MS);
      waiting.set(token, (ws) => { clearTimeout(timer); resolve(endpointOf(ws)); });
    }),
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    })
  };
}
