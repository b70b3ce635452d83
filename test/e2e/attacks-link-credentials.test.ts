// A script in Alice's page mints a link credential for the attacker's certificate; the lying server uses it elsewhere.
//
// Carol is the victim. The adversary lets Alice's first offer reach Carol (so Carol's certificate is known), cuts
// everything else between them, and then offers to Carol in Alice's name from the attacker's own RTCPeerConnection
// with the credential Alice's page obtained: for another peer, for another room, before a rotation, before leaving.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adversary, drop, HIGHEST_ROUTE, LOWEST_ROUTE, selfIdRule, signalOf, type AdversaryClient, type Json } from './harness/adversary';
import { AttackerEndpoint, fingerprintOf } from './harness/attacker';
import { Harness, type Peer } from './harness/index';
import { credentialFields, credentialFromPage, tileOf, type CredentialRequest, leaveIfInCall } from './harness/link-attacks';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';
import type { RoomKeyInfo } from '../../protocol/ipc-e2ee';

const notReady = await e2eNotReadyReason();
/** The attacker offers, so a binding for it is the offerer's (an offer binds no remote fingerprint yet). */
const OFFERER_ROLE = 'offer';

type Minted = Awaited<ReturnType<typeof credentialFromPage>>;
interface CaseContext { roomId: string; alice: AdversaryClient; carol: AdversaryClient; bob: AdversaryClient | null; attackerFp: string; carolFp: string }
interface CredentialCase {
  name: string;
  withBob: boolean;
  /** What Alice's page asks for; `minted` when the case obtained it already and then made it stale. */
  obtain(c: CaseContext, alicePeer: Peer): Promise<{ req: CredentialRequest; minted?: Minted }>;
}

