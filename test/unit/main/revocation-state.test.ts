// Revocations apply in any order and persist until expiry; our epochs only go up; members and rooms are capped.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateEphemeral, signBundle, signRevocation } from '../../../main/crypto';
import { toB64u } from '../../../protocol/encoding';
import type { WireKeyBundle, WireRevocationNotice } from '../../../protocol/keys';
import { LIMITS } from '../../../protocol/limits';
import { Clock, partsOf, expectCode, idOf, joinAll, makePeer, text, untext, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});
async function make(name: string, clock: Clock, from?: Peer): Promise<Peer> {
  const p = await makePeer(name, { clock, ...(from ? { dataDir: from.dataDir, keystore: from.keystore } : {}) });
  peers.push(p);
  return p;
}
/** Stops `p` (as quitting the app does) and starts a new service instance on the same data folder and keychain. */
async function restart(p: Peer, clock: Clock): Promise<Peer> {
  await p.services.dispose();
  peers = peers.filter((x) => x !== p);
  return make(p.name, clock, p);
}
async function pair() {
  const clock = new Clock();
  const a = await make('alice', clock);
  const b = await make('bob', clock);
  await joinAll('r', [a, b]);
  return { clock, a, b, ia: await idOf(a), ib: await idOf(b) };
}

describe('revocations apply in any order', () => {
  it('a revocation delivered after its replacement rotation wipes the grace session at once', async () => {
    const { a, b, ia, ib } = await pair();
    const first = await a.call('message:seal', 'r', ib, text('one'));
    const second = await a.call('message:seal', 'r', ib, text('two'));
    const { revocation, replacement } = await a.call('keys:revoke', 'r');
    await b.call('keys:applyRotation', replacement);
    // Within the grace period the old key still opens...
    expect(untext((await b.call('message:open', 'r', ia, first)).plaintext)).toBe('one');
    // ...until the late revocation arrives: it applies although its epoch is older than the current one.
    expect(await b.call('keys:applyRevocation', revocation)).toEqual({ peerIdentityKey: ia, keyId: revocation.keyId });
    await expectCode(b.call('message:open', 'r', ia, second), 'revoked');
    await expectCode(b.call('keys:applyRevocation', revocation), 'replay');
    const after = await a.call('message:seal', 'r', ib, text('three'));
    expect(untext((await b.call('message:open', 'r', ia, after)).plaintext)).toBe('three');
  });

  it('a revocation of a key never seen is remembered, and that bundle is refused when it arrives later', async () => {
    const { a, b, ia, ib } = await pair();
    const delayed = await a.call('keys:rotate', 'r');
    const { revocation, replacement } = await a.call('keys:revoke', 'r');
    expect(revocation.keyId).toBe(delayed.bundle.keyId);
    await b.call('keys:applyRevocation', revocation);
    await expectCode(b.call('keys:applyRotation', delayed), 'revoked');
    await expectCode(b.call('session:open', delayed.bundle, 'alice'), 'revoked');
    await b.call('keys:applyRotation', replacement);
    const msg = await a.call('message:seal', 'r', ib, text('on the replacement'));
    expect(untext((await b.call('message:open', 'r', ia, msg)).plaintext)).toBe('on the replacement');
  });

  it('a revocation naming a seen key with another epoch is refused and changes nothing', async () => {
    const { a, b, ia, ib } = await pair();
    const k1 = (await a.call('keys:get', 'r')).bundle;
    await b.call('keys:applyRotation', await a.call('keys:rotate', 'r'));
    const seed = (await partsOf(a.services).identity.get()).seed;
    const forged: WireRevocationNotice = signRevocation(partsOf(a.services).backend, seed, { v: 1, type: 'revoke', identityKey: ia, roomId: 'r',
      keyId: k1.keyId, epoch: k1.epoch + 1, issuedAt: 0 });
    await expectCode(b.call('keys:applyRevocation', forged), 'malformed');
    expect(partsOf(b.services).revocations.has('r', ia, k1.keyId)).toBe(false);
    const msg = await a.call('message:seal', 'r', ib, text('fine'));
    expect(untext((await b.call('message:open', 'r', ia, msg)).plaintext)).toBe('fine');
  });
});

