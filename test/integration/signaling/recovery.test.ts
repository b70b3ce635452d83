// Connection state recovery: a recovered socket keeps its connection but must join (and authenticate) again.
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../../support/signaling-harness';
import { errorCode, expectOk, until, bindingFor } from '../../support/signaling-client';

const h = new Harness();
afterEach(() => h.closeAll());
const SECRET = 'recovery-test-secret-0123456789';

describe('connection state recovery', () => {
  it('never restores room membership without a fresh authenticated join', async () => {
    const s = await h.server({ recoveryMs: 10_000, joinTokenSecret: SECRET });
    const token = await new SignJWT({ room: 'r' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').setAudience('veil-signaling').setIssuer('veil')
      .sign(new TextEncoder().encode(SECRET));
    const a = await h.client(s.url, { token });
    const b = await h.client(s.url, { token, reconnection: true });
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    await a.next('room:joined');
    let recovered = false;
    b.socket.io.once('reconnect', () => { recovered = b.socket.recovered; });
    // Drop the transport without a clean disconnect, as a network blip would.
    (b.socket.io as unknown as { engine: { close(): void } }).engine.close();
    expect((await a.next('room:left')).peerId).toBe(jb.selfId);
    await until(() => b.joins === 2 || recovered);
    await until(() => b.socket.connected);
    // Whether or not socket.io recovered the session, the peer is only back in the room via a token-checked join.
    await until(() => b.joins === 2);
    const again = await a.next('room:joined');
    expect(again.member.displayName).toBe('tester');
    expectOk(await b.call('signal:relay', { to: ja.selfId, signal: { type: 'answer', sdp: 'x', offerDigest: 'A'.repeat(43) }, binding: bindingFor('answer') }));
    expect(errorCode(await b.join('r'))).toBe('already-in-room');
  });

  it('a recovered socket that has not re-joined cannot relay', async () => {
    const s = await h.server({ recoveryMs: 10_000 });
    const a = await h.client(s.url);
    const b = await h.client(s.url, { reconnection: true });
    const ja = expectOk(await a.join('r'));
    expectOk(await b.join('r'));
    // Recovery needs at least one broadcast packet received (its offset is what the client resumes from).
    expectOk(await a.call('keys:publish', { bundle: a.identity.bundle('r', 1) }));
    await b.next('keys:published');
    // Forget the room on the client side so the helper does not re-join automatically.
    (b as unknown as { room: unknown }).room = null;
    (b.socket.io as unknown as { engine: { close(): void } }).engine.close();
    await a.next('room:left');
    await until(() => b.socket.connected);
    expect(b.socket.recovered).toBe(true);
    expect(errorCode(await b.call('signal:relay', { to: ja.selfId, signal: { type: 'answer', sdp: 'x', offerDigest: 'A'.repeat(43) }, binding: bindingFor('answer') }))).toBe('not-in-room');
    expect(a.pending('signal:relay')).toEqual([]);
    // Nor does it still receive the room's broadcasts: a publish reaches a member, and b's next ack comes after it.
    const c = await h.client(s.url);
    expectOk(await c.join('r'));
    expectOk(await a.call('keys:publish', { bundle: a.identity.bundle('r', 2) }));
    await c.next('keys:published');
    await b.call('keys:fetch', { peerId: ja.selfId });
    expect(b.pending('keys:published')).toEqual([]);
    expect(b.pending('room:joined')).toEqual([]);
  });
});
