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

const BINDING = { v: 2, role: 'offer', senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) };

describe('relay', () => {
  it('relays a bound offer and answer to one named peer with a server-stamped from; refuses other signals', async () => {
    const s = await h.server();
    const [a, b, c] = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    expectOk(await c.join('r'));
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    expectOk(await a.call('signal:relay', { to: jb.selfId, signal: offer, binding: BINDING }));
    const got = await b.next('signal:relay');
    expect(got).toEqual({ from: ja.selfId, signal: offer, binding: BINDING });
    const answer = { type: 'answer', sdp: 'v=0\r\n', offerDigest: 'A'.repeat(43) };
    expectOk(await b.call('signal:relay', { to: ja.selfId, signal: answer, binding: { ...BINDING, role: 'answer' } }));
    expect((await a.next('signal:relay')).signal).toEqual(answer);
    const cand = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' } };
    expect(errorCode(await b.call('signal:relay', { to: ja.selfId, signal: cand }))).toBe('bad-request');
    expect(errorCode(await b.call('signal:relay', { to: ja.selfId, signal: { type: 'pranswer', sdp: 'v=0' }, binding: BINDING }))).toBe('bad-request');
    expect(errorCode(await b.call('signal:relay', { to: ja.selfId, signal: offer }))).toBe('bad-request');
    expect(errorCode(await b.call('signal:relay', { to: ja.selfId, signal: offer, binding: { ...BINDING, extra: 1 } }))).toBe('bad-request');
    expect(c.pending('signal:relay')).toEqual([]);
  });

  it('rejects a spoofed from, relays outside the room, to unknown peers and before joining', async () => {
    const s = await h.server();
    const [a, b, x] = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    expect(errorCode(await a.call('signal:relay', { to: 'AAAAAAAAAAAA', signal: { type: 'offer', sdp: 'x' }, binding: BINDING }))).toBe('not-in-room');
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    const jx = expectOk(await x.join('other'));
    const answer = { type: 'answer', sdp: 'x', offerDigest: 'A'.repeat(43) };
    const bound = { ...BINDING, role: 'answer' };
    const spoof = await a.call('signal:relay', { to: jb.selfId, from: jx.selfId, signal: answer, binding: bound });
    expect(errorCode(spoof)).toBe('bad-request');
    expect(errorCode(await x.call('signal:relay', { to: ja.selfId, signal: answer, binding: bound }))).toBe('unknown-peer');
    expect(errorCode(await a.call('signal:relay', { to: 'ZZZZZZZZZZZZZZZZ', signal: answer, binding: bound }))).toBe('unknown-peer');
    expect(errorCode(await a.call('signal:relay', { to: ja.selfId, signal: answer, binding: bound }))).toBe('bad-request');
    expectOk(await a.call('signal:relay', { to: jb.selfId, signal: answer, binding: bound }));
    const got = await b.next('signal:relay');
    expect(got.from).toBe(ja.selfId);
    expect(got.binding).toEqual(bound);
    expect(b.pending('signal:relay')).toEqual([]);
    expect(x.pending('signal:relay')).toEqual([]);
  });
});
