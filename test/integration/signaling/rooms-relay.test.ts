// Join/presence and relay against a real server with real socket.io clients.
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../../support/signaling-harness';
import { errorCode, expectOk } from '../../support/signaling-client';

const h = new Harness();
afterEach(() => h.closeAll());

describe('rooms and presence', () => {
  it('gives the joiner current members and ICE servers, and tells the others', async () => {
    const s = await h.server({ iceServers: [{ urls: 'stun:stun.example.org' }, { urls: 'turn:turn.example.org' }], turnSecret: 'shh' });
    const a = await h.client(s.url);
    const b = await h.client(s.url);
    const ja = expectOk(await a.join('room1', 'alice'));
    expect(ja.members).toEqual([]);
    expect(ja.roomId).toBe('room1');
    const jb = expectOk(await b.join('room1', 'bob'));
    expect(jb.members.map((m) => [m.peerId, m.displayName])).toEqual([[ja.selfId, 'alice']]);
    expect(jb.members[0]!.bundle.identityKey).toBe(a.identity.identityKey);
    expect(jb.iceServers[0]).toEqual({ urls: 'stun:stun.example.org' });
    expect(jb.iceServers[1]!.username).toMatch(new RegExp(`^\\d+:${jb.selfId}$`));
    const joined = await a.next('room:joined');
    expect(joined.member.peerId).toBe(jb.selfId);
    expect(joined.member.displayName).toBe('bob');
    b.close();
    expect((await a.next('room:left')).peerId).toBe(jb.selfId);
  });

  it('rejects a bundle for another room, a second join, and joins beyond capacity', async () => {
    const s = await h.server({ roomCapacity: 2 });
    const a = await h.client(s.url);
    const bad = await a.call('room:join', { roomId: 'r1', displayName: 'x', bundle: a.identity.bundle('r2') });
    expect(errorCode(bad)).toBe('bad-request');
    expectOk(await a.join('r1'));
    expect(errorCode(await a.join('r2'))).toBe('already-in-room');
    const b = await h.client(s.url);
    expectOk(await b.join('r1'));
    const c = await h.client(s.url);
    expect(errorCode(await c.join('r1'))).toBe('room-full');
    b.close();
    await a.next('room:left');
    expectOk(await c.join('r1'));
  });

  it('room:leave tells the others and frees the socket for another room', async () => {
    const s = await h.server();
    const a = await h.client(s.url);
    const b = await h.client(s.url);
    expectOk(await a.join('r1'));
    const jb = expectOk(await b.join('r1'));
    expectOk(await b.call('room:leave', {}));
    expect((await a.next('room:left')).peerId).toBe(jb.selfId);
    expect(errorCode(await b.call('room:leave', {}))).toBe('not-in-room');
    expectOk(await b.join('r2'));
  });
});

describe('relay', () => {
  it('relays SDP and ICE to one named peer with a server-stamped from', async () => {
    const s = await h.server();
    const [a, b, c] = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    expectOk(await c.join('r'));
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    expectOk(await a.call('signal:relay', { to: jb.selfId, signal: offer }));
    const got = await b.next('signal:relay');
    expect(got).toEqual({ from: ja.selfId, signal: offer });
    const cand = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' } };
    expectOk(await b.call('signal:relay', { to: ja.selfId, signal: cand }));
    expect((await a.next('signal:relay')).signal).toEqual(cand);
    expect(c.pending('signal:relay')).toEqual([]);
  });

  it('rejects a spoofed from, relays outside the room, to unknown peers and before joining', async () => {
    const s = await h.server();
    const [a, b, x] = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    expect(errorCode(await a.call('signal:relay', { to: 'AAAAAAAAAAAA', signal: { type: 'renegotiate', renegotiate: true } }))).toBe('not-in-room');
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    const jx = expectOk(await x.join('other'));
    const spoof = await a.call('signal:relay', { to: jb.selfId, from: jx.selfId, signal: { type: 'answer', sdp: 'x' } });
    expect(errorCode(spoof)).toBe('bad-request');
    expect(errorCode(await x.call('signal:relay', { to: ja.selfId, signal: { type: 'answer', sdp: 'x' } }))).toBe('unknown-peer');
    expect(errorCode(await a.call('signal:relay', { to: 'ZZZZZZZZZZZZZZZZ', signal: { type: 'answer', sdp: 'x' } }))).toBe('unknown-peer');
    expect(errorCode(await a.call('signal:relay', { to: ja.selfId, signal: { type: 'answer', sdp: 'x' } }))).toBe('bad-request');
    // A signed attestation must claim the sender's own identity.
    const att = { v: 1, identityKey: b.identity.identityKey, roomId: 'r', fingerprint: 'sha-256 AB:CD', issuedAt: 1, signature: 'A'.repeat(86) };
    expect(errorCode(await a.call('signal:relay', { to: jb.selfId, signal: { type: 'answer', sdp: 'x' }, attestation: att }))).toBe('bad-request');
    expectOk(await a.call('signal:relay', { to: jb.selfId, signal: { type: 'answer', sdp: 'x' },
      attestation: { ...att, identityKey: a.identity.identityKey } }));
    const got = await b.next('signal:relay');
    expect(got.from).toBe(ja.selfId);
    expect(got.attestation?.identityKey).toBe(a.identity.identityKey);
    expect(b.pending('signal:relay')).toEqual([]);
    expect(x.pending('signal:relay')).toEqual([]);
  });
});
