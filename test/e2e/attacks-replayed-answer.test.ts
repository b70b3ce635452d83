// A lying server replays a member's genuine answer from a link the pair replaced to the offerer's newer offer: it is dropped, the real answer connects.
//
// Same session, same certificates: the replayed answer's binding verified once. Only its commitment to the offer it
// answered (docs/PROTOCOL.md §8, role 2's offerDigest) tells it from the answer to the current offer.
import { afterAll, describe, expect, it } from 'vitest';
import { Adversary, HIGHEST_ROUTE, LOWEST_ROUTE, selfIdRule, signalOf } from './harness/adversary';
import { Harness, type Peer } from './harness/index';
import { MESH_TIMEOUT_RETRIES, tileOf } from './harness/link-attacks';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';

const notReady = await e2eNotReadyReason();
/** Joins, one link that times out unproven (20 s without a step), the next link, on a loaded host. */
const TEST_TIMEOUT_MS = 180_000;

describe.skipIf(notReady !== null)(`a replayed answer${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness | undefined;
  afterAll(async () => { await h?.close(); });

  it('to a newer offer of the same pair is never applied: the link waits for, and connects on, the answer to its own offer', async () => {
    let adv!: Adversary;
    h = await Harness.start({ relay: async (url) => (adv = await Adversary.start(url)) });
    const alice: Peer = await h.peer('Alice');
    const bob: Peer = await h.peer('Bob');
    const pageErrors: string[] = [];
    for (const p of [alice, bob]) p.page.on('pageerror', (e) => pageErrors.push(`${p.name}: ${e.message}`));
    adv.use(selfIdRule('Alice offers', 'Alice', LOWEST_ROUTE));
    adv.use(selfIdRule('Bob answers', 'Bob', HIGHEST_ROUTE));
    // Bob's first answer never reaches Alice (her link stalls and is replaced); it is kept, and put right before his next one.
    let kept: unknown[] | null = null;
    let replayed = 0;
    adv.use({ name: 'keep the first answer, replay it before the next', dir: 'down', event: 'signal:relay', client: 'Alice',
      act: (f) => {
        if (signalOf(f)?.type !== 'answer') return undefined;
        if (!kept) { kept = f.args; return { action: 'drop' }; }
        if (replayed === 0) { replayed++; adv.client('Alice')!.inject('signal:relay', ...kept); }
        return undefined;
      } });
    const roomId = 'replayed-answer';
    await alice.join(roomId);
    await bob.join(roomId);
    const a = () => adv.client('Alice')!;
    await waitUntil(() => kept !== null, 40_000, 'Bob\'s first answer');
    await waitUntil(() => a().signals('up', 'offer').length >= 2, 60_000, 'Alice to offer again after her first link stalled');
    await waitUntil(() => replayed === 1, 60_000, 'the replay, right before Bob\'s answer to a newer offer');
    // Settled: both see each other connected (with Bob's media on Alice's side), or Alice gave up on Bob.
    const settled = async () => {
      const [ab, ba] = [await tileOf(alice, 'Bob'), await tileOf(bob, 'Alice')];
      return ab?.conn === 'refused' || (ab?.conn === 'connected' && ab.hasStream && ba?.conn === 'connected');
    };
    await waitUntil(settled, 90_000, 'the pair to connect, or Alice to refuse Bob');
    const [ab, ba] = [await tileOf(alice, 'Bob'), await tileOf(bob, 'Alice')];
    expect({
      conn: ab?.conn, reason: ab?.reason, stream: ab?.hasStream, bobSeesAlice: ba?.conn,
      offersWithinBudget: a().signals('up', 'offer').length <= 1 + MESH_TIMEOUT_RETRIES
    }).toEqual({ conn: 'connected', reason: ab?.conn === 'connected' ? ab.reason : '(not refused)', stream: true, bobSeesAlice: 'connected', offersWithinBudget: true });
    expect(pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
