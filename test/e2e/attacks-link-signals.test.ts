// A lying server answers (or offers) in another member's name with the attacker's certificate: no media may reach it.
//
// Alice is the victim, Bob a real member. The adversary cuts every signal between them and puts the attacker's own
// RTCPeerConnection (a bare page) in Bob's place. The proof is on the attacker's side: RTP bytes it received.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adversary, cutSignals, HIGHEST_ROUTE, LOWEST_ROUTE, selfIdRule, signalOf, type AdversaryClient, type Json } from './harness/adversary';
import { AttackerEndpoint, fingerprintOf } from './harness/attacker';
import { Harness, type Peer } from './harness/index';
import { credentialsOf, forgeCredential, happensWithin, leaveIfInCall, MESH_TIMEOUT_RETRIES, tileOf, type TileView } from './harness/link-attacks';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';
import { sdpDigestB64u } from './harness/sdp-digest';

const notReady = await e2eNotReadyReason();
/** Joins, up to three links of 20 s each when the victim drops the signals, the no-retry window, on a loaded host. */
const ATTACK_TIMEOUT_MS = 240_000;

interface AttackContext { bob: AdversaryClient; offer: Json; bobOffer: Json; attacker: AttackerEndpoint }
interface Vector {
  name: string;
  /** Whether the server makes the victim the offerer (its route sorts first) or the answerer. */
  victimOffers: boolean;
  /** Offers the victim makes in all (default 1): an attack whose signals are dropped before any link sees them only
   *  stalls that link, so after its timeout the victim offers again, MESH_TIMEOUT_RETRIES times and no more. */
  offers?: number;
  /** The events injected into the victim, as if Bob's route sent them. */
  attack(c: AttackContext): Promise<Json[]>;
}

const fromBob = (c: AttackContext, signal: Json, extra: Json = {}): Json => ({ from: c.bob.selfId, signal, ...extra });
const answerSdp = async (c: AttackContext) => c.attacker.answer(String((c.offer.signal as Json).sdp));

const VECTORS: Vector[] = [
  { name: 'pranswer with the attacker certificate and no credential', victimOffers: true, offers: 1 + MESH_TIMEOUT_RETRIES,
    attack: async (c) => [fromBob(c, { type: 'pranswer', sdp: await answerSdp(c) })] },
  { name: 'answer with no credential', victimOffers: true, offers: 1 + MESH_TIMEOUT_RETRIES,
    attack: async (c) => [fromBob(c, { type: 'answer', sdp: await answerSdp(c) })] },
  { name: 'answer with a forged credential', victimOffers: true,
    attack: async (c) => {
      const sdp = await answerSdp(c);
      const fp = fingerprintOf(sdp)!;
      const forged = Object.fromEntries(Object.entries(credentialsOf(c.offer))
        .map(([k, v]) => [k, forgeCredential(v, fp, c.bob.identityKey!, 'answer')]));
      // Named for the victim's own offer (the server saw it), so only the forged binding can refuse it.
      return [fromBob(c, { type: 'answer', sdp, offerDigest: await sdpDigestB64u(String((c.offer.signal as Json).sdp)) }, forged)];
    } },
  { name: 'rollback, then a pranswer', victimOffers: true, offers: 1 + MESH_TIMEOUT_RETRIES,
    attack: async (c) => {
      const sdp = await answerSdp(c);
      return [fromBob(c, { type: 'rollback', sdp }), fromBob(c, { type: 'pranswer', sdp })];
    } },
  { name: 'signal types no link expects (renegotiate, transceiverRequest, unknown), then a pranswer', victimOffers: true, offers: 1 + MESH_TIMEOUT_RETRIES,
    attack: async (c) => {
      const sdp = await answerSdp(c);
      return [fromBob(c, { type: 'renegotiate', renegotiate: true }),
        fromBob(c, { type: 'transceiverRequest', transceiverRequest: { kind: 'video', init: { direction: 'recvonly' } } }),
        fromBob(c, { type: 'x-unknown', sdp }), fromBob(c, { type: 'pranswer', sdp })];
    } },
  { name: 'server-chosen initiator swap: the victim is made to answer an offer with the attacker certificate and Bob\'s replayed credential', victimOffers: false,
    attack: async (c) => [fromBob(c, { type: 'offer', sdp: await c.attacker.offer() }, credentialsOf(c.bobOffer))] }
];

