// Liveness: the server's ping interval and timeout reach every client, and a client that stops answering is dropped from its room.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Harness } from '../../support/signaling-harness';
import { expectOk } from '../../support/signaling-client';

const h = new Harness();
afterEach(() => h.closeAll());

/** The engine.io handshake a client receives first (an "open" packet: `0` then JSON), over the WebSocket clients use. */
async function handshake(url: string, origin: string): Promise<{ pingInterval: number; pingTimeout: number }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { origin } });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
      ws.once('error', reject);
    });
    expect(first.startsWith('0')).toBe(true);
    return JSON.parse(first.slice(1)) as { pingInterval: number; pingTimeout: number };
  } finally { ws.close(); }
}

describe('connection liveness', () => {
  it('waits 45 s for a pong by default, longer than socket.io\'s 20 s, and passes configured values to clients', async () => {
    const s = await h.server();
    expect(await handshake(s.url, new URL(s.url).origin)).toMatchObject({ pingInterval: 25_000, pingTimeout: 45_000 });
    const t = await h.server({ pingIntervalMs: 3000, pingTimeoutMs: 7000 });
    expect(await handshake(t.url, new URL(t.url).origin)).toMatchObject({ pingInterval: 3000, pingTimeout: 7000 });
  });

  it('drops a client that stops answering pings, and its room hears it leave', async () => {
    const s = await h.server({ pingIntervalMs: 1000, pingTimeoutMs: 1000 });
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    await a.next('room:joined');
    // b's transport stays open but its pongs never leave: a page frozen past the timeout looks like this to the server.
    const engine = b.socket.io.engine as unknown as { _sendPacket(type: string, ...rest: unknown[]): void };
    const send = engine._sendPacket.bind(engine);
    engine._sendPacket = (type, ...rest) => { if (type !== 'pong') send(type, ...rest); };
    expect((await a.next('room:left')).peerId).toBe(jb.selfId);
  });
});
