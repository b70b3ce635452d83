// Every server event and ack is schema-checked in the renderer: wrong, extra or missing fields never reach a handler.
import { EventEmitter } from 'events';
import { describe, expect, it, vi } from 'vitest';
import { SERVER_EVENT_SCHEMAS, type ServerEventName } from '../../protocol/server-events';

class FakeSocket extends EventEmitter {
  connected = true;
  acks: ((err: Error | null, res: unknown) => void)[] = [];
  timeout() { return { emit: (_ev: string, _p: unknown, cb: (err: Error | null, res: unknown) => void) => this.acks.push(cb) }; }
  connect() {}
  disconnect() {}
  /** Delivers a server event the way socket.io does: the raw arguments. */
  deliver(ev: string, ...args: unknown[]) { for (const l of this.listeners(ev)) (l as (...a: unknown[]) => void)(...args); }
}
let socket: FakeSocket;
vi.mock('socket.io-client', () => ({ io: () => (socket = new FakeSocket()) }));
const { SignalingClient } = await import('../../renderer/src/net/signaling');

const b64 = (n: number, c = 'A') => c.repeat(Math.ceil((n * 4) / 3));
const bundle = { v: 1, identityKey: b64(32), roomId: 'r', keyId: b64(16), epoch: 1, ephemeralKey: b64(32), createdAt: 1, expiresAt: 2, signature: b64(64) };
const rotation = { v: 1, type: 'rotate', identityKey: b64(32), roomId: 'r', epoch: 2, previousKeyId: b64(16), bundle, issuedAt: 3, signature: b64(64) };
const revocation = { v: 1, type: 'revoke', identityKey: b64(32), roomId: 'r', keyId: b64(16), epoch: 2, issuedAt: 3, signature: b64(64) };
const held = { v: 1, signer: b64(32), roomId: 'r', subject: b64(32, 'B'), subjectKeyId: b64(16), issuedAt: 3, signature: b64(64) };
const binding = { v: 2, role: 'offer', senderKeyId: b64(16), recipientKeyId: b64(16), mac: b64(32) };
const from = 'peer-0001';
const sig = 'A'.repeat(27) + '=';
const sfuPath = { path: 'sfu', url: 'wss://sfu.example.org/janus', room: 1234, token: `1700000000,janus,janus.plugin.videoroom:${sig}`,
  roomToken: `1700000000,janus.plugin.videoroom,room=1234:${sig}`, expiresAt: 1_700_000_000_000 };
const VALID: Record<ServerEventName, Record<string, unknown>> = {
  'room:joined': { member: { peerId: from, displayName: 'Bob', bundle, joinedAt: 5 } },
  'room:left': { peerId: from },
  'room:evicted': { roomId: 'r', reason: 'replaced' },
  'signal:relay': { from, signal: { type: 'offer', sdp: 'v=0' }, binding },
  'keys:published': { from, bundle },
  'keys:rotated': { from, notice: rotation },
  'keys:revoked': { from, notice: revocation },
  'trust:held': { from, notice: held },
  'server:shutdown': { reconnectAfterMs: 1000 },
  'room:path': sfuPath,
  'media:key': { from, blob: 'AQID' },
  'chat:group': { from, blob: 'AQID' },
  'media:origin': { from, blob: 'AQID' }
};
/** Per event: a wrong value deep inside its payload. */
const WRONG: Record<ServerEventName, (v: Record<string, unknown>) => unknown> = {
  'room:joined': (v) => ({ member: { ...(v.member as object), bundle: { ...bundle, keyId: 'short' } } }),
  'room:left': () => ({ peerId: 'x' }),
  'room:evicted': () => ({ roomId: 'r', reason: 'kicked' }),
  'signal:relay': (v) => ({ ...v, signal: { type: 'pranswer', sdp: 'v=0' } }),
  'keys:published': (v) => ({ ...v, bundle: { ...bundle, v: 2 } }),
  'keys:rotated': (v) => ({ ...v, notice: { ...rotation, type: 'revoke' } }),
  'keys:revoked': (v) => ({ ...v, notice: { ...revocation, epoch: -1 } }),
  'trust:held': (v) => ({ ...v, notice: { ...held, subjectKeyId: 'short' } }),
  'server:shutdown': () => ({ reconnectAfterMs: 'soon' }),
  'room:path': (v) => ({ ...v, roomToken: `1700000000,janus.plugin.videoroom,room=999:${sig}` }),
  'media:key': (v) => ({ ...v, blob: 'A'.repeat(1025) }),
  'chat:group': (v) => ({ ...v, blob: 'A'.repeat(54_749) }),
  'media:origin': (v) => ({ ...v, blob: 'A'.repeat(5579) })
};

