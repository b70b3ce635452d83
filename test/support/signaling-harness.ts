// Starts signaling servers on loopback for tests with captured JSON logs, and closes everything afterwards.
import { Writable } from 'node:stream';
import { createSignalingServer, type SignalingConfig, type SignalingServer, type SignalingServerOptions } from '../../signaling-server/index';
import { TestClient, type ClientOptions } from './signaling-client';

export class Harness {
  readonly servers: SignalingServer[] = [];
  readonly clients: TestClient[] = [];
  logs = '';

  async server(config: SignalingConfig = {}, opts: SignalingServerOptions = {}): Promise<SignalingServer> {
    const stream = new Writable({ write: (chunk, _enc, cb) => { this.logs += String(chunk); cb(); } });
    const s = await createSignalingServer({ host: '127.0.0.1', port: 0, logLevel: 'debug', ...config }, { logStream: stream, ...opts });
    this.servers.push(s);
    return s;
  }

  async client(url: string, opts: ClientOptions = {}): Promise<TestClient> {
    const c = new TestClient(url, opts);
    this.clients.push(c);
    await c.connected();
    return c;
  }

  async closeAll(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    for (const s of this.servers.splice(0)) await s.close();
  }
}
