// The loopback WebSocket server behind the harness' stand-ins for main's MessagePorts: one socket per token, handed to whoever waits for it.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface PortHub<E> { url: string; opener: (token: string) => Promise<E>; close(): Promise<void> }

const CONNECT_TIMEOUT_MS = 15_000;

/**
 * `opener(token)` resolves with `endpointOf` of the socket that connects with `?token=<token>` (the page's init script,
 * after main handed it the token); a socket with a token nobody waits for is closed, and a page that never connects
 * fails the opener after 15 s, naming `what`.
 */
export async function startPortHub<E>(o: { what: string; maxPayload: number; endpointOf: (ws: WebSocket) => E }): Promise<PortHub<E>> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: o.maxPayload });
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
    opener: (token) => new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => { waiting.delete(token); reject(new Error(`page never attached the ${o.what}`)); }, CONNECT_TIMEOUT_MS);
      waiting.set(token, (ws) => { clearTimeout(timer); resolve(o.endpointOf(ws)); });
    }),
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    })
  };
}
