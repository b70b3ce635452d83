// Malicious clients: oversized and invalid payloads, unknown events, floods, bad tokens/passwords and origins.
import { SignJWT } from 'jose';
import { io as rawConnect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../../support/signaling-harness';
import { TestClient, errorCode, expectOk, bindingFor } from '../../support/signaling-client';

const h = new Harness();
afterEach(() => h.closeAll());

const SECRET = 'a-long-enough-test-secret';
const mint = (claims: Record<string, unknown>, exp: number | null = Math.floor(Date.now() / 1000) + 60, secret = SECRET) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setAudience('veil-signaling').setIssuer('veil');
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(secret));
};

/** The socket without the typed event maps, to send what a hostile client would. */
const raw = (c: TestClient) => c.socket as unknown as { emit: (...x: unknown[]) => void };

const disconnected = (c: TestClient) => new Promise<string>((resolve) => {
  if (!c.socket.connected) resolve('already');
  c.socket.once('disconnect', (reason) => resolve(reason));
});

describe('payload validation', () => {
  it('rejects schema violations, oversized fields and wrong argument shapes without side effects', async () => {
    const s = await h.server();
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    expect(errorCode(await a.call('signal:relay', { to: jb.selfId, signal: { type: 'offer', sdp: 'x'.repeat(20_000) }, binding: bindingFor('offer') }))).toBe('payload-too-large');
    expect(errorCode(await a.call('signal:relay', { to: jb.selfId, signal: { type: 'bogus' } }))).toBe('bad-request');
    expect(errorCode(await a.call('signal:relay', 'not an object'))).toBe('bad-request');
    expect(errorCode(await a.call('signal:relay', { to: jb.selfId, signal: { type: 'offer', sdp: 'x' }, binding: bindingFor('offer') }, 'extra'))).toBe('bad-request');
    expect(errorCode(await a.call('keys:publish', { bundle: { ...a.identity.bundle('r'), signature: 'short' } }))).toBe('bad-request');
    expect(errorCode(await a.call('room:leave', { sneaky: true }))).toBe('bad-request');
    // No ack at all: handled or dropped, never a crash; the server keeps serving.
    raw(a).emit('signal:relay', { to: jb.selfId, signal: { type: 'offer', sdp: 'no-ack' }, binding: bindingFor('offer') });
    expect((await b.next('signal:relay')).signal).toEqual({ type: 'offer', sdp: 'no-ack' });
    raw(a).emit('keys:fetch');
    expectOk(await b.call('keys:fetch', { peerId: ja.selfId }));
  });

  it('survives garbage (binary, deep nesting, odd event names) and keeps serving other rooms', async () => {
    const s = await h.server({ maxStrikes: 1_000 });
    const [a, b, c] = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    expectOk(await b.join('calm'));
    const jc = expectOk(await c.join('calm'));
    let deep: unknown = 'x';
    for (let i = 0; i < 2000; i++) deep = [deep];
    const garbage: unknown[][] = [
      ['room:join', Buffer.from('hello')], ['room:join', deep], ['room:join', { roomId: 'r', __proto__: { admin: true } }],
      ['signal:relay', null], ['keys:rotate', Array.from({ length: 3000 }, () => 1)], ['keys:fetch', { peerId: { $gt: '' } }],
      ['room:join', { roomId: 'r'.repeat(65), displayName: 'x', bundle: {} }], ['toString', {}], ['hasOwnProperty', {}]
    ];
    for (const [event, payload] of garbage) {
      const r = await a.call(event as string, payload);
      expect(['bad-request', 'payload-too-large'], String(event)).toContain(errorCode(r));
    }
    expect(expectOk(await b.call<{ identityKey: string }>('keys:fetch', { peerId: jc.selfId })).identityKey).toBe(c.identity.identityKey);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('disconnects a client that sends more than maxHttpBufferSize', async () => {
    const s = await h.server({ maxHttpBufferSize: 4096 });
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    expectOk(await b.join('r'));
    const gone = disconnected(a);
    raw(a).emit('keys:fetch', { peerId: 'x'.repeat(10_000) });
    expect(await gone).toBe('transport close');
    expectOk(await b.call('keys:fetch', { peerId: expectOk(await (await h.client(s.url)).join('r')).selfId }));
  });

  it('answers unknown events with an error ack and disconnects repeat offenders', async () => {
    const s = await h.server({ maxStrikes: 3, metricsToken: 'abuse-metrics-token-0123' });
    const a = await h.client(s.url);
    expect(errorCode(await a.call('admin:shutdown', {}))).toBe('bad-request');
    expect(errorCode(await a.call('__proto__', {}))).toBe('bad-request');
    expect(errorCode(await a.call('constructor', {}))).toBe('bad-request');
    const gone = disconnected(a);
    raw(a).emit('nope');
    expect(await gone).toBe('io server disconnect');
    const m = await (await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer abuse-metrics-token-0123' } })).text();
    expect(m).toMatch(/veil_signaling_rejections_total\{reason="disconnected"\} 1/);
  });
});

describe('rate limits', () => {
  it('limits a flooding socket while other clients keep working', async () => {
    const s = await h.server({ socketEventsPerSec: 20, addressEventsPerSec: 10_000, maxStrikes: 1_000 });
    const [flood, a, b] = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    expectOk(await flood.join('flood'));
    const ja = expectOk(await a.join('calm'));
    expectOk(await b.join('calm'));
    const results = await Promise.all(Array.from({ length: 60 }, () => flood.call('keys:fetch', { peerId: 'AAAAAAAAAAAA' })));
    const limited = results.filter((r) => errorCode(r) === 'rate-limited').length;
    expect(limited).toBeGreaterThanOrEqual(30);
    expect(expectOk(await b.call<{ identityKey: string }>('keys:fetch', { peerId: ja.selfId })).identityKey).toBe(a.identity.identityKey);
  });

  it('limits per address across sockets', async () => {
    const s = await h.server({ socketEventsPerSec: 1000, addressEventsPerSec: 30, maxStrikes: 1_000 });
    const cs = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    const all = await Promise.all(cs.flatMap((c) => Array.from({ length: 20 }, () => c.call('keys:fetch', { peerId: 'AAAAAAAAAAAA' }))));
    expect(all.filter((r) => errorCode(r) === 'rate-limited').length).toBeGreaterThanOrEqual(20);
  });
});

describe('access control', () => {
  it('requires a valid, unexpired token for the right room', async () => {
    const s = await h.server({ joinTokenSecret: SECRET });
    const join = async (token?: string) => {
      const c = await h.client(s.url, token === undefined ? {} : { token });
      const r = await c.join('team');
      return r.ok ? 'ok' : r.error.message;
    };
    expect(await join()).toBe('token-missing');
    expect(await join(await mint({ room: 'team' }, Math.floor(Date.now() / 1000) - 120))).toBe('token-expired');
    expect(await join(await mint({ room: 'other' }))).toBe('token-wrong-room');
    expect(await join(await mint({ room: 'team' }, Math.floor(Date.now() / 1000) + 60, 'another-secret-of-length'))).toBe('token-invalid');
    expect(await join(await mint({ room: 'team' }, null))).toBe('token-bad-exp');
    expect(await join('garbage.token.here')).toBe('token-invalid');
    expect(await join(await mint({ room: 'team', sub: 'alice' }))).toBe('ok');
  });

  it('checks per-room passwords', async () => {
    const s = await h.server({ roomPasswords: { vault: 'hunter2' } });
    const r1 = await (await h.client(s.url)).join('vault');
    expect(r1.ok ? 'ok' : r1.error.message).toBe('password-missing');
    const r2 = await (await h.client(s.url, { password: 'hunter3' })).join('vault');
    expect(r2.ok ? 'ok' : r2.error.message).toBe('password-wrong');
    expectOk(await (await h.client(s.url, { password: 'hunter2' })).join('vault'));
    expectOk(await (await h.client(s.url)).join('open-room'));
  });

  it('refuses origins outside the allow-list, and a missing Origin by default', async () => {
    const s = await h.server({ allowedOrigins: ['app://veil'] });
    const attempt = (headers: Record<string, string>) => new Promise<string>((resolve) => {
      const sock = rawConnect(s.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: headers });
      sock.on('connect', () => { sock.close(); resolve('connected'); });
      sock.on('connect_error', () => { sock.close(); resolve('refused'); });
    });
    expect(await attempt({ origin: 'https://evil.example' })).toBe('refused');
    expect(await attempt({})).toBe('refused');
    expect(await attempt({ origin: 'app://veil' })).toBe('connected');
    const open = await h.server({ allowedOrigins: ['app://veil'], allowMissingOrigin: true });
    const c = new TestClient(open.url);
    h.clients.push(c);
    await c.connected();
  });
});