describe.skipIf(notReady !== null)(`link credentials are not transferable${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  let adv!: Adversary;
  let alice: Peer;
  let bob: Peer;
  let carol: Peer;
  let attacker: AttackerEndpoint;

  beforeAll(async () => {
    h = await Harness.start({ relay: async (url) => (adv = await Adversary.start(url)) });
    alice = await h.peer('Alice');
    bob = await h.peer('Bob');
    carol = await h.peer('Carol');
    attacker = await AttackerEndpoint.open(h);
  });
  afterEach(async () => {
    await attacker?.reset();
    for (const p of [alice, bob, carol]) await leaveIfInCall(p);
  });
  afterAll(async () => {
    await attacker?.close();
    await h?.close();
  });

  const CASES: CredentialCase[] = [
    { name: 'minted for Bob, used towards Carol', withBob: true,
      obtain: async (c) => ({ req: { roomId: c.roomId, peerIdentityKey: c.bob!.identityKey!, role: OFFERER_ROLE, localFp: c.attackerFp, remoteFp: '' } }) },
    { name: 'minted for another room', withBob: false,
      obtain: async (c, p) => {
        const other = `${c.roomId}-elsewhere`;
        await p.page.evaluate(async (r) => (window as unknown as { veil: { keys: { create(r: string): Promise<unknown> } } }).veil.keys.create(r), other);
        return { req: { roomId: other, peerIdentityKey: c.carol.identityKey!, role: OFFERER_ROLE, localFp: c.attackerFp, remoteFp: '' } };
      } },
    { name: 'used after Alice rotated her room key', withBob: false,
      obtain: async (c, p) => {
        const req = { roomId: c.roomId, peerIdentityKey: c.carol.identityKey!, role: OFFERER_ROLE, localFp: c.attackerFp, remoteFp: '' };
        const before = (await p.call<RoomKeyInfo>('keys:get', c.roomId)).epoch;
        const cred = await credentialFromPage(p, req);
        await p.page.getByTestId('tab-security').click();
        await p.page.getByTestId('rotate-now').click();
        await waitUntil(async () => (await p.call<RoomKeyInfo>('keys:get', c.roomId)).epoch > before, 15_000, 'Alice\'s rotation');
        // Epochs follow the clock (at least previous + 1), so wait for the epoch Alice actually moved to.
        const after = (await p.call<RoomKeyInfo>('keys:get', c.roomId)).epoch;
        // "After the rotation" means after Carol learnt it (the server relays the notice; nothing else reaches her).
        await carol.page.getByTestId('tab-people').click();
        const aliceRow = carol.page.locator('[data-testid="participant"][data-name="Alice"]');
        await waitUntil(async () => ((await aliceRow.textContent()) ?? '').includes(`key epoch ${after}`), 30_000, 'Carol to learn Alice\'s rotation')
          .catch(async (err: unknown) => {
            const alerts = await carol.page.evaluate(() => document.body.innerText.split('\n').filter((l) => /rotation|refused/i.test(l)).slice(0, 8));
            throw new Error(`${String(err)}; Carol's row: ${String(await aliceRow.textContent())}; lines: ${JSON.stringify(alerts)}`);
          });
        return { req, minted: cred };
      } },
    { name: 'used after Alice left the room', withBob: false,
      obtain: async (c, p) => {
        const req = { roomId: c.roomId, peerIdentityKey: c.carol.identityKey!, role: OFFERER_ROLE, localFp: c.attackerFp, remoteFp: '' };
        const cred = await credentialFromPage(p, req);
        // Carol must not learn that Alice left: the server hides it.
        adv.use({ name: 'hide Alice leaving', dir: 'down', event: 'room:left', client: 'Carol', act: () => drop }, true);
        await p.leave();
        await waitUntil(() => !c.alice.connected, 15_000, 'Alice\'s socket to close');
        return { req, minted: cred };
      } }
  ];

  it.each(CASES.map((k, i) => [k.name, k, i] as const))('credential %s: refused, nothing reaches the attacker', async (_n, k, i) => {
    const roomId = `link-cred-${i}`;
    adv.clearRules();
    // The server decides who offers: Alice always, Carol and Bob never.
    adv.use(selfIdRule('Alice offers', 'Alice', LOWEST_ROUTE));
    adv.use(selfIdRule('Carol answers', 'Carol', HIGHEST_ROUTE));
    adv.use(selfIdRule('Bob answers', 'Bob', HIGHEST_ROUTE));
    let carolAnswer: string | null = null;
    let forwardedOffers = 0;
    // The clients of this room's joins, kept once known (Alice's socket closes when she leaves).
    const refs: { a?: AdversaryClient; c?: AdversaryClient } = {};
    adv.use({ name: 'Alice-Carol', event: 'signal:relay', act: (f) => {
      const a = refs.a ?? adv.client('Alice');
      const c = refs.c ?? adv.client('Carol');
      const p = f.args[0] as Json;
      const s = signalOf(f);
      if (f.dir === 'up' && f.client === c && a && p.to === a.selfId) {
        if (s?.type === 'answer') carolAnswer = String(s.sdp);
        return drop;
      }
      if (f.dir === 'down' && f.client === c && a && p.from === a.selfId) {
        // Only Alice's first offer gets through: it makes Carol answer once, which shows Carol's certificate.
        if (s?.type === 'offer' && forwardedOffers === 0) { forwardedOffers++; return undefined; }
        return drop;
      }
      if (f.dir === 'up' && f.client === a && c && p.to === c.selfId && s?.type !== 'offer') return drop;
      return undefined;
    } });
    await alice.join(roomId);
    if (k.withBob) await bob.join(roomId);
    await carol.join(roomId);
    const a = refs.a = adv.client('Alice')!;
    const c = refs.c = adv.client('Carol')!;
    const b = k.withBob ? adv.client('Bob')! : null;
    if (k.withBob) await waitUntil(async () => (await tileOf(alice, 'Bob'))?.conn === 'connected', 45_000, 'Alice-Bob link');
    await waitUntil(() => carolAnswer !== null, 45_000, 'Carol\'s answer to Alice').catch((err: unknown) => {
      const trace = adv.record.filter((f) => f.event === 'signal:relay' && (f.client === a || f.client === c))
        .map((f) => `${f.client.name} ${f.dir} ${String(signalOf(f)?.type)} to=${String((f.args[0] as Json).to)} from=${String((f.args[0] as Json).from)} ${f.dropped ? 'dropped' : ''}`);
      throw new Error(`${String(err)}; Alice=${String(a.selfId)} Carol=${String(c.selfId)}; ${trace.join(' | ')}`);
    });
    const carolFp = fingerprintOf(carolAnswer!)!;
    const field = credentialFields(a.signals('up', 'offer'))[0]!;
    carolAnswer = null;

    const attackerOffer = await attacker.offer();
    const attackerFp = fingerprintOf(attackerOffer)!;
    const { req, minted } = await k.obtain({ roomId, alice: a, carol: c, bob: b, attackerFp, carolFp }, alice);
    const cred = minted ?? await credentialFromPage(alice, req);
    console.log(`[credential ${i}] via ${cred.via}: ${cred.ok ? 'minted' : `refused by main (${JSON.stringify(cred.error)})`}`);
    // Carol's real link to Alice (answered, its answer dropped) must be over first: an offer that arrives while it is
    // still being answered is dropped unseen, which would prove nothing about the credential itself.
    await waitUntil(async () => ['refused', 'retrying'].includes((await tileOf(carol, 'Alice'))?.conn ?? ''), 60_000,
      'Carol\'s first link to Alice to end');
    c.inject('signal:relay', { from: a.selfId, signal: { type: 'offer', sdp: attackerOffer }, ...(cred.ok ? { [field]: cred.value } : {}) });

    let answered = false;
    await waitUntil(async () => {
      if (carolAnswer && !answered) { answered = true; await attacker.acceptAnswer(carolAnswer); }
      const t = await tileOf(carol, 'Alice');
      const s = await attacker.stats();
      return t?.conn === 'refused' || t?.conn === 'connected' || s.audioBytes + s.videoBytes > 0;
    }, 45_000, 'Carol to refuse or connect').catch(async (err: unknown) => {
      throw new Error(`${String(err)}; Carol's tile ${JSON.stringify(await tileOf(carol, 'Alice'))}; answered=${String(answered)}`);
    });
    const tile = await tileOf(carol, 'Alice');
    const stats = await attacker.finalStats();
    console.log(`[credential ${i}] attacker transport: connection=${stats.connectionState} dtls=${stats.dtlsState}; ` +
      `received audio ${stats.audioBytes} B, video ${stats.videoBytes} B; Carol's tile ${JSON.stringify(tile)}`);
    expect({ conn: tile?.conn, reasonIsRefusal: /^refused:/.test(tile?.reason ?? ''), attackerAudioBytes: stats.audioBytes,
      attackerVideoBytes: stats.videoBytes, remoteStreamShown: tile?.hasStream })
      .toEqual({ conn: 'refused', reasonIsRefusal: true, attackerAudioBytes: 0, attackerVideoBytes: 0, remoteStreamShown: false });
  }, 180_000);
});
