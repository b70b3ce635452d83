// Held notices in main: signed only while a decision is pending; a forged, unsigned, wrong-key, stale or misdirected one is refused and counted.
import { afterEach, describe, expect, it } from 'vitest';
import { toB64u } from '../../../protocol/encoding';
import type { WireHeldNotice } from '../../../protocol/held-notice';
import { signHeldNotice } from '../../../main/crypto';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';
import { Clock, expectCode, idOf, joinAll, makePeer, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});

const backend = createNodeBackend();
const flip = (s: string) => (s[5] === 'A' ? `${s.slice(0, 5)}B${s.slice(6)}` : `${s.slice(0, 5)}A${s.slice(6)}`);

/** Alice knows Bob; Bob comes back with a new identity key under his name: Alice's app holds the decision. */
async function pendingChange() {
  const clock = new Clock();
  const [alice, bob, bobNew, carol] = await Promise.all(['alice', 'bob', 'bob', 'carol'].map((n) => makePeer(n, { clock })));
  peers.push(alice!, bob!, bobNew!, carol!);
  await joinAll('r', [alice!, bob!, carol!]);
  await alice!.call('trust:setVerified', await idOf(bob!), true);
  await joinAll('r', [alice!, bobNew!, carol!]);
  const ids = { alice: await idOf(alice!), bob: await idOf(bob!), bobNew: await idOf(bobNew!), carol: await idOf(carol!) };
  return { clock, alice: alice!, bob: bob!, bobNew: bobNew!, carol: carol!, ids };
}

describe('held notices (PROTOCOL.md §21)', () => {
  it('Alice signs one about Bob\'s new key; Bob checks it against Alice\'s known key', async () => {
    const { alice, bobNew, ids } = await pendingChange();
    const notice = await alice.call('trust:signHeld', 'r', ids.bobNew);
    const bobKey = (await bobNew.call('keys:get', 'r')).keyId;
    expect(notice).toMatchObject({ v: 1, signer: ids.alice, roomId: 'r', subject: ids.bobNew, subjectKeyId: bobKey });
    expect(await bobNew.call('trust:checkHeld', 'r', ids.alice, notice)).toEqual({ signer: ids.alice, issuedAt: notice.issuedAt });
    expect((await bobNew.call('audit:tail', 50)).map((e) => e.type)).toContain('held-notice-accepted');
  });

  it('main signs only while a decision about that peer is pending (a compromised page cannot make it vouch for more)', async () => {
    const { alice, ids } = await pendingChange();
    await expectCode(alice.call('trust:signHeld', 'r', ids.carol), 'bad-state');
    await expectCode(alice.call('trust:signHeld', 'other-room', ids.bobNew), 'no-room-key');
    await alice.call('trust:acceptChange', ids.bobNew);
    await expectCode(alice.call('trust:signHeld', 'r', ids.bobNew), 'bad-state');
  });

  it('forged, unsigned, wrong-key, tampered, misdirected and stale notices are refused, counted and audited', async () => {
    const { clock, alice, bobNew, carol, ids } = await pendingChange();
    const good = await alice.call('trust:signHeld', 'r', ids.bobNew);
    const { signature: _sig, ...fields } = good;
    const mallorySeed = backend.randomBytes(32);
    const mallory = toB64u(backend.ed25519PublicKey(mallorySeed));
    const cases: [string, WireHeldNotice, string, string][] = [
      // A lying server makes up Alice's notice: it cannot sign with her key.
      ['forged under Alice\'s name', signHeldNotice(backend, mallorySeed, fields), ids.alice, 'bad-signature'],
      ['unsigned', { ...good, signature: toB64u(new Uint8Array(64)) }, ids.alice, 'bad-signature'],
      ['tampered after signing', { ...good, issuedAt: good.issuedAt - 1 }, ids.alice, 'bad-signature'],
      ['signed by a key that is not the sender\'s', signHeldNotice(backend, mallorySeed, { ...fields, signer: mallory }), ids.alice, 'wrong-recipient'],
      ['Alice\'s, relayed as if Carol sent it', good, ids.carol, 'wrong-recipient'],
      ['about someone else', { ...good, subject: ids.alice }, ids.alice, 'wrong-recipient'],
      ['for another room', { ...good, roomId: 'r2' }, ids.alice, 'wrong-recipient'],
      ['naming a room key Bob does not hold', { ...good, subjectKeyId: flip(good.subjectKeyId) }, ids.alice, 'unknown-key']
    ];
    for (const [what, notice, signer, code] of cases) {
      await expect(expectCode(bobNew.call('trust:checkHeld', 'r', signer, notice), code), what).resolves.toBeTypeOf('string');
    }
    // Carol is not its subject: the very same notice is refused there.
    await expectCode(carol.call('trust:checkHeld', 'r', ids.alice, good), 'wrong-recipient');
    clock.advance(5 * 60_000 + 1);
    await expectCode(bobNew.call('trust:checkHeld', 'r', ids.alice, good), 'stale');
    const stats = await bobNew.call('stats:get');
    expect(stats.rejections).toMatchObject({ signature: 3, 'wrong-recipient': 4, 'unknown-key': 1, stale: 1 });
    const audit = (await bobNew.call('audit:tail', 100)).filter((e) => e.type === 'held-notice-rejected');
    expect(audit).toHaveLength(cases.length + 1);
    expect((await bobNew.call('audit:tail', 100)).map((e) => e.type)).not.toContain('held-notice-accepted');
  });
});
