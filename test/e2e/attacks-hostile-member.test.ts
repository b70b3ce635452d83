// A member who joined legitimately misbehaves through the honest server: replays Bob's credential, floods offers.
//
// Mallory is a real page with her own identity. Her misbehaviour goes out on her own socket (the adversary sends as
// her client, so the real server stamps her route), carrying the attacker endpoint's SDP and Bob's recorded credential.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adversary, HIGHEST_ROUTE, LOWEST_ROUTE, selfIdRule, type Json } from './harness/adversary';
import { AttackerEndpoint } from './harness/attacker';
import { Harness, type Peer } from './harness/index';
import { credentialFields, credentialsOf, leaveIfInCall, pageRtp, tileOf } from './harness/link-attacks';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';

const notReady = await e2eNotReadyReason();
const FLOOD = 50;

describe.skipIf(notReady !== null)(`hostile room member${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  let adv!: Adversary;
  let alice: Peer;
  let bob: Peer;
  let mallory: Peer;
  let attacker: AttackerEndpoint;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await Harness.start({ relay: async (url) => (adv = await Adversary.start(url)) });
    alice = await h.peer('Alice');
    bob = await h.peer('Bob');
    mallory = await h.peer('Mallory');
    attacker = await AttackerEndpoint.open(h);
    for (const p of [alice, bob]) p.page.on('pageerror', (e) => pageErrors.push(`${p.name}: ${e.message}`));
  });
  afterEach(async () => {
    await attacker?.reset();
    for (const p of [alice, bob, mallory]) await leaveIfInCall(p);
  });
  afterAll(async () => {
    await attacker?.close();
    await h?.close();
  });

  it(`Mallory floods ${FLOOD} offers with her own certificate and Bob's replayed credential: refused, bounded, Bob unaffected`, async () => {
    const room = 'hostile-member';
    // Routes are the server's choice; here Alice answers Bob and Mallory (it is the answerer that acts on an offer).
    adv.use(selfIdRule('Alice answers', 'Alice', HIGHEST_ROUTE));
    adv.use(selfIdRule('Bob offers', 'Bob', LOWEST_ROUTE));
    adv.use(selfIdRule('Mallory offers', 'Mallory', LOWEST_ROUTE));
    await alice.join(room);
    await bob.join(room);
    await mallory.join(room);
    await alice.waitConnected(2);
    const a = adv.client('Alice')!;
    const b = adv.client('Bob')!;
    const m = adv.client('Mallory')!;
    const bobSdps = b.signals('up').filter((f) => Object.keys(credentialsOf(f.args[0] as Json)).length > 0);
    expect(bobSdps.length).toBeGreaterThan(0);
    const bobCredential = credentialsOf(bobSdps[0]!.args[0] as Json);
    expect(Object.keys(bobCredential)).toEqual(credentialFields(bobSdps));
    const pcsBefore = (await pageRtp(alice)).pcs;

    const sdp = await attacker.offer();
    const acks = await Promise.all(Array.from({ length: FLOOD }, () =>
      m.sendUp('signal:relay', { to: a.selfId, signal: { type: 'offer', sdp }, ...bobCredential }).catch((e: unknown) => ({ ok: false, error: String(e) }))));
    const relayed = acks.filter((r) => (r as Json | undefined)?.ok === true).length;
    // Refusal is the end state; a flood that the server rate-limited entirely never reaches Alice (also safe).
    await waitUntil(async () => relayed === 0 || (await tileOf(alice, 'Mallory'))?.conn === 'refused', 45_000, 'Alice to refuse Mallory\'s link');
    const tile = await tileOf(alice, 'Mallory');
    const stats = await attacker.finalStats();
    const rtp = await pageRtp(alice);
    console.log(`[hostile] ${relayed}/${FLOOD} offers relayed by the server; Alice made ${rtp.pcs - pcsBefore} new connections; ` +
      `attacker dtls=${stats.dtlsState}, received ${stats.audioBytes + stats.videoBytes} B; Alice's Mallory tile ${JSON.stringify(tile)}`);
    expect({ refusedOrNeverReached: relayed === 0 || tile?.conn === 'refused', attackerBytes: stats.audioBytes + stats.videoBytes,
      newConnectionsAtMostOne: rtp.pcs - pcsBefore <= 1, bobStillConnected: (await tileOf(alice, 'Bob'))?.conn })
      .toEqual({ refusedOrNeverReached: true, attackerBytes: 0, newConnectionsAtMostOne: true, bobStillConnected: 'connected' });
    await alice.sendChat('only for Bob now');
    await bob.waitForMessage('only for Bob now');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