describe.skipIf(notReady !== null)(`link attacks through signaling${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  let adv!: Adversary;
  let alice: Peer;
  let bob: Peer;
  let attacker: AttackerEndpoint;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await Harness.start({ relay: async (url) => (adv = await Adversary.start(url)) });
    alice = await h.peer('Alice');
    bob = await h.peer('Bob');
    attacker = await AttackerEndpoint.open(h);
    for (const p of [alice, bob]) p.page.on('pageerror', (e) => pageErrors.push(`${p.name}: ${e.message}`));
  });
  afterEach(async () => {
    pageErrors.length = 0;
    await attacker?.reset();
    for (const p of [alice, bob]) await leaveIfInCall(p);
  });
  afterAll(async () => {
    await attacker?.close();
    await h?.close();
  });

  it.each(VECTORS.map((v, i) => [v.name, v, i] as const))('%s: refused, nothing reaches the attacker, at most the bounded re-offers', async (_n, vector, i) => {
    const roomId = `link-attack-${i}`;
    adv.clearRules();
    adv.use(selfIdRule('victim route', 'Alice', vector.victimOffers ? LOWEST_ROUTE : HIGHEST_ROUTE));
    // When the victim is made to answer, Bob is made to offer (his genuine offer's credential is then replayed).
    if (!vector.victimOffers) adv.use(selfIdRule('Bob offers', 'Bob', LOWEST_ROUTE));
    adv.use(cutSignals('cut Alice-Bob', () => adv.client('Alice'), () => adv.client('Bob')));
    // The victim's answer to the attacker's offer goes to the attacker instead of Bob.
    let victimAnswer: string | null = null;
    adv.use({ name: 'victim answer to attacker', dir: 'up', event: 'signal:relay', client: 'Alice',
      act: (f) => { const s = signalOf(f); if (s?.type === 'answer') victimAnswer = String(s.sdp); return undefined; } }, true);
    await alice.join(roomId);
    await bob.join(roomId);
    const a = adv.client('Alice')!;
    const b = adv.client('Bob')!;
    await waitUntil(() => a.selfId !== null && b.selfId !== null && b.identityKey !== null, 15_000, 'both routes');

    let offer: Json = {};
    if (vector.victimOffers) {
      await waitUntil(() => a.signals('up', 'offer').length > 0, 30_000, 'the victim\'s offer');
      offer = a.signals('up', 'offer')[0]!.args[0] as Json;
    }
    // Bob's genuine offer to Alice (cut, but recorded) when Bob is the offerer: its credential is replayed.
    let bobOffer: Json = {};
    if (!vector.victimOffers) {
      await waitUntil(() => b.signals('up', 'offer').some((f) => (f.args[0] as Json).to === a.selfId), 30_000, 'Bob\'s offer to the victim');
      bobOffer = b.signals('up', 'offer').find((f) => (f.args[0] as Json).to === a.selfId)!.args[0] as Json;
    }
    // Every offer the victim makes is attacked: its first, and each one it makes again after a link timed out unproven
    // (at most MESH_TIMEOUT_RETRIES). The attacker's received bytes are summed over all of them.
    const received = { audio: 0, video: 0 };
    let tile: TileView | null = null;
    for (let round = 0; ; round++) {
      const events = await vector.attack({ bob: b, offer, bobOffer, attacker });
      const sdpsBefore = a.signals('up', 'offer').length;
      for (const ev of events) a.inject('signal:relay', ev);
      // The attack ends one of three ways: refused, the victim offers again (a new link), or the victim answers us.
      let answered = false;
      await waitUntil(async () => {
        if (victimAnswer && !answered) { answered = true; await attacker.acceptAnswer(victimAnswer); }
        const t = await tileOf(alice, 'Bob');
        return t?.conn === 'refused' || a.signals('up', 'offer').length > sdpsBefore || (answered && t?.conn === 'connected');
      }, 40_000, 'the victim to refuse, offer again or connect');
      const stats = await attacker.finalStats();
      received.audio += stats.audioBytes;
      received.video += stats.videoBytes;
      tile = await tileOf(alice, 'Bob');
      console.log(`[attack ${i}.${round}] attacker transport: connection=${stats.connectionState} ice=${stats.iceState} dtls=${stats.dtlsState}; ` +
        `received audio ${stats.audioBytes} B/${stats.audioPackets} pkts, video ${stats.videoBytes} B/${stats.videoPackets} pkts; tile ${JSON.stringify(tile)}`);
      const offers = a.signals('up', 'offer');
      if (offers.length <= sdpsBefore || round >= MESH_TIMEOUT_RETRIES + 1) break;
      offer = offers[offers.length - 1]!.args[0] as Json;
    }
    await waitUntil(async () => (await tileOf(alice, 'Bob'))?.conn === 'refused', 40_000, 'the victim to give up');
    tile = await tileOf(alice, 'Bob');
    const offersAtEnd = a.signals('up', 'offer').length;
    const retried = await happensWithin(() => a.signals('up', 'offer').length > offersAtEnd);
    expect({
      conn: tile?.conn, reasonIsRefusal: /^refused:/.test(tile?.reason ?? ''), remoteStreamShown: tile?.hasStream,
      attackerAudioBytes: received.audio, attackerVideoBytes: received.video, victimOfferedAgainAfterGivingUp: retried,
      victimOffers: a.signals('up', 'offer').length
    }).toEqual({
      conn: 'refused', reasonIsRefusal: true, remoteStreamShown: false, attackerAudioBytes: 0, attackerVideoBytes: 0,
      victimOfferedAgainAfterGivingUp: false, victimOffers: vector.victimOffers ? vector.offers ?? 1 : 0
    });
    expect(pageErrors).toEqual([]);
  }, ATTACK_TIMEOUT_MS);
});
