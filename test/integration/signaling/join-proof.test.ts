// Joins must prove possession of the identity key: challenge, room, origin and keyId bound; one member per identity.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toB64u } from '../../../protocol/encoding';
import { TestIdentity } from '../../support/signaling-bundles';
import { bindingFor, errorCode, expectOk, type TestClient } from '../../support/signaling-client';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
afterEach(() => h.closeAll());

/** Generous strike limits: these tests fail many joins from one loopback address on purpose. */
const lenient = { authFailuresPerAddress: 1000, authFailuresPerRoom: 1000 };

const reason = (res: { ok: boolean; error?: { code: string; message: string } }) => (res.ok ? 'ok' : `${res.error!.code}: ${res.error!.message}`);

describe('join proofs', () => {
  it('refuses a join without a proof, and with a proof bound to anything else', async () => {
    const s = await h.server(lenient);
    const c = await h.client(s.url);
    const cases: Array<[string, Parameters<TestClient['joinWith']>[2], string]> = [
      ['no proof', { extra: { proof: undefined, origin: undefined } }, 'unauthorized: proof-missing'],
      ['no challenge asked', { skipChallenge: true }, 'unauthorized: proof-no-challenge'],
      ['wrong challenge', { challenge: toB64u(randomBytes(32)) }, 'unauthorized: proof-invalid'],
      ['other room', { signedRoomId: 'other-room' }, 'unauthorized: proof-invalid'],
      ['origin not ours', { origin: 'https://evil.example:8443' }, 'unauthorized: proof-origin'],
      ['signed another origin', { signedOrigin: 'https://evil.example:8443' }, 'unauthorized: proof-invalid'],
      ['other keyId', { signedKeyId: toB64u(randomBytes(16)) }, 'unauthorized: proof-invalid'],
      ['signed by another identity', { signer: new TestIdentity() }, 'unauthorized: proof-invalid']
    ];
    for (const [name, tweaks, expected] of cases) expect(reason(await c.joinWith('r', 'mallory', tweaks)), name).toBe(expected);
    // Nothing changed: the room is empty and an honest join still works on the same socket.
    const joined = expectOk(await c.join('r'));
    expect(joined.members).toEqual([]);
  });

  it('uses a challenge once, on its own socket, within its lifetime', async () => {
    let now = Date.now();
    const s = await h.server(lenient, { now: () => now });
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    expectOk(await a.join('r'));
    const replay = a.lastJoin!.request;
    expectOk(await a.call('room:leave', {}));
    // Replaying the whole accepted request: its challenge is spent.
    expect(reason(await a.call('room:join', replay))).toBe('unauthorized: proof-no-challenge');
    // A fresh challenge on the same socket does not revive the old proof.
    await a.challenge();
    expect(reason(await a.call('room:join', replay))).toBe('unauthorized: proof-invalid');
    // Another socket cannot use a's proof with its own challenge either (challenges are per socket).
    await b.challenge();
    expect(reason(await b.call('room:join', replay))).toBe('unauthorized: proof-invalid');
    // A failed attempt also spends the challenge.
    expect(reason(await a.joinWith('r', 'a', { signedRoomId: 'x' }))).toBe('unauthorized: proof-invalid');
    expect(reason(await a.joinWith('r', 'a', { skipChallenge: true }))).toBe('unauthorized: proof-no-challenge');
    // Expired challenges are refused.
    const challenge = await a.challenge();
    now += 61_000;
    expect(reason(await a.joinWith('r', 'a', { skipChallenge: true, challenge }))).toBe('unauthorized: proof-expired');
  });

  it('accepts the origin as the client connected to it, and configured PUBLIC_ORIGINS only when set', async () => {
    const s = await h.server(lenient);
    expect(s.origins).toEqual(expect.arrayContaining([`http://127.0.0.1:${s.port}`, `http://localhost:${s.port}`]));
    const viaName = await h.client(`http://localhost:${s.port}`);
    expectOk(await viaName.join('r'));
    const pinned = await h.server({ ...lenient, publicOrigins: ['https://veil.example.org/'] });
    expect(pinned.origins).toEqual(['https://veil.example.org']);
    const c = await h.client(pinned.url);
    expect(reason(await c.join('r'))).toBe('unauthorized: proof-origin');
    expectOk(await c.joinWith('r', 'c', { origin: 'https://veil.example.org' }));
  });
});

describe('one member per identity', () => {
  it('a second proven join of the same identity replaces the first, which is told', async () => {
    const s = await h.server(lenient);
    const alice = new TestIdentity();
    const [a1, b] = [await h.client(s.url, { identity: alice }), await h.client(s.url)];
    const j1 = expectOk(await a1.join('r', 'alice'));
    expectOk(await b.join('r', 'bob'));
    const a2 = await h.client(s.url, { identity: alice });
    const j2 = expectOk(await a2.join('r', 'alice'));
    expect(j2.members.map((m) => m.bundle.identityKey)).toEqual([b.identity.identityKey]);
    expect(await a1.next('room:evicted')).toEqual({ roomId: 'r', reason: 'replaced' });
    expect((await b.next('room:left')).peerId).toBe(j1.selfId);
    expect((await b.next('room:joined')).member.peerId).toBe(j2.selfId);
    // The old socket is out of the room: it can neither publish nor relay any more.
    expect(errorCode(await a1.call('keys:publish', { bundle: alice.bundle('r', alice.epoch + 1) }))).toBe('not-in-room');
    expect(errorCode(await a1.call('signal:relay', { to: j2.selfId, signal: { type: 'offer', sdp: 'x' }, binding: bindingFor('offer') }))).toBe('not-in-room');
    expect(errorCode(await b.call('keys:fetch', { peerId: j1.selfId }))).toBe('not-found');
    const text = await (await fetch(`${s.url}/healthz`)).json() as { connections: number };
    expect(text.connections).toBe(3);
  });

  it('refuses a squatter: another identity cannot join, publish or rotate under a member\'s identity', async () => {
    const s = await h.server(lenient);
    const alice = new TestIdentity();
    const [a, b, m] = [await h.client(s.url, { identity: alice }), await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r', 'alice'));
    expectOk(await b.join('r', 'bob'));
    // Mallory copies alice's public bundle but holds only her own key.
    const squat = new TestIdentity();
    const copied = await h.client(s.url, { identity: alice });
    expect(reason(await copied.joinWith('r', 'alice', { signer: squat }))).toBe('unauthorized: proof-invalid');
    expectOk(await m.join('r', 'mallory'));
    expect(errorCode(await m.call('keys:publish', { bundle: alice.bundle('r', alice.epoch + 1) }))).toBe('unauthorized');
    expect(errorCode(await m.call('keys:rotate', { notice: alice.rotation('r') }))).toBe('unauthorized');
    expect(errorCode(await m.call('keys:revoke', { notice: alice.revocation('r') }))).toBe('unauthorized');
    // Alice's route is untouched: bob still reaches her socket.
    expectOk(await b.call('signal:relay', { to: ja.selfId, signal: { type: 'offer', sdp: 'still-alice' }, binding: bindingFor('offer') }));
    expect((await a.next('signal:relay')).signal).toEqual({ type: 'offer', sdp: 'still-alice' });
    expect(a.pending('room:evicted')).toEqual([]);
  });
});
