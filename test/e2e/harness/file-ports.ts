// Browser-harness stand-in for Electron's MessagePort: a loopback WebSocket per page port, binary frames both ways.
//
// In Electron, main sends a MessagePortMain to the window and the preload forwards it to the page. Chromium alone
// has no main process, so the harness' init script opens `ws://127.0.0.1:<port>/?token=<token>` after `files:connect`,
// bridges it to a real page MessageChannel and hands that port and the token to the preload's own `forwardFilePorts`
// (bridge.ts). The page code is the same in both cases; only the carrier differs (binary WebSocket frames).
import type { WebSocket } from 'ws';
import type { FilePortEndpoint, FilePortOpener } from '../../../main/files/port';
import { startPortHub } from './port-hub';

export interface FilePortHub { url: string; opener: FilePortOpener; close(): Promise<void> }

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

export function startFilePortHub(): Promise<FilePortHub> {
  return startPortHub({ what: 'file port', maxPayload: 1024 * 1024, endpointOf });
}
