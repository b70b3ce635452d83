// Rotation and revocation notices: unsigned, wrongly signed, replayed, older-epoch and epoch-mismatched notices are rejected; bundles checked.
import { afterEach, describe, expect, it } from 'vitest';
import { signBundle, signRevocation, signRotation } from '../../../main/crypto';
import { toB64u } from '../../../protocol/encoding';
import { Clock, partsOf, expectCode, idOf, joinAll, makePeer, text, untext, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});
async function pair() {
  const clock = new Clock();
  const ps = await Promise.all(['alice', 'bob', 'mallory'].map((n) => makePeer(n, { clock })));
  peers.push(...ps);
  const [a, b, m] = ps as [Peer, Peer, Peer];
  await joinAll('r', [a, b]);
  await m.call('keys:create', 'r');
  return { clock, a, b, m, ia: await idOf(a), ib: await idOf(b) };
}
const zeroSig = toB64u(new Uint8Array(64));

describe('rotation notices', () => {
  it('rejects unsigned, wrongly signed, tampered, replayed and older-epoch notices', async () => {
    const { a, b, m } = await pair();
    const n1 = await a.call('keys:rotate', 'r');
    await expectCode(b.call('keys:applyRotation', { ...n1, signature: zeroSig }), 'bad-signature');
    await expectCode(b.call('keys:applyRotation', { ...n1, issuedAt: n1.issuedAt + 1 }), 'bad-signature');
    // Mallory re-signs Alice's notice with her own key but keeps Alice's identity: signature fails.
    const mSeed = (await partsOf(m.services).identity.get()).seed;
    const { signature: _s, ...unsigned } = n1;
    await expectCode(b.call('keys:applyRotation', signRotation(partsOf(m.services).backend, mSeed, unsigned)), 'bad-signature');
    // A bundle inside the notice with a bad signature is rejected even when the notice itself is signed.
    const aSeed = (await partsOf(a.services).identity.get()).seed;
    const badBundle = { ...n1.bundle, signature: zeroSig };
    await expectCode(b.call('keys:applyRotation', signRotation(partsOf(a.services).backend, aSeed, { ...unsigned, bundle: badBundle })), 'bad-signature');
    const n2 = await a.call('keys:rotate', 'r');
    await b.call('keys:applyRotation', n2);
    await expectCode(b.call('keys:applyRotation', n2), 'replay');
    await expectCode(b.call('keys:applyRotation', n1), 'old-epoch');
    expect((await b.call('stats:get')).rejections).toMatchObject({ signature: 4, replay: 1, 'old-epoch': 1 });
    const msg = await a.call('message:seal', 'r', await idOf(b), text('after n2'));
    expect(untext((await b.call('message:open', 'r', await idOf(a), msg)).plaintext)).toBe('after n2');
  });

  it('rejects notices whose bundle disagrees with the notice, and notices from strangers', async () => {
    const { a, b, m } = await pair();
    const n = await a.call('keys:rotate', 'r');
    await expectCode(b.call('keys:applyRotation', { ...n, epoch: n.epoch + 1 }), 'malformed');
    await expectCode(b.call('keys:applyRotation', await m.call('keys:rotate', 'r')), 'no-session');
  });

  it('a session opened from an older-epoch bundle is refused once a newer one is known', async () => {
    const { a, b } = await pair();
    const old = (await a.call('keys:get', 'r')).bundle;
    await b.call('keys:applyRotation', await a.call('keys:rotate', 'r'));
    await expectCode(b.call('session:open', old, 'alice'), 'old-epoch');
  });
});

describe('revocation notices', () => {
  it('rejects unsigned, wrongly signed, replayed and epoch-mismatched revocations; applies a good one', async () => {
    const { a, b, m, ia, ib } = await pair();
    const { revocation, replacement } = await a.call('keys:revoke', 'r');
    await expectCode(b.call('keys:applyRevocation', { ...revocation, signature: zeroSig }), 'bad-signature');
    const mSeed = (await partsOf(m.services).identity.get()).seed;
    const { signature: _s, ...unsigned } = revocation;
    await expectCode(b.call('keys:applyRevocation', signRevocation(partsOf(m.services).backend, mSeed, unsigned)), 'bad-signature');
    await b.call('keys:applyRevocation', revocation);
    await expectCode(b.call('keys:applyRevocation', revocation), 'replay');
    await b.call('keys:applyRotation', replacement);
    // A validly signed revocation whose epoch is not the one of the key it names is refused (any epoch but that one).
    const aSeed = (await partsOf(a.services).identity.get()).seed;
    const older = signRevocation(partsOf(a.services).backend, aSeed, { ...unsigned, keyId: replacement.bundle.keyId, epoch: revocation.epoch - 1 });
    await expectCode(b.call('keys:applyRevocation', older), 'malformed');
    const msg = await a.call('message:seal', 'r', ib, text('still fine'));
    expect(untext((await b.call('message:open', 'r', ia, msg)).plaintext)).toBe('still fine');
  });

  it('a revoked bundle can never reopen a session, and our own revoked key rejects envelopes addressed to it', async () => {
    const { a, b, ia, ib } = await pair();
    const revokedBundle = (await a.call('keys:get', 'r')).bundle;
    const toOldA = await b.call('message:seal', 'r', ia, text('to revoked key'));
    const { revocation } = await a.call('keys:revoke', 'r');
    await expectCode(a.call('message:open', 'r', ib, toOldA), 'revoked');
    await b.call('keys:applyRevocation', revocation);
    await expectCode(b.call('session:open', revokedBundle, 'alice'), 'revoked');
    await expectCode(b.call('message:seal', 'r', ia, text('x')), 'no-session');
  });

  it('bundles with a bad signature, a foreign room, an over-long lifetime or our own identity are refused', async () => {
    const { a, b, m } = await pair();
    const bundle = (await m.call('keys:get', 'r')).bundle;
    await expectCode(b.call('session:open', { ...bundle, signature: zeroSig }, 'mallory'), 'bad-signature');
    await expectCode(b.call('session:open', { ...bundle, roomId: 'other' }, 'mallory'), 'no-room-key');
    await b.call('keys:create', 'other');
    await expectCode(b.call('session:open', { ...bundle, roomId: 'other' }, 'mallory'), 'bad-signature');
    const mSeed = (await partsOf(m.services).identity.get()).seed;
    const { signature: _s, ...u } = bundle;
    await expectCode(b.call('session:open', signBundle(partsOf(m.services).backend, mSeed, { ...u, expiresAt: u.createdAt + 48 * 3600_000 }), 'mallory'), 'malformed');
    await expectCode(a.call('session:open', (await a.call('keys:get', 'r')).bundle, 'me'), 'malformed');
  });
});
