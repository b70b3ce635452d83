// The seed's ten scenarios, end to end through createDispatcher(buildIpcHandlers(createMainServices(...))).
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../protocol/limits';
import { fromB64u } from '../../../protocol/encoding';
import { Clock, partsOf, expectCode, idOf, joinAll, makePeer, text, untext, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});
async function setup(names: string[], clock = new Clock()) {
  const made = await Promise.all(names.map((n) => makePeer(n, { clock })));
  peers.push(...made);
  return { clock, ps: made };
}

describe('seed scenarios', () => {
  it('1. key pair generation: identity and a signed room bundle with the right sizes', async () => {
    const { ps: [a] } = await setup(['alice']);
    const id = await a!.call('identity:get');
    expect(fromB64u(id.identityKey)!.length).toBe(32);
    const k = await a!.call('keys:create', 'room1');
    expect(fromB64u(k.bundle.ephemeralKey)!.length).toBe(32);
    expect(fromB64u(k.bundle.signature)!.length).toBe(64);
    expect(k.expiresAt - k.createdAt).toBe(LIMITS.keyMaxAgeMs);
    expect((await a!.call('keys:get', 'room1')).keyId).toBe(k.keyId);
    expect((await a!.call('stats:get')).keysGenerated).toBe(1);
  });

  it('2. key exchange: both sides open sessions from each other\'s bundles and agree on peers', async () => {
    const { ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    const s = await a!.call('session:open', (await b!.call('keys:get', 'r')).bundle, 'bob');
    expect(s.peerIdentityKey).toBe(await idOf(b!));
    // Not a contact yet: no message from that key has opened (see docs/PROTOCOL.md section 10).
    expect(s.trust).toBe('new');
  });

  it('3. encryption: the envelope hides the plaintext, carries 130 bytes of overhead, and never repeats', async () => {
    const { ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    const plain = text('hello bob, secret words');
    const env = await a!.call('message:seal', 'r', await idOf(b!), plain);
    const again = await a!.call('message:seal', 'r', await idOf(b!), plain);
    expect(Buffer.from(env).includes(Buffer.from('secret words'))).toBe(false);
    expect(env.length - plain.length).toBe(130);
    expect(Buffer.from(env.subarray(50)).equals(Buffer.from(again.subarray(50)))).toBe(false);
    expect((await a!.call('stats:get')).messagesSealed).toBe(2);
  });

  it('4. decryption: the recipient opens the envelope and learns the authenticated sender', async () => {
    const { ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    const env = await a!.call('message:seal', 'r', await idOf(b!), text('hello bob'));
    const opened = await b!.call('message:open', 'r', await idOf(a!), env);
    expect(untext(opened.plaintext)).toBe('hello bob');
    expect(opened.senderIdentityKey).toBe(await idOf(a!));
    expect(opened.counter).toBe(1);
    expect(opened.keyId).toBe((await a!.call('keys:get', 'r')).keyId);
    expect((await b!.call('stats:get')).messagesOpened).toBe(1);
  });

  it('5. signature verification with tamper detection', async () => {
    const { ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    const env = await a!.call('message:seal', 'r', await idOf(b!), text('x'));
    const bad = env.slice();
    bad[bad.length - 1]! ^= 1;
    await expectCode(b!.call('message:open', 'r', await idOf(a!), bad), 'bad-signature');
    const bundle = (await a!.call('keys:get', 'r')).bundle;
    const forged = { ...bundle, epoch: bundle.epoch + 1 };
    await expectCode(b!.call('session:open', forged, 'alice'), 'bad-signature');
    expect(untext((await b!.call('message:open', 'r', await idOf(a!), env)).plaintext)).toBe('x');
  });

  it('6. replay prevention: the same envelope opens once', async () => {
    const { ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    const env = await a!.call('message:seal', 'r', await idOf(b!), text('once'));
    await b!.call('message:open', 'r', await idOf(a!), env);
    await expectCode(b!.call('message:open', 'r', await idOf(a!), env), 'replay');
    expect((await b!.call('stats:get')).rejections.replay).toBe(1);
  });

  it('7. key rotation: new key, peers apply the notice, old key opens during grace only', async () => {
    const { clock, ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    const [ia, ib] = [await idOf(a!), await idOf(b!)];
    const before = await a!.call('keys:get', 'r');
    const inFlightAB = await a!.call('message:seal', 'r', ib, text('in flight to bob'));
    const lateBA = await b!.call('message:seal', 'r', ia, text('late 1'));
    const lateBA2 = await b!.call('message:seal', 'r', ia, text('late 2'));
    const notice = await a!.call('keys:rotate', 'r');
    expect(notice.epoch).toBeGreaterThan(before.epoch);
    expect(notice.previousKeyId).toBe(before.keyId);
    expect((await a!.call('keys:get', 'r')).keyId).not.toBe(before.keyId);
    const info = await b!.call('keys:applyRotation', notice);
    expect(info.peerKeyId).toBe(notice.bundle.keyId);
    const after = await a!.call('message:seal', 'r', ib, text('after'));
    expect(untext((await b!.call('message:open', 'r', ia, after)).plaintext)).toBe('after');
    expect(untext((await b!.call('message:open', 'r', ia, inFlightAB)).plaintext)).toBe('in flight to bob');
    expect(untext((await a!.call('message:open', 'r', ib, lateBA)).plaintext)).toBe('late 1');
    clock.advance(LIMITS.rotationGraceMs + 1);
    await a!.services.tick();
    expect(partsOf(a!.services).roomKeys.get('r')!.previous).toBeNull();
    await expectCode(a!.call('message:open', 'r', ib, lateBA2), 'wrong-recipient');
    await expectCode(b!.call('keys:applyRotation', notice), 'replay');
    expect((await a!.call('audit:tail', 100)).map((e) => e.type)).toEqual(expect.arrayContaining(['room-key-created', 'session-opened', 'room-key-rotated']));
    const reply = await b!.call('message:seal', 'r', ia, text('reply'));
    expect(untext((await a!.call('message:open', 'r', ib, reply)).plaintext)).toBe('reply');
  });

  it('8. key revocation: revoked key stops at once, replacement works', async () => {
    const { ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    const [ia, ib] = [await idOf(a!), await idOf(b!)];
    const old = await a!.call('message:seal', 'r', ib, text('old'));
    const { revocation, replacement } = await a!.call('keys:revoke', 'r');
    await b!.call('keys:applyRevocation', revocation);
    await expectCode(b!.call('message:open', 'r', ia, old), 'revoked');
    await b!.call('keys:applyRotation', replacement);
    const fresh = await a!.call('message:seal', 'r', ib, text('new'));
    expect(untext((await b!.call('message:open', 'r', ia, fresh)).plaintext)).toBe('new');
    expect((await a!.call('audit:tail', 100)).some((e) => e.type === 'room-key-revoked' && e.keyId === revocation.keyId)).toBe(true);
    expect((await b!.call('audit:tail', 100)).some((e) => e.type === 'message-rejected' && e.reason === 'revoked')).toBe(true);
  });

  it('7b. timer rotation: a key older than rotationIntervalMs is rotated by the sweep and its notice exposed', async () => {
    const { clock, ps: [a, b] } = await setup(['alice', 'bob']);
    await joinAll('r', [a!, b!]);
    await a!.call('settings:set', { rotationIntervalMs: 60_000 });
    const before = await a!.call('keys:get', 'r');
    await a!.services.tick();
    expect((await a!.call('keys:get', 'r')).keyId).toBe(before.keyId);
    clock.advance(60_000);
    await a!.services.tick();
    const after = await a!.call('keys:get', 'r');
    expect(after.keyId).not.toBe(before.keyId);
    expect(after.lastRotation?.previousKeyId).toBe(before.keyId);
    await b!.call('keys:applyRotation', after.lastRotation);
    const env = await a!.call('message:seal', 'r', await idOf(b!), text('rotated by timer'));
    expect(untext((await b!.call('message:open', 'r', await idOf(a!), env)).plaintext)).toBe('rotated by timer');
  });

  it('9. multiple users: every ordered pair of a 5-member room exchanges a message', async () => {
    const { ps } = await setup(['p1', 'p2', 'p3', 'p4', 'p5']);
    await joinAll('big', ps);
    let n = 0;
    for (const a of ps) for (const b of ps) {
      if (a === b) continue;
      const env = await a.call('message:seal', 'big', await idOf(b), text(`${a.name}->${b.name}`));
      expect(untext((await b.call('message:open', 'big', await idOf(a), env)).plaintext)).toBe(`${a.name}->${b.name}`);
      for (const c of ps) if (c !== a && c !== b) await expectCode(c.call('message:open', 'big', await idOf(a), env), 'wrong-recipient');
      n++;
    }
    expect(n).toBe(20);
  });

  it('10. cleanup: leaving wipes room keys and sessions (zeroized), dispose wipes the identity', async () => {
    const secrets: Uint8Array[] = [];
    const clock = new Clock();
    const a = await makePeer('alice', { clock, secrets });
    const b = await makePeer('bob', { clock });
    peers.push(b);
    await joinAll('r', [a, b]);
    const room = partsOf(a.services).roomKeys.get('r')!;
    const eph = room.current.ephemeral.secretKey;
    const sess = partsOf(a.services).peers.current(partsOf(a.services).peers.get('r', await idOf(b))!)!.keys;
    expect(eph.some((x) => x !== 0)).toBe(true);
    await a.call('room:leave', 'r');
    expect(eph.every((x) => x === 0)).toBe(true);
    expect(sess.sendKey.every((x) => x === 0) && sess.recvKey.every((x) => x === 0)).toBe(true);
    await expectCode(a.call('keys:get', 'r'), 'no-room-key');
    await expectCode(a.call('message:seal', 'r', await idOf(b), text('x')), 'no-room-key');
    const seed = (await partsOf(a.services).identity.get()).seed;
    await a.services.dispose();
    expect(seed.every((x) => x === 0)).toBe(true);
    expect(secrets.length).toBeGreaterThan(3);
  });
});
