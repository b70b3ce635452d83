// The join's order against a stand-in signaling server: the connection and its challenge while start-up runs, the join after it.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRoom, leaveRoom } from '../../renderer/src/app/actions';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const CHALLENGE = 'A'.repeat(43);
const BUNDLE = { made: 'by the fake main' };

let http: HttpServer;
let io: Server;
let url: string;
/** What the stand-in server saw, in order. */
let seen: string[];
let joinPayload: Record<string, unknown> | null;
/** Members the join's answer lists: one that sorts before any socket id: it offers, so we make no link here. */
let withMember = false;
const b64 = (n: number) => 'A'.repeat(Math.ceil((n * 4) / 3));
const members = (roomId: string) => withMember ? [{ peerId: '--------', displayName: 'Bea', joinedAt: 1, bundle: {
  v: 1, identityKey: b64(32), roomId, keyId: b64(16), epoch: 1, ephemeralKey: b64(32), createdAt: 1, expiresAt: 2, signature: b64(64) } }] : [];

beforeEach(async () => {
  localStorage.clear();
  useApp.setState({ phase: 'lobby', error: null, errorDetail: null, alerts: [], selfId: null });
  seen = [];
  joinPayload = null;
  withMember = false;
  http = createServer();
  io = new Server(http);
  io.on('connection', (socket) => {
    seen.push('connect');
    socket.on('disconnect', () => seen.push('disconnect'));
    socket.on('room:challenge', (_req: unknown, ack: (r: unknown) => void) => { seen.push('room:challenge'); ack({ ok: true, value: { challenge: CHALLENGE } }); });
    socket.on('room:join', (req: Record<string, unknown>, ack: (r: unknown) => void) => {
      seen.push('room:join');
      joinPayload = req;
      ack({ ok: true, value: { selfId: socket.id, roomId: req.roomId, members: members(req.roomId as string), iceServers: [] } });
    });
    socket.on('room:leave', (_req: unknown, ack: (r: unknown) => void) => ack({ ok: true, value: null }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await leaveRoom().catch(() => {});
  await io.close();
});

/** Main's start-up answers, with keys:create held until the test lets it go (or fails it). */
function fakeMain(sessionOpen?: () => unknown) {
  let release!: () => void;
  let fail!: (e: Error) => void;
  const keyMade = new Promise<void>((res, rej) => { release = res; fail = rej; });
  const { calls } = installFakeVeil({
    'identity:get': () => ({ identityKey: 'I'.repeat(43), displayName: 'Ada' }),
    'keys:create': async () => { await keyMade; return { keyId: 'K'.repeat(22), epoch: 1, bundle: BUNDLE }; },
    'settings:get': () => ({ alwaysRelay: false, rotationIntervalMs: 0 }),
    'identity:proveJoin': () => ({ proof: 'P'.repeat(86) }),
    'trust:list': () => [],
    ...(sessionOpen ? { 'session:open': sessionOpen } : {}),
    'room:leave': () => null
  });
  return { calls, release, fail };
}

describe('join order', () => {
  it('connects and takes its challenge while main is still making the room key; joins with that challenge once it has the key', async () => {
    const main = fakeMain();
    const joined = joinRoom({ displayName: 'Ada', serverUrl: url, roomId: 'order-room' });
    await vi.waitFor(() => expect(seen).toEqual(['connect', 'room:challenge']), { timeout: 5000 });
    // Nothing is signed or sent for the room before the key exists.
    expect(main.calls.some((c) => c.channel === 'identity:proveJoin')).toBe(false);
    main.release();
    await joined;
    expect(seen).toEqual(['connect', 'room:challenge', 'room:join']);
    expect(joinPayload?.bundle).toEqual(BUNDLE);
    const prove = main.calls.find((c) => c.channel === 'identity:proveJoin');
    expect(prove?.args[0]).toBe(CHALLENGE);
    expect(useApp.getState().phase).toBe('call');
  });

  it('opens the members\' sessions before the call view mounts (that render does not delay them), then shows the call', async () => {
    withMember = true;
    const phases: string[] = [];
    const main = fakeMain(() => {
      phases.push(useApp.getState().phase);
      return { peerIdentityKey: b64(32), displayName: 'Bea', fingerprint: 'f', trust: 'new', claims: [], peerEpoch: 1, peerKeyId: b64(16) };
    });
    main.release();
    await joinRoom({ displayName: 'Ada', serverUrl: url, roomId: 'order-room' });
    expect(phases).toEqual(['joining']);
    expect(useApp.getState().phase).toBe('call');
    expect(useApp.getState().peers[b64(32)]?.sessionOpen).toBe(true);
  });

  it('a start-up failure closes the early connection: no join, the lobby shows the error', async () => {
    const main = fakeMain();
    const joined = joinRoom({ displayName: 'Ada', serverUrl: url, roomId: 'order-room' });
    await vi.waitFor(() => expect(seen).toContain('room:challenge'), { timeout: 5000 });
    main.fail(Object.assign(new Error('keychain locked'), { code: 'keychain-locked' }));
    await joined;
    await vi.waitFor(() => expect(seen).toContain('disconnect'), { timeout: 5000 });
    expect(seen).not.toContain('room:join');
    expect(useApp.getState().phase).toBe('lobby');
    expect(useApp.getState().error).toBeTruthy();
  });
});
