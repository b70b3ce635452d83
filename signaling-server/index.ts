// createSignalingServer(config): the socket.io relay and key directory, with no side effects on import.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

export interface SignalingConfig { host: string; port: number }
export interface SignalingServer { url: string; port: number; close(): Promise<void> }

export async function createSignalingServer(config: SignalingConfig): Promise<SignalingServer> {
  const httpServer = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    res.writeHead(404).end();
  });
  const io = new Server(httpServer, { maxHttpBufferSize: 64 * 1024 });
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://${config.host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => { void io.close(() => resolve()); })
  };
}