describe('revoked keys persist until they expire', () => {
  it('survive leave, re-join and a restart; are forgotten once the key has expired', async () => {
    const { clock, a, b, ia } = await pair();
    const revoked = (await a.call('keys:get', 'r')).bundle;
    const { revocation } = await a.call('keys:revoke', 'r');
    await b.call('keys:applyRevocation', revocation);
    await b.call('room:leave', 'r');
    await b.call('keys:create', 'r');
    await expectCode(b.call('session:open', revoked, 'alice'), 'revoked');
    const b2 = await restart(b, clock);
    await b2.call('keys:create', 'r');
    await expectCode(b2.call('session:open', revoked, 'alice'), 'revoked');
    const file = path.join(b2.dataDir, 'revocations.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).revoked).toEqual([{ roomId: 'r', identityKey: ia, keyId: revoked.keyId,
      expiresAt: revoked.expiresAt }]);
    clock.t = revoked.expiresAt;
    expect(partsOf(b2.services).revocations.has('r', ia, revoked.keyId)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).revoked).toEqual([]);
    await expectCode(b2.call('session:open', revoked, 'alice'), 'expired');
  });

  it('a corrupt revocations.json or epochs.json starts empty, audited, without crashing', async () => {
    const clock = new Clock();
    const first = await make('bob', clock);
    await first.services.dispose();
    peers = [];
    writeFileSync(path.join(first.dataDir, 'revocations.json'), '{"v":1,"revoked":[{"roomId":');
    writeFileSync(path.join(first.dataDir, 'epochs.json'), '{"v":2}');
    const b = await make('bob', clock, first);
    const types = (await b.call('audit:tail', 50)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['revocations-corrupt', 'epochs-corrupt']));
    expect((await b.call('keys:create', 'r')).epoch).toBe(Math.floor(clock.t / 1000));
  });
});

describe('our epochs only go up', () => {
  it('across a quick leave and re-join after rotations, and across a restart; the peer accepts the re-joined key', async () => {
    const { clock, a, b } = await pair();
    let last = (await a.call('keys:get', 'r')).epoch;
    for (let i = 0; i < 3; i++) {
      const n = await a.call('keys:rotate', 'r');
      expect(n.epoch).toBe(last + 1);
      last = n.epoch;
      await b.call('keys:applyRotation', n);
    }
    await a.call('room:leave', 'r');
    const rejoined = await a.call('keys:create', 'r');
    expect(rejoined.epoch).toBe(last + 1);
    // Bob still holds Alice's record (he did not leave): the re-joined key must not look older.
    await b.call('session:close', 'r', await idOf(a));
    expect((await b.call('session:open', rejoined.bundle, 'alice')).peerEpoch).toBe(rejoined.epoch);
    const a2 = await restart(a, clock);
    expect((await a2.call('keys:create', 'r')).epoch).toBe(rejoined.epoch + 1);
  });

  it('forgets a room once the clock has passed its last epoch', async () => {
    const { clock, a } = await pair();
    await a.call('keys:rotate', 'r');
    expect(partsOf(a.services).epochs.lastEpoch('r')).toBe(Math.floor(clock.t / 1000) + 1);
    clock.advance(5_000);
    await a.call('keys:create', 'other');
    expect(partsOf(a.services).epochs.lastEpoch('r')).toBeUndefined();
    expect(Object.keys(JSON.parse(readFileSync(path.join(a.dataDir, 'epochs.json'), 'utf8')).rooms)).toEqual(['other']);
  });
});

/** A stranger's bundle for room `r`, signed by a fresh identity (no services needed). */
function strangerBundle(p: Peer, clock: Clock): WireKeyBundle {
  const backend = partsOf(p.services).backend;
  const seed = backend.randomBytes(32);
  const eph = generateEphemeral(backend);
  return signBundle(backend, seed, { v: 1, identityKey: toB64u(backend.ed25519PublicKey(seed)), roomId: 'r', keyId: toB64u(eph.keyId),
    epoch: 1, ephemeralKey: toB64u(eph.publicKey), createdAt: clock.t, expiresAt: clock.t + 3600_000 });
}

describe('bounded rooms', () => {
  it(`session:open refuses member ${LIMITS.maxRoomMembers + 1} with room-too-large; a closed member makes room`, async () => {
    const clock = new Clock();
    const b = await make('bob', clock);
    await b.call('keys:create', 'r');
    const bundles = Array.from({ length: LIMITS.maxRoomMembers + 1 }, () => strangerBundle(b, clock));
    for (const [i, bundle] of bundles.slice(0, -1).entries()) await b.call('session:open', bundle, `m${i}`);
    await expectCode(b.call('session:open', bundles.at(-1), 'one-too-many'), 'room-too-large');
    expect((await b.call('trust:list')).some((c) => c.displayName === 'one-too-many')).toBe(false);
    // A known member re-opening is not a new member.
    await b.call('session:open', bundles[0], 'm0');
    await b.call('session:close', 'r', bundles[0]!.identityKey);
    await b.call('session:open', bundles.at(-1), 'one-too-many');
  });

  it(`keys:create refuses room ${LIMITS.maxRooms + 1} with too-many-rooms until one is left`, async () => {
    const clock = new Clock();
    const b = await make('bob', clock);
    for (let i = 0; i < LIMITS.maxRooms; i++) await b.call('keys:create', `room-${i}`);
    await expectCode(b.call('keys:create', 'one-more'), 'too-many-rooms');
    await b.call('keys:create', 'room-0');
    await b.call('room:leave', 'room-3');
    await b.call('keys:create', 'one-more');
  });
});