function client() {
  const invalid: string[] = [];
  const c = new SignalingClient('http://x', { onConnect: () => {}, onDisconnect: () => {}, onInvalid: (w) => invalid.push(w) });
  const seen: [string, unknown][] = [];
  for (const ev of Object.keys(SERVER_EVENT_SCHEMAS) as ServerEventName[]) c.on(ev, (p) => seen.push([ev, p]));
  return { c, invalid, seen };
}

describe('server events', () => {
  it('a valid payload of every event reaches its handler unchanged', () => {
    const { invalid, seen } = client();
    for (const [ev, payload] of Object.entries(VALID)) socket.deliver(ev, payload);
    expect(invalid).toEqual([]);
    expect(seen).toHaveLength(Object.keys(VALID).length);
    expect(Object.fromEntries(seen)).toEqual(VALID);
  });

  it.each(Object.keys(VALID) as ServerEventName[])('%s: extra, missing, wrong fields and extra arguments are dropped and counted', (ev) => {
    const { invalid, seen } = client();
    const v = VALID[ev];
    const firstKey = Object.keys(v)[0]!;
    const { [firstKey]: _gone, ...missing } = v;
    const bad = [{ ...v, extra: true }, missing, WRONG[ev](v), null, 'text', [v]];
    for (const payload of bad) socket.deliver(ev, payload);
    socket.deliver(ev, v, 'second argument');
    socket.deliver(ev);
    expect(seen.filter(([e]) => e === ev)).toEqual([]);
    expect(invalid.filter((w) => w === ev)).toHaveLength(bad.length + 2);
  });

  it('acks are checked too: a malformed join answer rejects the request', async () => {
    const { c, invalid } = client();
    const join = c.request('room:join', { roomId: 'r', displayName: 'A', bundle } as never);
    socket.acks[0]!(null, { ok: true, value: { selfId: from, roomId: 'r', members: [{ peerId: from }], iceServers: [] } });
    await expect(join).rejects.toThrow(/malformed answer/);
    const fetch = c.request('keys:fetch', { peerId: from });
    socket.acks[1]!(null, { ok: true, value: bundle });
    await expect(fetch).resolves.toEqual(bundle);
    const err = c.request('keys:fetch', { peerId: from });
    socket.acks[2]!(null, { ok: false, error: { code: 'made-up', message: 'x' } });
    await expect(err).rejects.toThrow(/malformed answer/);
    expect(invalid).toEqual(['room:join ack', 'keys:fetch ack']);
  });

  it('the path in a join answer and in sfu:token answers is checked strictly', async () => {
    const { c, invalid } = client();
    const base = { selfId: from, roomId: 'r', members: [], iceServers: [] };
    const good = c.request('room:join', { roomId: 'r', displayName: 'A', bundle } as never);
    socket.acks[0]!(null, { ok: true, value: { ...base, path: sfuPath } });
    await expect(good).resolves.toEqual({ ...base, path: sfuPath });
    const bad = c.request('room:join', { roomId: 'r', displayName: 'A', bundle } as never);
    socket.acks[1]!(null, { ok: true, value: { ...base, path: { ...sfuPath, url: 'https://sfu.example.org' } } });
    await expect(bad).rejects.toThrow(/malformed answer/);
    const refresh = c.request('sfu:token', {});
    socket.acks[2]!(null, { ok: true, value: { ...sfuPath, expiresAt: sfuPath.expiresAt + 1000 } });
    await expect(refresh).rejects.toThrow(/malformed answer/);
    expect(invalid).toEqual(['room:join ack', 'sfu:token ack']);
  });
});
